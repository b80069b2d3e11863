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

from deskmix.errors import ConflictError, DeskmixError, NotFoundError
from deskmix.store.errors import UNSTORABLE_VALUE_ERRORS

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

    async def _unstorable(_request: Request, exc: Exception) -> JSONResponse:
        # A value the database refuses (a NUL character that slipped past the input guard, a
        # number out of range): the request's fault, and nothing was written (rolled back).
        log.warning("refused by the database: %s", exc)
        return _answer(422, "a value in the request cannot be stored by the database")

    for unstorable in UNSTORABLE_VALUE_ERRORS:
        app.add_exception_handler(unstorable, _unstorable)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # The same body shape as every other error, and no internals; the log keeps the cause.
        log.exception("unexpected error", exc_info=exc)
        return _answer(500, "internal error; the server log has the details")

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


def document_errors(app: FastAPI) -> None:
    """Make the OpenAPI schema describe the error bodies the server really sends.

    FastAPI declares its own ``HTTPValidationError`` list for every 422, but the handlers above
    answer ``Problem``; and a 413 (body limit) or a 500 can come from any operation. The
    schema is rewritten once, when first asked for, so clients generated from it (and
    schemathesis' response checks) see the real shape.
    """
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for code, answer in answers.items():
                    if code[0] in "45":
                        answer["content"] = body
                if "requestBody" in operation:
                    answers.setdefault(
                        "413", {"description": "Request body over the limit", "content": body}
                    )
                if operation.get("parameters") or "requestBody" in operation:
                    answers.setdefault("422", {"description": "Bad input", "content": body})
                answers.setdefault("500", {"description": "Unexpected error", "content": body})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
