"""Errors of live routing that are not bad input: something unknown, or a state that forbids it.

They are ``DeskmixError`` subclasses so the CLI prints them on one line; the API answers 404 and
409 for them instead of the 422 it gives to bad input.
"""

from __future__ import annotations

from deskmix.errors import DeskmixError


class NotFoundError(DeskmixError):
    """No such ticket, agent or job."""


class ConflictError(DeskmixError):
    """The request is well formed but the desk's current state does not allow it."""
