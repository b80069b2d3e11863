"""Checks every API request passes before FastAPI parses it: text the store can hold, JSON that
is UTF-8 and not nested beyond reason.

PostgreSQL refuses a NUL character in text (``psycopg.DataError``), so a NUL byte in a path,
a query or a JSON string would reach the database and fail there as a server error; SQLite
would store it and every later reader would meet it. FastAPI answers a body that is not UTF-8
or nested past Python's recursion limit with a bare 400. Here each becomes the documented 422
``{detail, errors}`` naming where the problem is, before any handler runs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_DEPTH = 64
"""Deeper than any request deskmix takes (a plan request is a handful of levels)."""

_NUL = "a NUL character (\\u0000), which deskmix cannot store"


def _refuse(field: str, message: str) -> JSONResponse:
    line = f"{field}: {message}"
    return JSONResponse(
        {"detail": line, "errors": [{"field": field, "message": line}]}, status_code=422
    )


def _field(path: list[str | int]) -> str:
    return "body '" + ".".join(str(p) for p in path) + "'" if path else "body"


def check_json(value: Any) -> tuple[str, str] | None:
    """The first (field, problem) in a parsed JSON document, walked without recursion."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            return "body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(item, str):
            if "\x00" in item:
                return _field(path), f"contains {_NUL}"
        elif isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    return _field(path), f"a key contains {_NUL}"
                stack.append((inner, [*path, key]))
        elif isinstance(item, list):
            stack.extend((inner, [*path, i]) for i, inner in enumerate(item))
    return None


def parse_problem(body: bytes) -> tuple[str, str] | None:
    """Why a JSON body cannot be taken, or None (syntax errors are left to FastAPI's own
    answer, which names the character)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "body", f"not valid UTF-8 (byte 0x{body[exc.start]:02x} at position {exc.start})"
    try:
        value = json.loads(text)
    except RecursionError:
        return "body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    except ValueError:
        return None
    return check_json(value)


class InputGuard:
    """Refuse, with a 422, API requests whose path, query or JSON body the store cannot take."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(raw_path):
            await _refuse("path", f"contains {_NUL}")(scope, receive, send)
            return
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" ")):
            await _refuse("query", f"contains {_NUL}")(scope, receive, send)
            return
        headers = dict(scope["headers"])
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if not scope["path"].startswith("/api/") or not (
            kind == b"application/json" or kind.endswith(b"+json")
        ):
            await self.app(scope, receive, send)
            return
        # A JSON body is read whole (the body limit outside this bounds it), checked, and
        # handed on unchanged.
        chunks: list[bytes] = []
        while True:
            try:
                message = await receive()
            except HTTPException as exc:  # the body limit, counting an undeclared length
                answer = JSONResponse(
                    {"detail": str(exc.detail), "errors": []}, status_code=exc.status_code
                )
                await answer(scope, receive, send)
                return
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = parse_problem(body) if body else None
        if problem is not None:
            await _refuse(*problem)(scope, receive, send)
            return
        whole: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([whole], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
