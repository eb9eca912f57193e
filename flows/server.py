"""Where `medlegal process` runs its flow: in a running `medlegal serve`, against a Prefect server, or on
Prefect's ephemeral (temporary) server.

`medlegal serve` records, in `MEDLEGAL_HOME/prefect/server.json` (owner-only, removed when it stops), the
Prefect API it serves on and the address and token of its on-demand listener. `medlegal process` then, in
order of preference:

1. hands the files to that `serve` process, which has Prefect and spaCy loaded already and runs the
   `process-report` flow there (about a second for a short report); only when the settings and the
   medlegal and rules versions match, so that a document is processed the same way wherever it runs;
2. runs the flow itself against PREFECT_API_URL, or the recorded API, if it answers its health check;
3. runs it on Prefect's ephemeral server, which takes 10-30 s to start.

The messages between `process` and `serve` carry file paths and outcomes (file names, record paths,
review flags), never a record or report text. This module must not import Prefect: Prefect reads
PREFECT_API_URL when it is first imported, and `use_prefect_api` decides that value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import io
import json
import logging
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from models.settings import Settings
from pipeline import errors
from pipeline.errors import MedlegalError
from pipeline.operations.home import pid_alive, write_atomic
from pipeline.operations.outcomes import BatchSummary, DocumentOutcome, ErrorInfo

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 2.0
"""How long a health check waits: a local server answers in milliseconds; a refused port fails at once."""

ACCEPT_TIMEOUT_S = 10.0
"""How long `process` waits for `serve` to accept or refuse (it answers at once unless starved of CPU)."""

MAX_MESSAGE_BYTES = 4 << 20


def healthy(api_url: str, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """Whether a Prefect API answers GET /health with 200 within `timeout_s`."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout_s) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def display_url(api_url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(api_url)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def state_path(home: Path) -> Path:
    """Where `medlegal serve` records the Prefect API it serves on and its on-demand listener."""
    return home / "prefect" / "server.json"


@dataclass(frozen=True)
class Listener:
    """Where a `serve` process takes on-demand requests: 127.0.0.1:`port`, with `token`."""

    port: int
    token: str


@contextlib.contextmanager
def record_server(
    home: Path, api_url: str, listener: Listener | None = None, *, auth: str | None = None
) -> Iterator[Path]:
    """Record `api_url` (with its `auth` string, and `listener`) as this home's running server for the
    duration of the block (file mode 0600); the record is removed on the way out unless another `serve`
    replaced it since."""
    path = state_path(home)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    mine: dict[str, Any] = {
        "api_url": api_url,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if listener is not None:
        mine["on_demand"] = dataclasses.asdict(listener)
    if auth:
        mine["api_auth"] = auth
    write_atomic(path, json.dumps(mine, indent=2).encode())
    try:
        yield path
    finally:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text()) == mine:
                path.unlink()


def _recorded(home: Path) -> dict[str, Any]:
    try:
        state = json.loads(state_path(home).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def recorded_server(home: Path) -> str | None:
    """The API URL a `medlegal serve` of this home recorded, if any (not checked for health)."""
    url = _recorded(home).get("api_url")
    return url if isinstance(url, str) and url else None


def _alive(pid: object, host: object) -> bool:
    """Whether the recording process may still run (a dead pid on this host means a stale record)."""
    if host != socket.gethostname() or not isinstance(pid, int):
        return True
    return pid_alive(pid)


def recorded_listener(home: Path) -> Listener | None:
    """The on-demand listener a live `medlegal serve` of this home recorded, if any."""
    state = _recorded(home)
    if not _alive(state.get("pid"), state.get("host")):
        return None
    try:
        return Listener(**state["on_demand"])
    except (KeyError, TypeError):
        return None


# --- 1. in the serve process ------------------------------------------------------------------------


_NOT_PROCESSING = ("schedule_cron", "review_", "export_", "webhook_")
"""Settings of the schedule, the review app and the export: they do not change how a document is processed."""


def settings_fingerprint(settings: Settings) -> str:
    """A digest of what decides how documents are processed and where results go: the settings (all but
    `_NOT_PROCESSING`, so that a new setting counts until it is listed there), the medlegal version and
    the rules version. `serve` takes a request only if its own digest is the same, so a `serve` started
    before an upgrade or a settings change is not used. Secrets stay hashed."""
    from pipeline import __version__
    from pipeline.extraction.rules import RULES_VERSION

    values = {k: v for k, v in settings.model_dump(mode="json").items() if not k.startswith(_NOT_PROCESSING)}
    values["home"] = str(Path(settings.home).resolve())
    values["versions"] = [__version__, RULES_VERSION]
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def summary_to_json(summary: BatchSummary) -> dict[str, Any]:
    """A batch summary as JSON values, without the records themselves (they are in the outbox)."""
    bare = dataclasses.replace(
        summary, outcomes=[dataclasses.replace(o, record=None) for o in summary.outcomes]
    )
    return json.loads(json.dumps(dataclasses.asdict(bare), default=str))


def summary_from_json(body: dict[str, Any]) -> BatchSummary:
    """The inverse of `summary_to_json`."""
    outcomes = [
        DocumentOutcome(
            **{
                **o,
                "flags": tuple(o["flags"]),
                "error": ErrorInfo(**o["error"]) if o["error"] else None,
            }
        )
        for o in body["outcomes"]
    ]
    return BatchSummary(
        **{
            **body,
            "home": Path(body["home"]),
            "jsonl_path": Path(body["jsonl_path"]),
            "csv_path": Path(body["csv_path"]),
            "outcomes": outcomes,
        }
    )


def error_to_json(e: MedlegalError) -> dict[str, str]:
    """A MedlegalError as its class name and the line it shows."""
    return {"error": type(e).__name__, "message": e.one_line()}


def error_from_json(body: dict[str, str]) -> MedlegalError:
    """The MedlegalError (same class, so the same exit code) that `serve` reported."""
    cls = getattr(errors, str(body.get("error")), None)
    if not (isinstance(cls, type) and issubclass(cls, MedlegalError)):
        cls = MedlegalError
    return cls(str(body.get("message")), hint="")


def token_ok(given: object, expected: str) -> bool:
    """Whether a request carries the listener's token (compared in constant time)."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def read_message(stream: io.BufferedIOBase) -> dict[str, Any]:
    """One newline-terminated JSON object from `stream` (at most MAX_MESSAGE_BYTES)."""
    line = stream.readline(MAX_MESSAGE_BYTES + 1)
    if not line.endswith(b"\n"):
        raise ValueError("the message was cut short or is too long")
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError("not a JSON object")
    return message


def send_message(stream: io.BufferedIOBase, message: dict[str, Any]) -> None:
    """Send one JSON object and a newline."""
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


def process_in_serve(
    home: Path, files: list[str], settings: Settings, *, reprocess: bool = False
) -> tuple[BatchSummary | None, str]:
    """Process `files` in the running `medlegal serve` of `home`, if there is one that takes them.

    Returns (the summary, "") when it did; (None, why) when a `serve` is running but did not take them
    (other settings, or it failed before processing: run here instead); (None, "") when none is, or
    when PREFECT_API_URL names another Prefect server than the one `serve` uses. A MedlegalError that
    `serve` hit (the store unusable, …) is raised as the same class.
    """
    listener = recorded_listener(home)
    configured = os.environ.get("PREFECT_API_URL")
    if listener is None or (
        configured and configured.rstrip("/") != (recorded_server(home) or "").rstrip("/")
    ):
        return None, ""
    try:
        conn = socket.create_connection(("127.0.0.1", listener.port), timeout=HEALTH_TIMEOUT_S)
    except OSError:
        log.info("the on-demand listener recorded in %s does not answer", state_path(home))
        return None, ""
    conn.settimeout(ACCEPT_TIMEOUT_S)
    with conn, conn.makefile("rwb") as stream:
        try:
            send_message(
                stream,
                {
                    "token": listener.token,
                    "files": files,
                    "reprocess": reprocess,
                    "settings": settings_fingerprint(settings),
                },
            )
            reply = read_message(stream)  # at once: accepted, or refused
            if reply.get("accepted"):
                # A document may take up to document_timeout_s; past that `serve` has quarantined it.
                conn.settimeout(settings.document_timeout_s * len(files) + 60)
                reply = read_message(stream)
        except (OSError, ValueError) as e:
            # Files it had already stored come out as duplicates here; its claimed copies are
            # recovered by the next run.
            return None, (
                f"the `medlegal serve` process stopped answering ({e.__class__.__name__}); "
                "processing in this process instead"
            )
    if "summary" in reply:
        try:
            return summary_from_json(reply["summary"]), ""
        except (TypeError, KeyError, AttributeError):  # a `serve` of other code with the same versions
            return None, (
                "the `medlegal serve` process answered in a form this medlegal does not read (restart "
                "it); processing in this process instead (what it processed shows as duplicates)"
            )
    if "error" in reply:
        raise error_from_json(reply["error"])
    return None, str(reply.get("refused") or "the `medlegal serve` process refused the files")


# --- 2. and 3. in this process ----------------------------------------------------------------------


@dataclass(frozen=True)
class PrefectApi:
    """The Prefect API a command will use: `url` None means Prefect's ephemeral (temporary) server."""

    url: str | None
    source: Literal["environment", "serve", "ephemeral"]
    why: str
    """For the ephemeral case, one line saying why no server is used."""
    auth: str | None = None
    """The basic-auth string a `serve`-started server asks for (from server.json)."""


def find_prefect_api(home: Path, timeout_s: float = HEALTH_TIMEOUT_S) -> PrefectApi:
    """PREFECT_API_URL if it answers, else the server `medlegal serve` recorded for `home` if it answers,
    else none (ephemeral)."""
    why = "no Prefect server running"
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        if healthy(configured, timeout_s):
            return PrefectApi(configured, "environment", "")
        why = f"no Prefect server answers at PREFECT_API_URL={display_url(configured)}"
    recorded = recorded_server(home)
    if recorded and recorded != configured:
        if healthy(recorded, timeout_s):
            auth = _recorded(home).get("api_auth")
            return PrefectApi(recorded, "serve", "", auth if isinstance(auth, str) and auth else None)
        log.info("the Prefect server recorded in %s does not answer", state_path(home))
    return PrefectApi(None, "ephemeral", why)


def use_prefect_api(home: Path, timeout_s: float = HEALTH_TIMEOUT_S) -> PrefectApi:
    """Find the API (`find_prefect_api`) and point this process's PREFECT_API_URL at it (unset for the
    ephemeral server); call before Prefect is imported."""
    api = find_prefect_api(home, timeout_s)
    if api.url:
        os.environ["PREFECT_API_URL"] = api.url
    else:
        os.environ.pop("PREFECT_API_URL", None)
    if api.auth:
        os.environ["PREFECT_API_AUTH_STRING"] = api.auth
    return api
