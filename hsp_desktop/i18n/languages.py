"""The language registry: DfE census codes, BCP 47 tags, babel locales, scripts and fonts.

Languages are stored in the database as DfE first-language codes (CBDS). Everything else a
screen or a letter needs is looked up here. Spoken dialects (Sylheti, Mirpuri, Cantonese) are
kept distinct from the written language a letter should use: `written` names the code whose
letter catalog serves that dialect.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from babel import Locale, UnknownLocaleError


class Direction(StrEnum):
    LTR = "ltr"
    RTL = "rtl"


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # DfE census code, e.g. "URD"
    bcp47: str  # e.g. "ur"
    english_name: str
    script: str  # ISO 15924, e.g. "Arab"; "Aran" for Urdu's Nastaliq style
    written: str  # DfE code of the language letters are written in
    category: str = "language"  # "language" | "dialect" | "sign" | "status"

    @property
    def direction(self) -> Direction:
        return Direction.RTL if self.script in {"Arab", "Aran", "Hebr"} else Direction.LTR

    @property
    def is_written(self) -> bool:
        """True when letters can be produced in this language itself."""
        return self.written == self.code

    @property
    def babel_locale(self) -> Locale | None:
        return None if self.category == "status" else _babel_locale(self.bcp47)

    @property
    def native_name(self) -> str:
        loc = self.babel_locale
        if loc is None:
            return self.english_name
        name = loc.get_display_name(loc) or self.english_name
        return name[:1].upper() + name[1:]

    def matches(self, text: str) -> bool:
        """Search by code, English name or the name in the language itself."""
        needle = _fold(text)
        if not needle:
            return True
        return any(
            needle in _fold(hay)
            for hay in (self.code, self.bcp47, self.english_name, self.native_name)
        )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _babel_locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return None


def _lang(
    code: str,
    tag: str,
    name: str,
    script: str,
    written: str | None = None,
    category: str = "language",
) -> Language:
    return Language(code, tag, name, script, written or code, category)


_LANGUAGES: tuple[Language, ...] = (
    _lang("ENG", "en", "English", "Latn"),
    _lang("ALB", "sq", "Albanian", "Latn"),
    _lang("AMR", "am", "Amharic", "Ethi"),
    _lang("ARA", "ar", "Arabic", "Arab"),
    _lang("BNG", "bn", "Bengali", "Beng"),
    _lang("BNGS", "syl", "Bengali (Sylheti)", "Beng", "BNG", "dialect"),
    _lang("BSL", "bfi", "British Sign Language", "Latn", "ENG", "sign"),
    _lang("BUL", "bg", "Bulgarian", "Cyrl"),
    _lang("CHI", "zh-Hans", "Chinese", "Hans"),
    _lang("CHIC", "yue", "Chinese (Cantonese)", "Hans", "CHI", "dialect"),
    _lang("CHIM", "cmn", "Chinese (Mandarin)", "Hans", "CHI", "dialect"),
    _lang("CYM", "cy", "Welsh", "Latn"),
    _lang("CZE", "cs", "Czech", "Latn"),
    _lang("FRN", "fr", "French", "Latn"),
    _lang("GER", "de", "German", "Latn"),
    _lang("GUJ", "gu", "Gujarati", "Gujr"),
    _lang("HGR", "hu", "Hungarian", "Latn"),
    _lang("HIN", "hi", "Hindi", "Deva"),
    _lang("ITA", "it", "Italian", "Latn"),
    _lang("KUR", "ku", "Kurdish", "Latn"),
    _lang("KURM", "kmr", "Kurdish (Kurmanji)", "Latn", "KUR", "dialect"),
    _lang("KURS", "ckb", "Kurdish (Sorani)", "Arab"),
    _lang("LIT", "lt", "Lithuanian", "Latn"),
    _lang("NEP", "ne", "Nepali", "Deva"),
    _lang("PAT", "ps", "Pashto", "Arab"),
    _lang("PNJ", "pa", "Panjabi", "Guru", "PNJG"),
    _lang("PNJG", "pa-Guru", "Panjabi (Gurmukhi)", "Guru"),
    _lang("PNJM", "pa-Arab", "Panjabi (Mirpuri)", "Aran", "URD", "dialect"),
    _lang("POL", "pl", "Polish", "Latn"),
    _lang("POR", "pt", "Portuguese", "Latn"),
    _lang("PRS", "fa", "Persian (Farsi)", "Arab"),
    _lang("PRSD", "fa-AF", "Persian (Dari)", "Arab", "PRS", "dialect"),
    _lang("RMN", "ro", "Romanian", "Latn"),
    _lang("RUS", "ru", "Russian", "Cyrl"),
    _lang("SLO", "sk", "Slovak", "Latn"),
    _lang("SOM", "so", "Somali", "Latn"),
    _lang("SPA", "es", "Spanish", "Latn"),
    _lang("TAM", "ta", "Tamil", "Taml"),
    _lang("TGR", "ti", "Tigrinya", "Ethi"),
    _lang("TUR", "tr", "Turkish", "Latn"),
    _lang("UKR", "uk", "Ukrainian", "Cyrl"),
    _lang("URD", "ur", "Urdu", "Aran"),
    _lang("VIE", "vi", "Vietnamese", "Latn"),
    _lang("YOR", "yo", "Yoruba", "Latn"),
    _lang("OTH", "und", "Other language", "Latn", "ENG", "status"),
    _lang("NOT", "und", "Information not obtained", "Latn", "ENG", "status"),
    _lang("REF", "und", "Refused", "Latn", "ENG", "status"),
)

_BY_CODE: dict[str, Language] = {lang.code: lang for lang in _LANGUAGES}
_BY_TAG: dict[str, Language] = {}
for _l in _LANGUAGES:
    if _l.category != "status":
        _BY_TAG.setdefault(_l.bcp47.casefold(), _l)
_BY_TAG["pa-guru"] = _BY_CODE["PNJG"]
_BY_TAG["zh"] = _BY_CODE["CHI"]
_BY_TAG["zh-cn"] = _BY_CODE["CHI"]

ENGLISH = _BY_CODE["ENG"]


class UnknownLanguageError(ValueError):
    """A language code that is neither a DfE code nor a BCP 47 tag we know."""


def all_languages() -> tuple[Language, ...]:
    return _LANGUAGES


def is_known(code: str) -> bool:
    return code in _BY_CODE


def get(code: str) -> Language:
    """Look a language up by DfE code (``URD``) or BCP 47 tag (``ur``)."""
    key = code.strip()
    if key.upper() in _BY_CODE:
        return _BY_CODE[key.upper()]
    found = _BY_TAG.get(key.casefold().replace("_", "-"))
    if found is None:
        raise UnknownLanguageError(f"Unknown language code: {code!r}")
    return found


def search(text: str) -> list[Language]:
    return [lang for lang in _LANGUAGES if lang.matches(text)]


def written_language(code: str | None) -> Language:
    """The language a letter for a reader of ``code`` is written in (English if unknown)."""
    if not code:
        return ENGLISH
    try:
        lang = get(code)
    except UnknownLanguageError:
        return ENGLISH
    return _BY_CODE[lang.written]
