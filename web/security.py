"""Who may use the review app, from where, and as whom.

Every request passes `Guard` (a plain ASGI middleware) before a route runs, in this order:

1. **Host.** Only 127.0.0.1, localhost and [::1] on the port the app is served on, the address the
   connection arrived at, and the names in `review_allowed_hosts`. A page whose name is re-pointed at
   127.0.0.1 (DNS rebinding) sends its own name as Host and gets 400.
2. **Origin.** A request that changes something (any method but GET, HEAD, OPTIONS) sent with
   `Sec-Fetch-Site: cross-site` or `same-site`, or with an `Origin` that is not the app's own, gets 403.
3. **Body size.** A `Content-Length` over the route's cap (`FORM_MAX_BYTES`; uploads:
   `review_upload_max_mb`) gets 413 before a byte is read; a body that grows past it is cut off with 413.
4. **Session.** A random id in an HttpOnly, SameSite=Strict cookie (`Secure` behind TLS) names a
   server-side `Session`, which ends `review_session_idle_s` after its last request and
   `review_session_max_s` after it began. With passwords configured (`review_token`, `review_users`) a
   session without a user is sent to /login (or may sign in per request with HTTP Basic); failed
   sign-ins are limited per client and overall (`LoginLimiter`).
5. **CSRF.** Every form carries HMAC(server secret, session id) (`Access.csrf_token`): a token is good
   for its own session only, and nobody without the secret can make one.

`security_headers` adds the CSP and friends to every response the app sends, errors and redirects too.
The audit actor (`actor`) is the signed-in identity: the `review_users` name, or SHARED_ACTOR for the
shared `review_token`; without passwords (this machine only) the name typed in *Reviewing as*, kept in
the server-side session.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import secrets
import stat
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.settings import Settings
from pipeline.errors import ConfigError
from pipeline.operations.home import move_noreplace

SESSION_COOKIE = "medlegal_session"
MIN_TOKEN_CHARS = 32
#: The audit actor of everyone who signs in with the shared `review_token`.
SHARED_ACTOR = "reviewer (shared password)"
#: The audit actor without passwords when nobody typed a name.
UNNAMED_ACTOR = "reviewer"
#: Largest body of a form that is not an upload.
FORM_MAX_BYTES = 1 << 20
#: Sessions kept at most (the oldest anonymous ones go first).
MAX_SESSIONS = 10_000
SECRET_FILE = "review-secret"
CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
UPLOAD_PATH = "/upload"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def passwords_configured(settings: Settings) -> bool:
    return settings.review_token is not None or bool(settings.review_users)


def check_config(settings: Settings) -> None:
    """Refuse passwords that are short, shared between users or badly named (ConfigError, exit code 3)."""
    hint = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    tokens: list[tuple[str, str]] = []
    if settings.review_token is not None:
        tokens.append(("review_token", settings.review_token))
    for name, token in settings.review_users.items():
        if not name.strip() or len(name) > 64 or not name.isprintable():
            raise ConfigError("a review_users name is empty, longer than 64 characters or not printable")
        tokens.append((f"review_users.{name}", token))
    for where, token in tokens:
        if len(token) < MIN_TOKEN_CHARS:
            raise ConfigError(
                f"{where} has {len(token)} characters; a review password needs at least {MIN_TOKEN_CHARS}",
                hint=hint,
            )
    if len({token for _, token in tokens}) != len(tokens):
        raise ConfigError("two review passwords are the same; give every user their own", hint=hint)
    if settings.review_secret is not None and len(settings.review_secret) < MIN_TOKEN_CHARS:
        raise ConfigError(f"review_secret needs at least {MIN_TOKEN_CHARS} characters", hint=hint)


def check_bind(host: str, settings: Settings) -> None:
    """Refuse bad passwords, and to listen beyond this machine without one."""
    check_config(settings)
    if not is_loopback(host) and not passwords_configured(settings):
        raise ConfigError(
            f"refusing to serve the review app on {host} without a password",
            hint="set MEDLEGAL_REVIEW_TOKEN or review_users in medlegal.toml, or bind to 127.0.0.1",
        )


def load_secret(settings: Settings, home: Path) -> bytes:
    """The key that signs CSRF tokens: `review_secret`, else HOME/review-secret (made once, 0600)."""
    if settings.review_secret is not None:
        return settings.review_secret.encode()
    path = home / SECRET_FILE
    if not path.exists():
        tmp = home / f".{SECRET_FILE}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            move_noreplace(tmp, path)
        except FileExistsError:  # another process made it first: use theirs
            tmp.unlink()
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077 or st.st_uid != os.getuid():
        raise ConfigError(
            f"{path} must be a regular file that only its owner can read",
            hint=f"chmod 600 {path}, or delete it to have a new one made",
        )
    value = path.read_text().strip()
    if len(value) < MIN_TOKEN_CHARS:
        raise ConfigError(f"{path} holds a key that is too short", hint="delete it to have a new one made")
    return value.encode()


@dataclass
class Session:
    """One browser's session: who signed in (with passwords) or the name they typed (without)."""

    id: str
    user: str | None
    created: float
    seen: float
    name: str | None = None


class Sessions:
    """Server-side sessions that end after `idle_s` without a request and `max_s` after they began."""

    def __init__(
        self,
        idle_s: float,
        max_s: float,
        clock: Callable[[], float] = time.monotonic,
        limit: int = MAX_SESSIONS,
    ) -> None:
        self.idle_s, self.max_s, self.clock, self.limit = idle_s, max_s, clock, limit
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, user: str | None = None) -> Session:
        now = self.clock()
        session = Session(id=secrets.token_urlsafe(32), user=user, created=now, seen=now)
        with self._lock:
            if len(self._sessions) >= self.limit:
                self._evict(now)
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        """The live session with this id (its idle clock restarts), or None."""
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[session_id]
                return None
            session.seen = now
            return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.seen > self.idle_s or now - session.created > self.max_s

    def _evict(self, now: float) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[sid]
        if len(self._sessions) < self.limit:
            return
        oldest = min(self._sessions.values(), key=lambda s: (s.user is not None, s.seen))
        del self._sessions[oldest.id]


class LoginLimiter:
    """Failed sign-ins allowed per client and from all clients together, within a sliding window."""

    def __init__(
        self, per_client: int, overall: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_client, self.overall, self.window_s, self.clock = per_client, overall, window_s, clock
        self._clients: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        now = self.clock()
        with self._lock:
            self._prune(self._all, now)
            mine = self._clients.get(client, deque())
            self._prune(mine, now)
            waits = [0.0]
            if len(self._all) >= self.overall:
                waits.append(self._all[-self.overall] + self.window_s - now)
            if len(mine) >= self.per_client:
                waits.append(mine[-self.per_client] + self.window_s - now)
            return max(waits)

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._clients) > MAX_SESSIONS:
                for key in [k for k, v in self._clients.items() if not v or v[-1] < now - self.window_s]:
                    del self._clients[key]
            self._clients.setdefault(client, deque()).append(now)
            self._all.append(now)

    def _prune(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window_s:
            times.popleft()


class BodyTooLarge(HTTPException):
    def __init__(self, cap: int) -> None:
        super().__init__(413, f"the request is larger than {cap / (1 << 20):g} MB")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _authority(value: str) -> tuple[str, int | None] | None:
    """`host[:port]` split into the lower-cased host (IPv6 in brackets) and the port, or None."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        host, rest = (value[: end + 1], value[end + 1 :]) if end > 0 else ("", "")
    else:
        host, sep, port = value.partition(":")
        rest = sep + port
    if not host or (rest and not (rest[0] == ":" and rest[1:].isdigit())):
        return None
    return host, int(rest[1:]) if rest else None


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


class Access:
    """The security policy of one review app: hosts, passwords, sessions, sign-in limits, the CSRF key."""

    def __init__(self, settings: Settings, secret: bytes) -> None:
        """`settings` passed `check_config`; `secret` signs the CSRF tokens."""
        self.settings = settings
        self.secret = secret
        self.passwords = passwords_configured(settings)
        self._tokens = [
            (hashlib.sha256(t.encode()).digest(), name) for name, t in settings.review_users.items()
        ]
        if settings.review_token is not None:
            self._tokens.append((hashlib.sha256(settings.review_token.encode()).digest(), SHARED_ACTOR))
        self.sessions = Sessions(settings.review_session_idle_s, settings.review_session_max_s)
        self.limiter = LoginLimiter(
            settings.review_login_failures,
            settings.review_login_failures_global,
            settings.review_login_window_s,
        )
        self._hosts: set[tuple[str, int | None]] = set()
        for entry in settings.review_allowed_hosts:
            parsed = _authority(entry)
            if parsed is None:
                raise ConfigError(f"review_allowed_hosts: {entry!r} is not a host name or name:port")
            self._hosts.add(parsed)
        self._proxies = {str(ipaddress.ip_address(p)) for p in settings.review_trusted_proxies}

    def authenticate(self, token: str) -> str | None:
        """The identity whose password this is, or None (every password is compared, in constant time)."""
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for known, identity in self._tokens:
            if hmac.compare_digest(digest, known) and found is None:
                found = identity
        return found

    def host_allowed(self, scope: Scope) -> bool:
        """Whether the Host header names this app (loopback or this connection's address on the served
        port, or a configured name)."""
        raw = _header(scope, b"host")
        parsed = _authority(raw) if raw is not None else None
        if parsed is None:
            return False
        host, port = parsed
        port = port or _default_port(scope.get("scheme", "http"))
        if (host, None) in self._hosts or (host, port) in self._hosts:
            return True
        server = scope.get("server")
        if not server or server[1] != port:
            return False
        local = str(server[0]).lower()
        return host in _LOOPBACK_NAMES or host in (local, f"[{local}]")

    def foreign_origin(self, scope: Scope) -> str | None:
        """Why a state-changing request comes from another site, or None when it does not."""
        if scope["method"] in _SAFE_METHODS:
            return None
        site = _header(scope, b"sec-fetch-site")
        if site in ("cross-site", "same-site"):
            return f"Sec-Fetch-Site: {site}"
        origin = _header(scope, b"origin")
        if origin is None:
            return None
        if origin == "null":
            return None if site == "same-origin" else "Origin: null"
        parts = urlsplit(origin)
        theirs = _authority(parts.netloc) if parts.scheme in ("http", "https") else None
        ours = _authority(_header(scope, b"host") or "")
        if theirs is None or ours is None:
            return "an Origin that is not an origin"
        default = _default_port(parts.scheme)
        if (theirs[0], theirs[1] or default) != (ours[0], ours[1] or default):
            return "a foreign Origin"
        return None

    def client(self, scope: Scope) -> str:
        """The client's address: the peer's, or the last hop before a trusted proxy."""
        peer = scope.get("client")
        address = str(peer[0]) if peer else "unknown"
        forwarded = _header(scope, b"x-forwarded-for")
        if address in self._proxies and forwarded:
            for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
                if hop not in self._proxies:
                    return hop
        return address

    def secure(self, scope: Scope) -> bool:
        """Whether the browser reached the app over https (cookies are then `Secure`)."""
        if self.settings.review_secure_cookies or scope.get("scheme") == "https":
            return True
        peer = scope.get("client")
        if not peer or str(peer[0]) not in self._proxies:
            return False
        proto = _header(scope, b"x-forwarded-proto") or ""
        return proto.split(",")[-1].strip() == "https"

    def body_cap(self, path: str) -> int:
        if path == UPLOAD_PATH:
            return int(self.settings.review_upload_max_mb * (1 << 20))
        return FORM_MAX_BYTES

    def csrf_token(self, session: Session) -> str:
        mac = hmac.new(self.secret, b"medlegal-csrf\0" + session.id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def csrf_ok(self, session: Session, sent: object) -> bool:
        return isinstance(sent, str) and hmac.compare_digest(sent.encode(), self.csrf_token(session).encode())


def _basic_password(scope: Scope) -> str | None:
    """The password of an HTTP Basic `Authorization` header (the user name is not used)."""
    header = _header(scope, b"authorization") or ""
    if not header.lower().startswith("basic "):
        return None
    try:
        return base64.b64decode(header[6:], validate=True).decode().partition(":")[2]
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _is_open(path: str) -> bool:
    """Paths that work before signing in."""
    return path == "/login" or path.startswith("/static/")


def session_cookie(response: Response, session_id: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict", secure=secure, path="/")


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=secure, path="/")


class Guard:
    """The checks above, in order, before any route (a plain ASGI middleware)."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        access = self.access
        cap = access.body_cap(scope["path"])
        receive = _capped(receive, cap)
        session = access.sessions.get(Request(scope).cookies.get(SESSION_COOKIE, ""))
        fresh = None
        if access.passwords and (session is None or session.user is None):
            password = _basic_password(scope)
            if password is not None:
                client = access.client(scope)
                wait = access.limiter.retry_after(client)
                if wait > 0:
                    message, headers = sign_in_refusal(wait)
                    await PlainTextResponse(message, 429, headers=headers)(scope, receive, send)
                    return
                user = access.authenticate(password)
                if user is None:
                    access.limiter.failed(client)
                    await PlainTextResponse("wrong password", 401)(scope, receive, send)
                    return
                if session is not None:
                    access.sessions.drop(session.id)
                session = fresh = access.sessions.new(user)
            elif not _is_open(scope["path"]):
                if scope["method"] in ("GET", "HEAD"):
                    await RedirectResponse("/login", status_code=303)(scope, receive, send)
                else:
                    await PlainTextResponse("sign in first", 401)(scope, receive, send)
                return
        if session is None:
            session = fresh = access.sessions.new()
        scope.setdefault("state", {})["session"] = session
        secure = access.secure(scope)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and fresh is not None:
                headers = MutableHeaders(scope=message)
                if not any(c.startswith(f"{SESSION_COOKIE}=") for c in headers.getlist("set-cookie")):
                    cookie = Response()
                    session_cookie(cookie, fresh.id, secure)
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _refusal(self, scope: Scope) -> Response | None:
        """The answer to a request refused on its headers alone (Host, Origin, size), or None."""
        access = self.access
        if not access.host_allowed(scope):
            return PlainTextResponse(
                "unknown Host header: open the review app at http://127.0.0.1:<port>/, "
                "or add the name it is reached by to review_allowed_hosts",
                400,
            )
        reason = access.foreign_origin(scope)
        if reason is not None:
            return PlainTextResponse(f"refused: a request from another site ({reason})", 403)
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return PlainTextResponse("bad Content-Length", 400)
            cap = access.body_cap(scope["path"])
            if int(length) > cap:
                return PlainTextResponse(BodyTooLarge(cap).detail, 413)
        return None


def _capped(receive: Receive, cap: int) -> Receive:
    """`receive` that raises BodyTooLarge (413) once the body passes `cap` bytes."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise BodyTooLarge(cap)
        return message

    return capped


def sign_in_refusal(wait: float) -> tuple[str, dict[str, str]]:
    """The message and headers of a sign-in refused by the limiter, `wait` seconds before the next try."""
    seconds = max(1, int(wait + 0.999))
    return f"too many failed sign-ins; try again in {seconds} s", {"Retry-After": str(seconds)}


def security_headers(send: Send) -> Send:
    """`send` that adds SECURITY_HEADERS to the response (any status, any route)."""

    async def with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers[name] = value
        await send(message)

    return with_headers


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


def actor(request: Request) -> str:
    """Who the audit trail records: the signed-in identity, else the name typed into this session."""
    session = session_of(request)
    return session.user or session.name or UNNAMED_ACTOR
