"""Reading submitted form fields into typed values, with the CLI's kind of error message.

Fields arrive as text. A wrong one becomes an ``InputError`` naming the field, the value and
what was expected, which the page shows where the result would have been: a person typing
"ten" into "replications" should read what to type instead, not get a 500 or a JSON body.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from deskmix.errors import InputError

Form = Mapping[str, Any]


def text(form: Form, name: str, default: str = "") -> str:
    value = form.get(name)
    return default if value is None else str(value).strip()


def texts(form: Form, name: str) -> list[str]:
    """Every non-empty value of a repeated field (checkboxes, multi-selects)."""
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist is not None else [form.get(name)]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _number(form: Form, name: str, default: float, kind: type[int] | type[float]) -> float:
    raw = text(form, name)
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise InputError("not a number", field=name, value=raw, expected=noun) from None


def _bounded(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise InputError("out of range", field=name, value=value, expected=f"{low:g} to {high:g}")


def integer(form: Form, name: str, default: int, low: int, high: int) -> int:
    value = int(_number(form, name, default, int))
    _bounded(name, value, low, high)
    return value


def decimal(form: Form, name: str, default: float, low: float, high: float) -> float:
    value = float(_number(form, name, default, float))
    _bounded(name, value, low, high)
    return value


def optional_decimal(form: Form, name: str, low: float, high: float) -> float | None:
    """A number the person may leave empty (None), for a field whose default is decided
    elsewhere (e.g. by another field)."""
    if not text(form, name):
        return None
    return decimal(form, name, 0.0, low, high)


def day(form: Form, name: str) -> datetime | None:
    """A date as an HTML date input sends it (YYYY-MM-DD), or None when left empty. Naive:
    the use case decides the zone, as for the CLI's ``--since``."""
    raw = text(form, name)
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d")
    except ValueError:
        raise InputError(
            "not a date", field=name, value=raw, expected="a date as YYYY-MM-DD, e.g. 2025-04-01"
        ) from None


def at_most_one(form: Form, *names: str) -> None:
    """Fields that say the same thing two ways (a window as weeks or as a start date): giving
    more than one is refused rather than silently letting one win."""
    given = [name for name in names if text(form, name)]
    if len(given) > 1:
        raise InputError(
            f"{' and '.join(given)} given together",
            expected=f"at most one of {', '.join(names)}, the rest left empty",
        )


def choice(form: Form, name: str, options: Mapping[str, object] | list[str], default: str) -> str:
    value = text(form, name, default) or default
    if value not in options:
        raise InputError("unknown choice", field=name, value=value, expected=", ".join(options))
    return value


def flag(form: Form, name: str) -> bool:
    return text(form, name).lower() in {"on", "true", "1", "yes"}
