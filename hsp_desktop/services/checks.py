"""Checking a whole form at once, so the user sees every field at fault, not only the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from hsp_desktop.errors import ValidationError, ValidationErrors

P = ParamSpec("P")
T = TypeVar("T")


class Checks:
    """Runs value rules, keeps their ``ValidationError``s, and raises them together at the end.

    A failed rule returns None in place of its value; ``done()`` raises before such a value can
    be used, so callers may treat every returned value as checked.
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def __call__(self, rule: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return rule(*args, **kwargs)
        except ValidationError as exc:
            self.errors.append(exc)
        except ValidationErrors as exc:
            self.errors.extend(exc.errors)
        return cast(T, None)

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(ValidationError(field, reason))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def done(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(list(self.errors))
