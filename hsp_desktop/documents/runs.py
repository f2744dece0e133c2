"""Splitting a paragraph into runs that one face can set: same face, bidi level and weight.

Each character gets a Unicode script. Characters of no particular script (spaces, digits,
punctuation) and combining marks join their neighbour's script, preferring a script they are
used with (the Arabic comma goes with Arabic even after a Latin word). The script picks a face;
a character that face lacks goes to the first bundled face that has it, and one that no face
has is replaced and reported rather than printed as an empty box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fontTools import unicodedata as ucd

from hsp_desktop.documents import fonts

_NEUTRAL = {"Zyyy", "Zinh", "Zzzz"}


@dataclass(frozen=True, slots=True)
class Run:
    start: int
    end: int
    face: str
    level: int
    bold: bool
    script: str  # the script HarfBuzz shapes the run as

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@dataclass(frozen=True, slots=True)
class Itemized:
    text: str  # the text actually set: unsupported characters replaced
    runs: tuple[Run, ...]
    missing: tuple[str, ...]  # characters no bundled face has


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    return str(ucd.script(char))


@lru_cache(maxsize=4096)
def _extensions(char: str) -> frozenset[str]:
    return frozenset(ucd.script_extension(char)) - _NEUTRAL


def resolve_scripts(text: str, letter_script: str) -> list[str]:
    """A concrete script for every character, neutrals taking a neighbour's."""
    n = len(text)
    scripts = [_script(ch) for ch in text]
    # Backward pass: what strong script follows each position (for neutrals at a run start).
    following: list[str | None] = [None] * n
    upcoming: str | None = None
    for i in range(n - 1, -1, -1):
        if scripts[i] not in _NEUTRAL:
            upcoming = scripts[i]
        following[i] = upcoming
    previous: str | None = None
    out: list[str] = []
    for i, ch in enumerate(text):
        own = scripts[i]
        if own not in _NEUTRAL:
            previous = own
            out.append(own)
            continue
        if own == "Zinh" and out:
            out.append(out[-1])  # a mark belongs to the letter it sits on
            continue
        ext = _extensions(ch)
        if ext:
            nxt = following[i]
            chosen: str
            if previous is not None and previous in ext:
                chosen = previous
            elif nxt is not None and nxt in ext:
                chosen = nxt
            elif letter_script in ext or (letter_script == "Aran" and "Arab" in ext):
                chosen = "Arab" if letter_script == "Aran" else letter_script
            else:
                chosen = sorted(ext)[0]
            previous = chosen
        else:
            chosen = previous or following[i] or letter_script
        out.append(chosen or letter_script)
    return out


def itemize(text: str, levels: list[int], bold: list[bool], letter_script: str) -> Itemized:
    if not text:
        return Itemized("", (), ())
    scripts = resolve_scripts(text, letter_script)
    chars = list(text)
    faces: list[str] = []
    missing: list[str] = []
    for i, ch in enumerate(chars):
        category = unicodedata.category(ch)
        if category == "Cc":
            chars[i] = " "
            ch = " "
        preferred = fonts.face_for_script(scripts[i], letter_script)
        if bold[i]:
            preferred = fonts.bold_of(preferred)
        # Marks and joiners stay in the face of their base so shaping sees them together.
        if (
            category in {"Mn", "Me", "Cf"}
            and faces
            and (category == "Cf" or fonts.font(faces[-1]).has(ch))
        ):
            faces.append(faces[-1])
            continue
        chosen = fonts.covering_face(ch, preferred)
        if chosen is None:
            if category == "Cf":
                chosen = faces[-1] if faces else preferred  # HarfBuzz hides default ignorables
            else:
                missing.append(ch)
                chars[i] = fonts.REPLACEMENT
                chosen = "sans-bold" if bold[i] else "sans"
        faces.append(chosen)

    runs: list[Run] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if (
            i == len(chars)
            or faces[i] != faces[start]
            or levels[i] != levels[start]
            or bold[i] != bold[start]
        ):
            script = next(
                (scripts[k] for k in range(start, i) if _script(text[k]) not in _NEUTRAL),
                scripts[start],
            )
            runs.append(Run(start, i, faces[start], levels[start], bold[start], script))
            start = i
    return Itemized("".join(chars), tuple(runs), tuple(missing))
