"""Dates, times, numbers and money as a reader of a given language expects them (babel/CLDR).

Every function takes the language as a DfE code (``URD``) or a BCP 47 tag (``ur``). English is
British English: the program serves schools in England and Wales.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from hsp_desktop.i18n import languages

DateStyle = Literal["full", "long", "medium", "short"]
NameWidth = Literal["wide", "abbreviated", "narrow"]

_BRITISH = Locale("en", "GB")


@cache
def locale_for(language: str) -> Locale:
    """The babel locale used to format text for ``language`` (British English as fallback)."""
    try:
        found = languages.get(language).babel_locale
    except languages.UnknownLanguageError:
        return _BRITISH
    if found is None or (found.language == "en" and not found.territory):
        return _BRITISH
    return found


def format_date(value: dt.date, language: str, style: DateStyle = "long") -> str:
    return babel_dates.format_date(value, format=style, locale=locale_for(language))


def format_time(value: dt.time, language: str, style: DateStyle = "short") -> str:
    return babel_dates.format_time(value, format=style, locale=locale_for(language))


def format_datetime(value: dt.datetime, language: str, style: DateStyle = "long") -> str:
    """Date in ``style`` with the time in short form, in the order the language uses."""
    locale = locale_for(language)
    date_part = babel_dates.format_date(value.date(), format=style, locale=locale)
    time_part = babel_dates.format_time(value.time(), format="short", locale=locale)
    pattern = locale.datetime_formats.get(style, "{1} {0}")
    return str(pattern).replace("{1}", date_part).replace("{0}", time_part)


# Names come from the "format" context only. Resolving CLDR's "stand-alone" aliases in babel
# 2.18 writes the result back into locale data shared between locales (python-babel/babel#1234),
# so one lookup in Chinese made later Bengali and Panjabi month names come out in Chinese.


def weekday_name(value: dt.date, language: str, width: NameWidth = "wide") -> str:
    names = locale_for(language).days["format"][width]
    return str(names[value.weekday()])


def month_name(month: int, language: str, width: NameWidth = "wide") -> str:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, not {month}")
    return str(locale_for(language).months["format"][width][month])


def format_number(value: int | float | Decimal, language: str) -> str:
    return babel_numbers.format_decimal(value, locale=locale_for(language))


def format_money(amount: int | float | Decimal, language: str, currency: str = "GBP") -> str:
    return babel_numbers.format_currency(amount, currency, locale=locale_for(language))
