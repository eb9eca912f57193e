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
   `review_session_max_s` after it began. Sessions with a user (or, without passwords, a typed name) are
   kept in the store (`review_sessions`, by the SHA-256 of their id), so a restart keeps them. With
   accounts (`medlegal users add`, the `users` table), `review_users` or `review_token` configured, a
   session without a user is sent to /login (or may sign in per request with HTTP Basic); failed
   sign-ins are limited per client and overall (`LoginLimiter`). With `review_proxy_user_header` set,
   a request from one of `review_trusted_proxies` carrying that header is that user (single sign-on);
   the header from anywhere else is ignored.
5. **CSRF.** Every form carries HMAC(server secret, session id) (`Access.csrf_token`): a token is good
   for its own session only, and nobody without the secret can make one.

`security_headers` adds the CSP and friends to every response the app sends, errors and redirects too.
The audit actor (`actor`) is the signed-in identity: the account's name (or the proxy's, or the
`review_users` name), or SHARED_ACTOR for the shared `review_token`; without passwords (this machine
only) the name typed in *Reviewing as*, kept in the stored session. Account passwords are argon2id
hashes (argon2-cffi); roles are `reviewer` and `admin` (an admin also manages the accounts).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import stat
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.settings import Settings
from pipeline.errors import ConfigError
from pipeline.operations.home import Home, move_noreplace
from pipeline.operations.store import Store

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
#: Roles of an account: a reviewer reviews; an admin also manages the accounts.
ROLES = ("reviewer", "admin")
#: Shortest password of an account.
MIN_PASSWORD_CHARS = 12
#: How often the app looks whether accounts appeared (added with `medlegal users add` while it runs).
ACCOUNT_CHECK_S = 2.0
#: How often expired stored sessions are deleted.
PURGE_EVERY_S = 600.0
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
_USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
#: argon2id with the library's defaults (RFC 9106's second recommended option: 64 MiB, 3 passes).
_HASHER = PasswordHasher()
_DUMMY_HASH: list[str] = []


def user_name(raw: str) -> str:
    """A user name as stored: trimmed and lower case; ValueError saying what a name may hold."""
    name = raw.strip().lower()
    if not _USER_NAME.match(name):
        raise ValueError(
            "a user name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    return name


def check_password(password: str, name: str = "") -> None:
    """ValueError when `password` is too weak to protect records."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if name and password.strip().lower() == name.lower():
        raise ValueError("the password must not be the user name")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"a role is one of: {', '.join(ROLES)}")
    return role


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted; the parameters travel in the hash)."""
    return _HASHER.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_verify(password: str) -> None:
    """Spend the time of a real check, so an unknown user name answers no faster than a known one."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
    verify_password(_DUMMY_HASH[0], password)


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
    """Refuse passwords that are short, shared between users or badly named, and a single sign-on header
    without the proxy that sets it (ConfigError, exit code 3)."""
    header = settings.review_proxy_user_header
    if header is not None:
        if not _HEADER_NAME.match(header):
            raise ConfigError(
                f"review_proxy_user_header {header!r} is not a header name (e.g. X-Remote-User)"
            )
        if not settings.review_trusted_proxies:
            raise ConfigError(
                "review_proxy_user_header needs review_trusted_proxies: the addresses of the proxy that sets it",
                hint="add the proxy's address to review_trusted_proxies, or unset review_proxy_user_header",
            )
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
    """Refuse bad passwords, and to listen beyond this machine without accounts or passwords."""
    check_config(settings)
    if is_loopback(host):
        return
    certfile, keyfile = settings.review_tls_certfile, settings.review_tls_keyfile
    if not (certfile and keyfile):
        raise ConfigError(
            f"refusing to serve the review app on {host} without TLS: reports would cross the network in clear",
            hint="set review_tls_certfile and review_tls_keyfile, or bind to 127.0.0.1 behind a TLS reverse proxy",
        )
    for path in (certfile, keyfile):
        if not Path(path).is_file():
            raise ConfigError(f"the TLS file {path} does not exist", hint="check review_tls_certfile/keyfile")
    if passwords_configured(settings) or settings.review_proxy_user_header:
        return
    store = Store.for_home(Home(settings.home).ensure(), settings.database_url)
    if not store.has_active_users():
        raise ConfigError(
            f"refusing to serve the review app on {host} without a password (no accounts yet)",
            hint="add one with `medlegal users add NAME --role admin`, or bind to 127.0.0.1",
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
    """One browser's session: who signed in (with passwords) or the name they typed (without).

    `kind`: anonymous (nobody yet; kept in memory only), local (a typed name, no passwords), account,
    token (a `review_users` or `review_token` password) or proxy (single sign-on)."""

    id: str
    user: str | None
    created: float
    seen: float
    name: str | None = None
    kind: str = "anonymous"
    role: str = "reviewer"
    stored_seen: float = 0.0


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    """Server-side sessions that end after `idle_s` without a request and `max_s` after they began; without
    passwords (`local`) they last `local_s` from their start. Sessions with a user or a name are stored in
    the store (they survive a restart); anonymous ones live in memory."""

    def __init__(
        self,
        idle_s: float,
        max_s: float,
        store: Store | None = None,
        *,
        local_s: float | None = None,
        clock: Callable[[], float] = time.time,
        limit: int = MAX_SESSIONS,
    ) -> None:
        self.idle_s, self.max_s, self.clock, self.limit = idle_s, max_s, clock, limit
        self.local_s = local_s if local_s is not None else max_s
        self.store = store
        #: Stored sessions note their last use at most this often (a write per request is waste).
        self.touch_s = min(60.0, idle_s / 10)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._purged = 0.0

    def new(
        self,
        user: str | None = None,
        *,
        kind: str | None = None,
        role: str = "reviewer",
        name: str | None = None,
    ) -> Session:
        now = self.clock()
        kind = kind or ("token" if user else "local" if name else "anonymous")
        session = Session(
            id=secrets.token_urlsafe(32), user=user, created=now, seen=now, name=name, kind=kind, role=role
        )
        if self.store is not None and kind != "anonymous":
            self._save(session)
            self._purge(now)
            return session
        with self._lock:
            if len(self._sessions) >= self.limit:
                self._evict(now, local=False)
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str, *, local: bool = False) -> Session | None:
        """The live session with this id (its idle clock restarts), or None."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                if self._expired(session, now, local):
                    del self._sessions[session_id]
                    return None
                session.seen = now
                return session
        if self.store is None:
            return None
        row = self.store.review_session(_digest(session_id))
        if row is None:
            return None
        session = Session(
            id=session_id,
            user=row["user"],
            created=row["created"],
            seen=row["seen"],
            name=row["name"],
            kind=row["kind"],
            stored_seen=row["seen"],
        )
        if self._expired(session, now, local):
            self.store.drop_review_session(_digest(session_id))
            return None
        session.seen = now
        if now - session.stored_seen >= self.touch_s:
            self.store.touch_review_session(_digest(session_id), now)
        return session

    def rename(self, session: Session, name: str) -> None:
        """Give a session (without passwords) the name the audit trail records; it is kept from now on."""
        session.name = name
        if session.kind == "anonymous":
            session.kind = "local"
            with self._lock:
                self._sessions.pop(session.id, None)
        if self.store is None:
            with self._lock:
                self._sessions[session.id] = session
            return
        self._save(session)
        self._purge(session.seen)

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)
        if self.store is not None and session_id:
            self.store.drop_review_session(_digest(session_id))

    def _save(self, session: Session) -> None:
        assert self.store is not None
        session.stored_seen = session.seen
        self.store.save_review_session(
            _digest(session.id), session.kind, session.user, session.name, session.created, session.seen
        )

    def _expired(self, session: Session, now: float, local: bool) -> bool:
        if session.kind == "local" or (local and session.kind == "anonymous"):
            return now - session.created > self.local_s
        return now - session.seen > self.idle_s or now - session.created > self.max_s

    def _purge(self, now: float) -> None:
        """Delete expired stored sessions, at most every PURGE_EVERY_S."""
        if self.store is None or now - self._purged < PURGE_EVERY_S:
            return
        self._purged = now
        for kind in ("account", "token", "proxy"):
            self.store.purge_review_sessions(kind, now - self.idle_s, now - self.max_s)
        self.store.purge_review_sessions("local", 0.0, now - self.local_s)

    def _evict(self, now: float, local: bool) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._expired(s, now, local)]:
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


@dataclass(frozen=True)
class Identity:
    """Who signed in: the name the audit trail records, how (account, token, proxy) and the role."""

    name: str
    kind: str
    role: str = "reviewer"
    #: For a settings password: a keyed digest of it, kept with the session, which ends when it changes.
    mark: str | None = None


class SignInRefused(Exception):
    """A sign-in that failed; the message is for the person signing in."""


WRONG_PASSWORD = "wrong user name or password"


class Access:
    """The security policy of one review app: hosts, passwords, sessions, sign-in limits, the CSRF key."""

    def __init__(self, settings: Settings, secret: bytes, store: Store) -> None:
        """`settings` passed `check_config`; `secret` signs the CSRF tokens; `store` holds the accounts and
        the sessions."""
        self.settings = settings
        self.secret = secret
        self.store = store
        self._tokens = [
            (hashlib.sha256(t.encode()).digest(), name) for name, t in settings.review_users.items()
        ]
        if settings.review_token is not None:
            self._tokens.append((hashlib.sha256(settings.review_token.encode()).digest(), SHARED_ACTOR))
        self._marks = {identity: self._mark(digest) for digest, identity in self._tokens}
        self._closed = (
            passwords_configured(settings)
            or settings.review_proxy_user_header is not None
            or store.has_active_users()
        )
        self._checked = time.monotonic()
        self.sessions = Sessions(
            settings.review_session_idle_s,
            settings.review_session_max_s,
            store,
            local_s=settings.review_local_session_s,
            limit=MAX_SESSIONS,
        )
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

    @property
    def passwords(self) -> bool:
        """Whether who you are must be proven (accounts, passwords or single sign-on). Once true it stays
        true until a restart: disabling the last account does not open the app."""
        if not self._closed and time.monotonic() - self._checked >= ACCOUNT_CHECK_S:
            self._checked = time.monotonic()
            self._closed = self.store.has_active_users()
        return self._closed

    def sign_in(self, user: str, password: str) -> Identity:
        """The identity of this user name and password: an account's (argon2id), else a `review_users` or
        `review_token` password (the user name is then not needed); SignInRefused otherwise."""
        try:
            name = user_name(user) if user.strip() else ""
        except ValueError:
            name = ""
        account = self.store.user(name) if name else None
        if account is not None:
            if not verify_password(account["password_hash"], password):
                raise SignInRefused(WRONG_PASSWORD)
            if account["disabled"]:
                raise SignInRefused("this account is disabled; ask an administrator to enable it")
            if _HASHER.check_needs_rehash(account["password_hash"]):
                self.store.update_user(name, password_hash=hash_password(password))
            return Identity(name, "account", account["role"])
        token_user = self.authenticate(password) if password else None
        if token_user is not None:
            return Identity(token_user, "token", mark=self._marks[token_user])
        if name:
            _dummy_verify(password)
        raise SignInRefused(WRONG_PASSWORD)

    def session(self, session_id: str, scope: Scope) -> Session | None:
        """The live session of this cookie, still valid: its account enabled, its password still
        configured, single sign-on only through the proxy, a typed name only without passwords."""
        closed = self.passwords
        session = self.sessions.get(session_id, local=not closed)
        if session is None:
            return None
        valid = True
        if session.kind == "account":
            account = self.store.user(session.user or "")
            valid = account is not None and not account["disabled"]
            if valid and account is not None:
                session.role = account["role"]
        elif session.kind == "token":
            valid = session.user is not None and self._marks.get(session.user) == session.name
        elif session.kind == "proxy":
            proxied = self.proxy_user(scope)
            if proxied != session.user:
                return None  # the proxy's own session is left alone: a copied cookie alone is nothing
            role = self._proxy_role(proxied)
            valid = role is not None
            session.role = role or "reviewer"
        elif session.kind == "local":
            valid = not closed
        if not valid:
            self.sessions.drop(session.id)
            return None
        return session

    def _mark(self, digest: bytes) -> str:
        return hmac.new(self.secret, b"medlegal-token\0" + digest, hashlib.sha256).hexdigest()[:32]

    def proxy_user(self, scope: Scope) -> str | None:
        """The user a trusted single sign-on proxy names in `review_proxy_user_header`, or None (no header,
        not set, or the request did not come from one of `review_trusted_proxies`)."""
        header = self.settings.review_proxy_user_header
        peer = scope.get("client")
        if not header or not peer or str(peer[0]) not in self._proxies:
            return None
        raw = _header(scope, header.lower().encode("latin-1"))
        if not raw or not raw.strip():
            return None
        try:
            return user_name(raw)
        except ValueError:
            return None

    def _proxy_role(self, name: str | None) -> str | None:
        """The role of a single sign-on user: their account's, or reviewer; None when it is disabled."""
        account = self.store.user(name) if name else None
        if account is None:
            return "reviewer"
        return None if account["disabled"] else str(account["role"])

    def cookie_age(self) -> int:
        """Seconds the browser keeps the session cookie."""
        return int(
            self.settings.review_session_max_s if self.passwords else self.settings.review_local_session_s
        )

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


def _basic_credentials(scope: Scope) -> tuple[str, str] | None:
    """The user name and password of an HTTP Basic `Authorization` header."""
    header = _header(scope, b"authorization") or ""
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password


def _is_open(path: str) -> bool:
    """Paths that work before signing in."""
    return path == "/login" or path.startswith("/static/")


def session_cookie(response: Response, session_id: str, secure: bool, max_age: int | None = None) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=secure, path="/")


def _identify(access: Access, scope: Scope) -> tuple[Session | None, bool, Response | None]:
    """The session of a request (made when it has none), whether it is new, or the answer that refuses
    it: single sign-on, the session cookie, HTTP Basic, else the way to /login. Blocking: the store and
    argon2 are called; the Guard runs it in a worker thread."""
    session = access.session(Request(scope).cookies.get(SESSION_COOKIE, ""), scope)
    proxied = access.proxy_user(scope)
    if proxied is not None and (session is None or session.kind != "proxy"):
        role = access._proxy_role(proxied)
        if role is None:
            return None, False, PlainTextResponse("your account is disabled; ask an administrator", 403)
        if session is not None:
            access.sessions.drop(session.id)
        return access.sessions.new(proxied, kind="proxy", role=role), True, None
    if access.passwords and (session is None or session.user is None):
        credentials = _basic_credentials(scope)
        if credentials is not None:
            client = access.client(scope)
            wait = access.limiter.retry_after(client)
            if wait > 0:
                message, headers = sign_in_refusal(wait)
                return None, False, PlainTextResponse(message, 429, headers=headers)
            try:
                identity = access.sign_in(*credentials)
            except SignInRefused as e:
                access.limiter.failed(client)
                return None, False, PlainTextResponse(str(e), 401)
            if session is not None:
                access.sessions.drop(session.id)
            fresh = access.sessions.new(
                identity.name, kind=identity.kind, role=identity.role, name=identity.mark
            )
            return fresh, True, None
        if not _is_open(scope["path"]):
            if scope["method"] in ("GET", "HEAD"):
                return None, False, RedirectResponse("/login", status_code=303)
            return None, False, PlainTextResponse("sign in first", 401)
    if session is None:
        return access.sessions.new(), True, None
    return session, False, None


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
        if scope["path"].startswith("/static/"):
            # Style sheets, scripts and images need no session: none is made, no cookie is set (a flood of
            # cookie-less requests for them costs nothing and evicts no one).
            await self.app(scope, receive, send)
            return
        cap = access.body_cap(scope["path"])
        receive = _capped(receive, cap)
        session, fresh, answer = await run_in_threadpool(_identify, access, scope)
        if answer is not None or session is None:
            await (answer or PlainTextResponse("sign in first", 401))(scope, receive, send)
            return
        scope.setdefault("state", {})["session"] = session
        secure = access.secure(scope)
        max_age = access.cookie_age()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and fresh:
                headers = MutableHeaders(scope=message)
                if not any(c.startswith(f"{SESSION_COOKIE}=") for c in headers.getlist("set-cookie")):
                    cookie = Response()
                    session_cookie(cookie, session.id, secure, max_age)
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


def is_admin(request: Request) -> bool:
    session = session_of(request)
    return session.user is not None and session.role == "admin"


def require_admin(request: Request) -> None:
    """Refuse (403) anyone but a signed-in administrator."""
    if not is_admin(request):
        raise HTTPException(
            403, "only an administrator may manage accounts; ask one, or use `medlegal users`"
        )
