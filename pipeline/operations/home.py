"""The home folder: inbox, claiming, archive, quarantine and atomic outputs. Nothing here deletes an input.

    MEDLEGAL_HOME/
    ├── inbox/                     reports dropped here wait for the next batch
    ├── processing/<run id>/       files claimed by a run (owner.json says which process); recovered if it dies
    ├── archive/YYYY-MM-DD/        originals of processed (and duplicate) reports
    ├── quarantine/                originals that failed, each beside NAME.error.json
    ├── outbox/                    <sha256>.json records, batch-<run id>.jsonl and .csv per run
    ├── tmp/                       scratch of a worker (OCR page images), `ocr-<host>-<pid>-…`; a dead one's removed
    ├── medlegal.db                the embedded store (SQLite) unless MEDLEGAL_DATABASE_URL is set
    └── prefect/                   Prefect's own state (PREFECT_HOME)

Every move is a rename that never overwrites (`renameat2(RENAME_NOREPLACE)`, else link + unlink): a name
clash gets a ` (2)` suffix. Outputs are written to a temporary name, fsynced and renamed into place.
Folders medlegal creates are 0700 and files 0600: the reports are medical records. The home folder and
the inbox are never chmod'ed (a shared inbox is group-writable on purpose): `check_inbox` reports what is
wrong with them instead. Only regular files are read from the inbox: a symlink, pipe or device is
quarantined as it is (`refused_entries`), and files are opened with O_NOFOLLOW. Files are moved under
their safe name (`names.safe_name`); the name they were dropped under stays in `Claim.name`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import grp
import hashlib
import json
import logging
import os
import pwd
import shutil
import socket
import stat
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pipeline.errors import FilePermissionError, HomePermissionError, NotRegularFileError, StoreError
from pipeline.operations.names import data_name, safe_name

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
    def tmp(self) -> Path:
        """Scratch files of workers (page images handed to Tesseract): private, inside the home."""
        return self.root / "tmp"

    @property
    def prefect_home(self) -> Path:
        return self.root / "prefect"

    def record_path(self, sha256: str) -> Path:
        """Where the record of the document with this content lives."""
        return self.outbox / f"{sha256}.json"

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """The folders only medlegal uses: kept 0700 (the home folder and the inbox may be shared)."""
        return (self.processing, self.archive, self.quarantine, self.outbox, self.tmp)

    def ensure(self) -> Home:
        """Create missing folders (0700) and keep medlegal's own folders 0700; the home folder and the
        inbox keep the mode they have. Raises HomePermissionError or StoreError when the home is unusable,
        and refuses a home, inbox, private folder or database that is a symbolic link or another user's
        (`check_ownership`)."""
        check_ownership(self)
        try:
            for d in (self.root, self.inbox, *self.private_folders):
                d.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            for d in self.private_folders:
                if d.stat().st_mode & 0o777 != DIR_MODE:
                    d.chmod(DIR_MODE)
        except PermissionError as e:
            where = Path(e.filename) if e.filename else self.root
            raise HomePermissionError(f"permission denied on {where} ({_describe(where)})") from e
        except OSError as e:
            raise StoreError(f"cannot create the home folder {self.root}: {e.strerror}", hint=None) from e
        return self


def check_ownership(home: Home) -> None:
    """Refuse a home whose folders or database another local user could redirect or read.

    The home folder, medlegal's own folders and the database must not be symbolic links and must belong to
    medlegal's user (root's too: a root process over another user's home is what a hostile home asks
    for). The inbox must not be a symbolic link; it may belong
    to another user when it is shared through a group medlegal's user is in (docs/operations.md, 'A shared
    inbox') and is not writable by every user. Missing paths are fine (ensure() creates them).
    Raises HomePermissionError (exit 32) naming the path and what to do.
    """
    me = os.geteuid()
    mine = (home.root, *home.private_folders, home.database)
    for path in (*mine, home.inbox):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as e:
            raise HomePermissionError(f"cannot check {path}: {e.strerror}") from e
        if stat.S_ISLNK(st.st_mode):
            raise HomePermissionError(
                f"{path} is a symbolic link; medlegal refuses it so that no one can redirect the reports: "
                "use the real folder's path"
            )
        if st.st_uid == me:
            continue
        if path == home.inbox:
            shared = st.st_gid in os.getgroups() or st.st_gid == os.getegid()
            if shared and not st.st_mode & 0o002:
                continue
        raise HomePermissionError(
            f"{path} belongs to another user ({_describe(path)}); medlegal uses only a home of its own user: "
            "run medlegal as that folder's owner or choose another home"
        )


def _describe(path: Path) -> str:
    """A folder's mode, owner and group, for messages: "mode 2770, owner scanner, group scan"."""
    try:
        st = os.stat(path)
    except OSError as e:
        return e.strerror or "cannot stat it"
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"mode {stat.S_IMODE(st.st_mode):04o}, owner {owner}, group {group}"


def _user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _access(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def check_inbox(home: Home) -> list[str]:
    """Check, without changing anything, that medlegal may list the inbox and move files out of it.

    Raises HomePermissionError (exit 32) naming what is missing; returns warnings about a mode that
    exposes the reports (readable or writable by every user, group-writable without setgid).
    """
    needed = [
        (home.root, os.X_OK, "enter"),
        (home.inbox, os.R_OK | os.W_OK | os.X_OK, "list and move files out of"),
    ]
    for folder, mode, what in needed:
        if not folder.is_dir():
            continue  # created by ensure(); a missing folder is not a permission problem
        if not _access(folder, mode):
            raise HomePermissionError(
                f"user {_user()} may not {what} {folder} ({_describe(folder)}); it needs "
                + ("search (x)" if mode == os.X_OK else "read, write and search (rwx)")
                + " permission"
            )
    warnings: list[str] = []
    for folder in (home.root, home.inbox):
        try:
            mode = stat.S_IMODE(os.stat(folder).st_mode)
        except OSError:
            continue
        if mode & 0o007:
            warnings.append(
                f"{folder} is open to every user ({_describe(folder)}); the reports are medical records: "
                "remove the permissions for others (chmod o-rwx)"
            )
    try:
        mode = stat.S_IMODE(os.stat(home.inbox).st_mode)
    except OSError:
        mode = 0
    if mode & 0o020 and not mode & stat.S_ISGID:
        warnings.append(
            f"{home.inbox} is group-writable but not setgid ({_describe(home.inbox)}): files dropped there "
            "may get a group medlegal cannot read (chmod g+s)"
        )
    return warnings


@dataclass(frozen=True)
class Claim:
    """A file taken by one run: it lives under processing/<run id>/ until it is archived or quarantined."""

    path: Path
    #: The name it was dropped under (data: the record and the store keep it); `path` has its safe name.
    name: str
    run_id: str
    origin: Origin
    #: Where the file came from (inbox or the on-demand path), for logs.
    source: str
    #: The SHA-256 of its bytes, once the batch has hashed it.
    sha256: str | None = None

    @property
    def safe_name(self) -> str:
        """The name on disk and in logs (`names.safe_name`)."""
        return safe_name(self.name)

    @property
    def label(self) -> str:
        """What names the claim where file names must not go (Prefect task runs): its sha256 prefix."""
        return self.sha256[:12] if self.sha256 else "unhashed"


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
    # recovery resolves (a claimed file with st_nlink > 1 is already in its final place). A symlink is
    # linked as itself, never its target.
    os.link(src, dst, follow_symlinks=False)
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


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: Path) -> int:
    """Open a regular file for reading without following a symlink or blocking on a pipe; returns the
    descriptor. Raises NotRegularFileError, FilePermissionError or FileNotFoundError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except PermissionError as e:
        raise FilePermissionError("permission denied reading the file", path=path) from e
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotRegularFileError("it is a symbolic link; links are not followed", path=path) from e
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFileError(f"it is {_kind(mode)}, not a regular file", path=path)
    return fd


def sha256_file(path: Path) -> str:
    """The SHA-256 of a regular file's bytes (`open_regular`: symlinks are not followed)."""
    h = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as f:
        try:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        except PermissionError as e:
            raise FilePermissionError("permission denied reading the file", path=path) from e
    return h.hexdigest()


def clean_temp_outputs(home: Home, older_than_s: float = 60.0) -> int:
    """Remove our own temporary files left by a killed run (never an input); returns how many: output
    files in the outbox older than `older_than_s`, and scratch folders under tmp/ (`ocr-<host>-<pid>-…`)
    of processes on this host that are gone."""
    removed = 0
    cutoff = time.time() - older_than_s
    for tmp in home.outbox.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
    host = socket.gethostname()
    for scratch in home.tmp.glob(f"*-{host}-*") if home.tmp.is_dir() else ():
        pid = scratch.name[len(scratch.name.split("-", 1)[0]) + len(host) + 2 :].split("-", 1)[0]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists() or scratch.is_symlink():
            continue
        shutil.rmtree(scratch, ignore_errors=True)
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
    if not pid_alive(pid):
        return False
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
                if path.lstat().st_nlink > 1:
                    # Killed between link and unlink while finishing: the file is already in place.
                    path.unlink()
                    log.warning(
                        "%s was already archived or quarantined by dead run %s",
                        safe_name(path.name),
                        folder.name,
                    )
                    continue
                new = move_unique(path, mine, safe_name(path.name))
            except FileNotFoundError:
                continue  # another run recovered it first
            log.warning("recovered %s from dead run %s", safe_name(path.name), folder.name)
            recovered.append(
                Claim(
                    path=new, name=data_name(path.name), run_id=run_id, origin="recovered", source=str(path)
                )
            )
        close_run(home, folder.name)
    return recovered


def _is_partial_name(name: str) -> bool:
    lower = name.lower()
    return name.startswith((".", "~$")) or lower.endswith(PARTIAL_SUFFIXES)


def refused_entries(home: Home) -> list[tuple[Path, str]]:
    """Inbox entries that are neither regular files nor folders (symlinks, pipes, sockets, devices), with
    why they are refused; they are quarantined as they are, their targets never opened."""
    refused: list[tuple[Path, str]] = []
    for path in sorted(home.inbox.iterdir()):
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            continue
        if stat.S_ISLNK(mode) and _is_partial_name(path.name):
            continue  # a link under a temporary name may still be renamed by whoever made it
        why = f"it is {_kind(mode)}; only regular files are read from the inbox"
        if stat.S_ISLNK(mode):
            why += " (links are not followed)"
        refused.append((path, why))
    return refused


def regular_files(folder: Path) -> list[Path]:
    """The regular files directly in `folder` (lstat: a symlink to a file is not one)."""
    found = []
    for path in sorted(folder.iterdir()):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISREG(path.lstat().st_mode):
                found.append(path)
    return found


def scan_inbox(home: Home, settle_s: float) -> list[Path]:
    """Inbox files ready to claim: regular files (not symlinks), not hidden, no temporary name, size and
    mtime steady for `settle_s`."""
    candidates: dict[Path, tuple[int, int]] = {}
    for path in sorted(home.inbox.iterdir()):
        if _is_partial_name(path.name):
            log.info("inbox: %s has a temporary name; it waits for the next run", safe_name(path.name))
            continue
        try:
            st = path.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                log.warning(
                    "inbox: %s is a folder; only files directly in the inbox are read", safe_name(path.name)
                )
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
            st = path.lstat()
        except FileNotFoundError:
            continue
        if (st.st_size, st.st_mtime_ns) != before or not stat.S_ISREG(st.st_mode):
            log.info("inbox: %s is still being written; it waits for the next run", safe_name(path.name))
            continue
        ready.append(path)
    return ready


def claim_inbox_file(path: Path, home: Home, run_id: str) -> Claim | None:
    """Move an inbox entry (a file, or a refused link or pipe: renamed, never read) into this run's
    processing folder under its safe name; None when another run took it first."""
    folder = home.processing / run_id
    try:
        new = move_unique(path, folder, safe_name(path.name))
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        try:
            new = _copy_in(path, folder, follow_symlinks=False)
        except shutil.SpecialFileError:
            log.warning(
                "inbox: %s is a pipe or device on another filesystem; left there", safe_name(path.name)
            )
            return None
        try:
            path.unlink()
        except FileNotFoundError:
            new.unlink()  # another run moved it away while we copied
            return None
    return Claim(path=new, name=data_name(path.name), run_id=run_id, origin="inbox", source=str(path))


def _copy_in(path: Path, folder: Path, *, follow_symlinks: bool = True) -> Path:
    tmp = folder / f".{uuid.uuid4().hex[:8]}.part"
    # Without follow_symlinks a symlink is copied as a link, its target never read.
    shutil.copyfile(path, tmp, follow_symlinks=follow_symlinks)
    if not tmp.is_symlink():
        os.chmod(tmp, FILE_MODE)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
    return move_unique(tmp, folder, safe_name(path.name))


def claim_copy(path: Path, home: Home, run_id: str) -> Claim:
    """Claim a copy of a file given on demand; the user's original stays where it is."""
    new = _copy_in(path, home.processing / run_id)
    return Claim(path=new, name=data_name(path.name), run_id=run_id, origin="on_demand", source=str(path))


# --- finishing a claim ------------------------------------------------------------------------------------


def archive_claim(claim: Claim, home: Home, day: str) -> Path:
    """Move a processed claim to archive/<day>/ (suffixed on a name clash); returns where it went."""
    return move_unique(claim.path, home.archive / day, claim.safe_name)


def quarantine_claim(claim: Claim, home: Home, error: dict[str, Any]) -> Path:
    """Move a failed claim to quarantine/ under its safe name and write NAME.error.json beside it (the
    original name is its "file"); returns the new path."""
    dst = move_unique(claim.path, home.quarantine, claim.safe_name)
    body = {"file": claim.name, "quarantined_as": dst.name, "run_id": claim.run_id, **error}
    write_atomic(dst.with_name(dst.name + ".error.json"), (json.dumps(body, indent=2) + "\n").encode())
    return dst


def local_day(timezone: str) -> str:
    """Today's date (YYYY-MM-DD) in the configured time zone, naming the archive folder."""
    return datetime.now(ZoneInfo(timezone)).strftime("%Y-%m-%d")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
