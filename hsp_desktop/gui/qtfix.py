"""A guard against a reference-count bug in the Qt bindings on CPython 3.11.

PySide6 6.12 with CPython 3.11 gives back one reference to ``None`` too many from every
Qt method that returns nothing (``setText``, ``hide``, ``QModelIndex.data`` of an empty
index...). ``None`` starts with a few thousand references, so after a few thousand such calls
CPython frees it and the program aborts ("none_dealloc"): minutes into a working day. From
CPython 3.12 ``None``, ``True`` and ``False`` are immortal and the bug is harmless. Until the
bindings are fixed, the singletons get a reserve of references so large that the leak can never
use it up; this changes nothing else.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40


def keep_singletons_alive() -> bool:
    """Give None, True and False their reserve once; True if it was needed here."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if sys.getrefcount(None) > RESERVE // 2:
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    return True
