"""Outside programs the tests read PDFs with (poppler-utils)."""

from __future__ import annotations

import os
import shutil

import pytest


def need(program: str) -> str:
    """The program's path. Missing: skipped locally, a failure under CI (which installs it)."""
    found = shutil.which(program)
    if found:
        return found
    message = f"{program} (poppler-utils) is not installed"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must read the PDFs back")
    pytest.skip(message)
