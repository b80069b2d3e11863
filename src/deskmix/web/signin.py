"""Signing in to the dashboard with an API token, and out again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deskmix.api.auth import TokenCache
from deskmix.web import forms
from deskmix.web.rendering import page
from deskmix.web.session import SESSION_COOKIE, open_page_access, safe_next

router = APIRouter(dependencies=[Depends(open_page_access)])

MAX_TOKEN = 200


def _form(request: Request, next_path: str, error: str | None, status: int = 200) -> HTMLResponse:
    context = {"next": safe_next(next_path), "error": error}
    return page(request, "signin.html", "signin", context, status=status)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:
    return _form(request, next, None)


@router.post("/signin", response_class=HTMLResponse)
async def signin_submit(request: Request) -> Response:
    form = await request.form()
    secret = forms.text(form, "token").strip()[:MAX_TOKEN]
    next_path = safe_next(forms.text(form, "next"))
    cache: TokenCache = request.app.state.token_cache
    token = cache.verify(secret) if secret else None
    if token is None:
        message = (
            "that token is not valid (unknown or revoked); create one with "
            "'deskmix token create --scope read'"
        )
        return _form(request, next_path, message, status=401)
    if not token.allows("read"):
        message = (
            f"token '{token.name}' has scopes {', '.join(sorted(token.scopes))}; the dashboard "
            "needs 'read' (or 'admin')"
        )
        return _form(request, next_path, message, status=403)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response
