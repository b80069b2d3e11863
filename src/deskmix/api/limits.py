"""The upload size limit, enforced before a body is parsed, with or without Content-Length.

FastAPI parses a multipart body (spooling it to disk) before any handler runs, so a check in
the handler would come after a huge upload had already been taken in. This ASGI middleware
refuses a declared length over the limit at once, and counts the bytes of undeclared (chunked)
bodies as they arrive, stopping at the limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _too_large(limit: int) -> str:
    return (
        f"request body larger than the server's limit of {limit / 1024 / 1024:g} MiB; "
        "split the export or start the server with a larger --max-upload-mb"
    )


class BodyLimit:
    """Answer 413 to any request whose body exceeds ``limit`` bytes: the API's and the
    dashboard's alike (a page's form is no reason to take in an unbounded body)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length > self.limit:
                response = JSONResponse(
                    {"detail": _too_large(self.limit), "errors": []},
                    status_code=413,
                    headers={"Connection": "close"},
                )
                await response(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI re-raises HTTPException from body parsing; the handler answers.
                    raise HTTPException(413, detail=_too_large(self.limit))
            return message

        await self.app(scope, counted, send)
