"""Errors a user can cause, each carrying enough context to fix the input without a debugger.

The CLI prints ``str(error)`` on one line and exits 2; the API (later) returns it as a 422.
"""

from __future__ import annotations

from pathlib import Path


class DeskmixError(Exception):
    """Base of every error caused by input, configuration or environment rather than a bug."""


class InputError(DeskmixError):
    """A value in a user's file is missing or wrong; names where and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.field = field
        self.value = value
        self.expected = expected
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        where: list[str] = []
        if self.file is not None:
            where.append(Path(self.file).name)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        text = ", ".join(where)
        text = f"{text}: {self.message}" if text else self.message
        if self.value is not None:
            shown = repr(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            text += f" (got {shown})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def located(self, *, file: str | Path | None = None, row: int | None = None) -> InputError:
        """Return a copy with the file/row filled in where the raiser could not know them."""
        return InputError(
            self.message,
            file=file if self.file is None else self.file,
            row=row if self.row is None else self.row,
            field=self.field,
            value=self.value,
            expected=self.expected,
        )


class ConfigError(DeskmixError):
    """A YAML configuration (mapping, taxonomy, workload) is malformed."""


class StoreError(DeskmixError):
    """The database cannot be reached, or holds something the operation cannot use."""


class UnsteadyPeriodError(InputError):
    """The history's arrivals are not a steady state (an extract, a burst, too few weeks).

    The message names the weeks, what was seen and how to proceed (``--from``/``--to`` or
    ``--accept-unsteady``); calibration writes nothing.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NotFoundError(DeskmixError):
    """No such ticket, agent, token or job. Not bad input: the API answers 404."""


class ConflictError(DeskmixError):
    """The request is well formed but the current state does not allow it (a ticket already
    completed, an agent busy, a team load while tickets are open). The API answers 409."""
