"""Who may use the review app: loopback binding, the token, the CSRF pair, the reviewer's name."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from models.settings import Settings
from pipeline.errors import ConfigError

CSRF_COOKIE = "medlegal_csrf"


AUTH_COOKIE = "medlegal_auth"


NAME_COOKIE = "medlegal_reviewer"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse to listen beyond this machine unless a review token is configured."""
    if not is_loopback(host) and not settings.review_token:
        raise ConfigError(
            f"refusing to serve the review app on {host} without a password",
            hint="set MEDLEGAL_REVIEW_TOKEN (or review_token in medlegal.toml), or bind to 127.0.0.1",
        )


def auth_cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"medlegal-review-login", hashlib.sha256).hexdigest()


def _basic_user(request: Request, token: str) -> str | None:
    """The HTTP Basic user name when the password is the token."""
    import base64
    import binascii

    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user or "reviewer") if hmac.compare_digest(password.encode(), token.encode()) else None


class Guard(BaseHTTPMiddleware):
    """Authentication (when a token is set) and the CSRF cookie."""

    def __init__(self, app: Any, settings: Settings) -> None:
        super().__init__(app)
        self.token = settings.review_token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        csrf = request.cookies.get(CSRF_COOKIE) or ""
        new_csrf = None
        if len(csrf) < 32:
            csrf = new_csrf = secrets.token_urlsafe(32)
        request.state.csrf = csrf
        request.state.user = None
        if self.token:
            user = _basic_user(request, self.token)
            cookie = request.cookies.get(AUTH_COOKIE, "")
            if user is None and hmac.compare_digest(cookie, auth_cookie_value(self.token)):
                user = "reviewer"
            request.state.user = user
            if user is None and request.url.path not in ("/login",):
                response: Response = RedirectResponse("/login", status_code=303)
                if new_csrf:
                    set_cookie(response, CSRF_COOKIE, new_csrf)
                return response
        response = await call_next(request)
        if new_csrf:
            set_cookie(response, CSRF_COOKIE, new_csrf)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/")


def actor(request: Request) -> str:
    user = getattr(request.state, "user", None)
    name = request.cookies.get(NAME_COOKIE, "").strip()
    return (name or user or "reviewer")[:128]
