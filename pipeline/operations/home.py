"""The home folder: inbox, claiming, archive, quarantine and atomic outputs. Nothing here deletes an input.

    MEDLEGAL_HOME/
    ├── inbox/                     reports dropped here wait for the next batch
    ├── processing/<run id>/       files claimed by a run (owner.json says which process); recovered if it dies
    ├── archive/YYYY-MM-DD/        originals of processed (and duplicate) reports
    ├── quarantine/                originals that failed, each beside NAME.error.json
    ├── outbox/                    <sha256>.json records, batch-<run id>.jsonl and .csv per run
    ├── medlegal.db                the embedded store (SQLite) unless MEDLEGAL_DATABASE_URL is set
    └── prefect/                   Prefect's own state (PREFECT_HOME)

Every move is a rename that never overwrites (`renameat2(RENAME_NOREPLACE)`, else link + unlink): a name
clash gets a ` (2)` suffix. Outputs are written to a temporary name, fsynced and renamed into place.
Folders are 0700 and files 0600: the reports are medical records.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import logging
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pipeline.errors import StoreError

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
OWNER_FILE = "owner.json"
#: Name endings of files that are still being written by whoever drops them into the inbox.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", "~")

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)
#: Runs alive in this process: their claims are never taken over by another run of the same process.
_ACTIVE_RUNS: set[str] = set()

Origin = Literal["inbox", "recovered", "on_demand"]


@dataclass(frozen=True)
class Home:
    """The folders of one home; `ensure()` creates them."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def processing(self) -> Path:
        return self.root / "processing"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def database(self) -> Path:
        return self.root / "medlegal.db"

    @property
    def prefect_home(self) -> Path:
        return self.root / "prefect"

    def record_path(self, sha256: str) -> Path:
        """Where the record of the document with this content lives."""
        return self.outbox / f"{sha256}.json"

    def ensure(self) -> Home:
        """Create the folders (0700) if missing; raises StoreError when the home is not usable."""
        try:
            for d in (self.root, self.inbox, self.processing, self.archive, self.quarantine, self.outbox):
                d.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
                if d.stat().st_mode & 0o777 != DIR_MODE:
                    d.chmod(DIR_MODE)
        except OSError as e:
            raise StoreError(f"cannot create the home folder {self.root}: {e.strerror}", hint=None) from e
        return self


@dataclass(frozen=True)
class Claim:
    """A file taken by one run: it lives under processing/<run id>/ until it is archived or quarantined."""

    path: Path
    name: str
    run_id: str
    origin: Origin
    #: Where the file came from (inbox or the on-demand path), for logs.
    source: str


# --- atomic file operations -------------------------------------------------------------------------------


def move_noreplace(src: Path, dst: Path) -> None:
    """Rename `src` to `dst` atomically, raising FileExistsError instead of overwriting `dst`."""
    if _renameat2 is not None:
        rc = _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err == errno.EEXIST:
            raise FileExistsError(err, os.strerror(err), str(dst))
        if err not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(src))
    # A hard link never replaces its target; between link and unlink the file has two names, which
    # recovery resolves (a claimed file with st_nlink > 1 is already in its final place).
    os.link(src, dst)
    os.unlink(src)


def _candidates(name: str) -> Iterator[str]:
    yield name
    stem, dot, ext = name.rpartition(".")
    if not stem:
        stem, dot, ext = name, "", ""
    for i in range(2, 100_000):
        yield f"{stem} ({i}){dot}{ext}"
    raise StoreError(f"too many files named {name}")


def move_unique(src: Path, folder: Path, name: str) -> Path:
    """Move `src` into `folder` as `name`, or `name (2)`, `name (3)`… if taken; returns the new path."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for candidate in _candidates(name):
        dst = folder / candidate
        try:
            move_noreplace(src, dst)
        except FileExistsError:
            continue
        return dst
    raise AssertionError("unreachable")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` (0600) through a temporary name, so readers never see a partial file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def clean_temp_outputs(home: Home, older_than_s: float = 60.0) -> int:
    """Remove our own temporary output files left by a killed run (never an input); returns how many."""
    removed = 0
    cutoff = time.time() - older_than_s
    for tmp in home.outbox.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
    return removed


# --- runs and claims --------------------------------------------------------------------------------------


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus a random suffix."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _start_token(pid: int) -> str | None:
    """The process start time from /proc, to tell a live owner from a reused PID (None off Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _owner() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "start": _start_token(pid), "at": time.time()}


def open_run(home: Home, run_id: str) -> Path:
    """Create processing/<run id>/ with its owner.json, atomically (the folder never exists without it)."""
    _ACTIVE_RUNS.add(run_id)
    tmp = home.processing / f".{run_id}.tmp"
    tmp.mkdir(mode=DIR_MODE)
    write_atomic(tmp / OWNER_FILE, json.dumps({**_owner(), "run_id": run_id}).encode())
    final = home.processing / run_id
    tmp.rename(final)
    return final


def close_run(home: Home, run_id: str) -> None:
    """Remove the run's processing folder once every claim has left it; what is left stays for recovery."""
    _ACTIVE_RUNS.discard(run_id)
    folder = home.processing / run_id
    leftovers = [p for p in folder.iterdir() if p.name != OWNER_FILE] if folder.exists() else []
    if leftovers:
        log.warning(
            "run %s left %d claimed file(s) in %s; the next run recovers them", run_id, len(leftovers), folder
        )
        return
    with contextlib.suppress(FileNotFoundError):
        (folder / OWNER_FILE).unlink()
    with contextlib.suppress(FileNotFoundError, OSError):
        folder.rmdir()


def _owner_alive(folder: Path, stale_claim_s: float) -> bool:
    try:
        owner = json.loads((folder / OWNER_FILE).read_text())
    except (OSError, ValueError):
        # An unreadable owner: treat as alive until it is old, to stay on the safe side.
        return time.time() - folder.stat().st_mtime < stale_claim_s
    if owner.get("host") != socket.gethostname():
        return time.time() - float(owner.get("at", 0)) < stale_claim_s
    pid = int(owner.get("pid", -1))
    if pid == os.getpid():
        return owner.get("run_id") in _ACTIVE_RUNS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    recorded = owner.get("start")
    return recorded is None or recorded == _start_token(pid)


def recover_stale_claims(home: Home, run_id: str, stale_claim_s: float) -> list[Claim]:
    """Take over files claimed by runs that died (killed, crashed); they are processed again by `run_id`."""
    mine = home.processing / run_id
    recovered: list[Claim] = []
    for folder in sorted(home.processing.iterdir()):
        if folder == mine or not folder.is_dir():
            continue
        if folder.name.startswith("."):
            # A run killed while creating its folder: it holds only owner.json, never an input.
            if time.time() - folder.stat().st_mtime > 3600:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        if _owner_alive(folder, stale_claim_s):
            continue
        for path in sorted(folder.iterdir()):
            if path.name == OWNER_FILE:
                continue
            if path.name.startswith(".") and path.name.endswith(".part"):
                # Our own half-copied on-demand input; the original is still where the user keeps it.
                path.unlink(missing_ok=True)
                continue
            try:
                if path.stat().st_nlink > 1:
                    # Killed between link and unlink while finishing: the file is already in place.
                    path.unlink()
                    log.warning(
                        "%s was already archived or quarantined by dead run %s", path.name, folder.name
                    )
                    continue
                new = move_unique(path, mine, path.name)
            except FileNotFoundError:
                continue  # another run recovered it first
            log.warning("recovered %s from dead run %s", path.name, folder.name)
            recovered.append(
                Claim(path=new, name=path.name, run_id=run_id, origin="recovered", source=str(path))
            )
        close_run(home, folder.name)
    return recovered


def _is_partial_name(name: str) -> bool:
    lower = name.lower()
    return name.startswith((".", "~$")) or lower.endswith(PARTIAL_SUFFIXES)


def scan_inbox(home: Home, settle_s: float) -> list[Path]:
    """Inbox files ready to claim: not hidden, no temporary name, size and mtime steady for `settle_s`."""
    candidates: dict[Path, tuple[int, int]] = {}
    for path in sorted(home.inbox.iterdir()):
        if _is_partial_name(path.name):
            log.info("inbox: %s has a temporary name; it waits for the next run", path.name)
            continue
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        if not path.is_file():
            if path.is_dir():
                log.warning("inbox: %s is a folder; only files directly in the inbox are read", path.name)
            continue
        candidates[path] = (st.st_size, st.st_mtime_ns)
    if not candidates:
        return []
    newest = max(m for _, m in candidates.values()) / 1e9
    wait = settle_s - (time.time() - newest)
    if wait > 0:
        time.sleep(min(wait, settle_s))
    ready: list[Path] = []
    for path, before in candidates.items():
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        if (st.st_size, st.st_mtime_ns) != before:
            log.info("inbox: %s is still being written; it waits for the next run", path.name)
            continue
        ready.append(path)
    return ready


def claim_inbox_file(path: Path, home: Home, run_id: str) -> Claim | None:
    """Move an inbox file into this run's processing folder; None when another run took it first."""
    folder = home.processing / run_id
    try:
        new = move_unique(path, folder, path.name)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        new = _copy_in(path, folder)
        try:
            path.unlink()
        except FileNotFoundError:
            new.unlink()  # another run moved it away while we copied
            return None
    return Claim(path=new, name=path.name, run_id=run_id, origin="inbox", source=str(path))


def _copy_in(path: Path, folder: Path) -> Path:
    tmp = folder / f".{uuid.uuid4().hex[:8]}.part"
    shutil.copyfile(path, tmp)
    os.chmod(tmp, FILE_MODE)
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    return move_unique(tmp, folder, path.name)


def claim_copy(path: Path, home: Home, run_id: str) -> Claim:
    """Claim a copy of a file given on demand; the user's original stays where it is."""
    new = _copy_in(path, home.processing / run_id)
    return Claim(path=new, name=path.name, run_id=run_id, origin="on_demand", source=str(path))


# --- finishing a claim ------------------------------------------------------------------------------------


def archive_claim(claim: Claim, home: Home, day: str) -> Path:
    """Move a processed claim to archive/<day>/ (suffixed on a name clash); returns where it went."""
    return move_unique(claim.path, home.archive / day, claim.name)


def quarantine_claim(claim: Claim, home: Home, error: dict[str, Any]) -> Path:
    """Move a failed claim to quarantine/ and write NAME.error.json beside it; returns the new path."""
    dst = move_unique(claim.path, home.quarantine, claim.name)
    body = {"file": claim.name, "quarantined_as": dst.name, "run_id": claim.run_id, **error}
    write_atomic(dst.with_name(dst.name + ".error.json"), (json.dumps(body, indent=2) + "\n").encode())
    return dst


def local_day(timezone: str) -> str:
    """Today's date (YYYY-MM-DD) in the configured time zone, naming the archive folder."""
    return datetime.now(ZoneInfo(timezone)).strftime("%Y-%m-%d")
