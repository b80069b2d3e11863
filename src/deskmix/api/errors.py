"""Error answers: one ``detail`` sentence a person can act on, the same shape for every error.

FastAPI's own validation answer is a list of machine-shaped dicts; here it becomes
"field: what was expected (got what)" lines, with the list kept under ``errors`` for programs.
Input a user can get wrong answers 422, unknown things 404, a state that forbids the request
409, and anything unexpected 500 without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from deskmix.errors import DeskmixError
from deskmix.live.errors import ConflictError, NotFoundError

log = logging.getLogger("deskmix.api")


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """Every error answer: ``detail`` in words; ``errors`` per field for validation failures."""

    detail: str
    errors: list[FieldProblem] = []


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form") and len(parts) > 1:
        return f"{parts[0]} '{'.'.join(parts[1:])}'"
    return ".".join(parts) or "request"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(error: dict[str, Any]) -> FieldProblem:
    """One pydantic error as 'field: expected ... (got ...)'."""
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    if kind == "json_invalid":
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        reason = (error.get("ctx") or {}).get("error", "")
        return FieldProblem(
            field="body",
            message=f"body: not valid JSON{where}" + (f" ({reason})" if reason else ""),
        )
    field = _field(loc)
    if kind == "missing":
        return FieldProblem(field=field, message=f"{field}: required but missing")
    message = f"{field}: {error.get('msg', 'invalid')}"
    if "input" in error and not isinstance(error["input"], dict | list):
        message += f" (got {_shown(error['input'])})"
    return FieldProblem(field=field, message=message)


def _answer(
    status: int,
    detail: str,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(detail=detail, errors=errors or [])
    return JSONResponse(status_code=status, content=body.model_dump(), headers=dict(headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [describe(dict(e)) for e in exc.errors()]
        return _answer(422, "; ".join(p.message for p in problems), problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _answer(exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(NotFoundError)
    async def _not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        return _answer(404, str(exc))

    @app.exception_handler(ConflictError)
    async def _conflict(_request: Request, exc: ConflictError) -> JSONResponse:
        return _answer(409, str(exc))

    @app.exception_handler(DeskmixError)
    async def _user_error(_request: Request, exc: DeskmixError) -> JSONResponse:
        # The same one-line message the CLI prints, so a user sees one wording everywhere.
        field = getattr(exc, "field", None)
        errors = [FieldProblem(field=field, message=str(exc))] if field else []
        return _answer(422, str(exc), errors)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No bearer token, or not a valid one"},
    403: {"model": Problem, "description": "The token lacks the scope this needs"},
    404: {"model": Problem, "description": "No such ticket, agent or job"},
    409: {"model": Problem, "description": "The desk's state does not allow this now"},
    422: {"model": Problem, "description": "Bad input: which field, and what was expected"},
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of an endpoint."""
    return {code: ERROR_RESPONSES[code] for code in codes}
