"""Return codes printed on slips: short, easy to type, with a check character.

A code is six random characters and a check character from the 32-letter alphabet of
Crockford's base 32 (digits and capitals without I, L, O and U, so nothing looks like
anything else), printed as ``7KQM-2XAB``. The check character is Luhn mod 32: every code with
one character mistyped, and almost every code with two neighbours swapped, is refused rather
than ticking the wrong family's slip. Typing is forgiving: lower case, spaces and dashes are
ignored, and O, I and L are read as 0, 1 and 1.
"""

from __future__ import annotations

import secrets

from hsp_desktop.errors import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_N = len(ALPHABET)
PAYLOAD = 6
LENGTH = PAYLOAD + 1
FIELD = "Return code"

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _luhn_sum(values: list[int], double_first: bool) -> int:
    total = 0
    double = double_first
    for value in reversed(values):
        addend = value * 2 if double else value
        total += addend // _N + addend % _N
        double = not double
    return total


def check_character(payload: str) -> str:
    values = [_INDEX[ch] for ch in payload]
    remainder = _luhn_sum(values, double_first=True) % _N
    return ALPHABET[(_N - remainder) % _N]


def new_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD))
    return display(payload + check_character(payload))


def display(code: str) -> str:
    """``7KQM2XA`` -> ``7KQM-2XA``: the printed form."""
    return f"{code[:4]}-{code[4:]}"


def normalise(text: str) -> str:
    """What was typed (or scanned) as the bare code, without checking it."""
    return "".join(text.split()).replace("-", "").upper().translate(_READ_AS)


def parse(text: str) -> str:
    """The printed form of a typed code; ``ValidationError`` if it cannot be one of ours."""
    code = normalise(text)
    if not code:
        raise ValidationError(FIELD, "type or scan the code printed on the slip")
    bad = sorted({ch for ch in code if ch not in _INDEX})
    if bad:
        raise ValidationError(
            FIELD, f"{text.strip()!r} has characters no code uses: {''.join(bad)}"
        )
    if len(code) != LENGTH:
        raise ValidationError(
            FIELD, f"{text.strip()!r} has {len(code)} characters; codes have {LENGTH}"
        )
    if _luhn_sum([_INDEX[ch] for ch in code], double_first=False) % _N:
        raise ValidationError(
            FIELD,
            f"{text.strip()!r} is not a valid code: a character is mistyped. Please check it.",
        )
    return display(code)
