"""The one text a model reads per ticket, built the same way at training and prediction time.

Exports carry noise that says nothing about the skill a ticket needs (Excel's escaped carriage
returns, e-mail headers); cleaning it identically on both sides keeps training and live
predictions comparable.
"""

from __future__ import annotations

import re

from deskmix.errors import InputError

_EXCEL_CR = re.compile(r"_x000[dD]_")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Lower-cased, Excel escapes removed, whitespace collapsed."""
    return _SPACES.sub(" ", _EXCEL_CR.sub(" ", text)).strip().lower()


def ticket_text(title: object, description: object = None) -> str:
    """Title and description joined: the title names the problem, the body adds cues.

    Missing parts (``None``, NaN, ``<NA>``) are skipped; the title is left out of the body when
    a source repeats it there (some exports keep one text in both fields).
    """
    parts: list[str] = []
    for part in (title, description):
        if isinstance(part, str) and part.strip():
            cleaned = clean_text(part)
            if cleaned not in parts:
                parts.append(cleaned)
    return " ".join(parts)


def require_text(text: str, *, row: int | None = None, file: str | None = None) -> str:
    """The cleaned text, or an error: an empty ticket would get the majority label silently."""
    cleaned = clean_text(text)
    if not cleaned:
        raise InputError(
            "ticket text is empty",
            file=file,
            row=row,
            field="text",
            expected="a title or description with at least one word",
        )
    return cleaned
