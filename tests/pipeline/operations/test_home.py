"""The home folder: claiming, settling, recovery, archive/quarantine moves and atomic outputs."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.errors import HomePermissionError, NotRegularFileError
from pipeline.operations.home import (
    Claim,
    Home,
    archive_claim,
    check_inbox,
    claim_copy,
    claim_inbox_file,
    clean_temp_outputs,
    close_run,
    move_noreplace,
    move_unique,
    open_run,
    quarantine_claim,
    recover_stale_claims,
    scan_inbox,
    sha256_file,
    write_atomic,
)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _dead_run(home: Home, run_id: str, files: dict[str, bytes]) -> Path:
    folder = home.processing / run_id
    folder.mkdir()
    owner = {
        "pid": _dead_pid(),
        "host": socket.gethostname(),
        "start": None,
        "at": time.time(),
        "run_id": run_id,
    }
    (folder / "owner.json").write_text(json.dumps(owner))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_home_folders_are_private(home: Home) -> None:
    for d in (home.root, home.inbox, home.processing, home.archive, home.quarantine, home.outbox):
        assert d.stat().st_mode & 0o777 == 0o700


def test_move_noreplace_never_overwrites(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("new")
    b.write_text("old")
    with pytest.raises(FileExistsError):
        move_noreplace(a, b)
    assert a.read_text() == "new" and b.read_text() == "old"


def test_move_unique_adds_a_suffix_on_name_clash(tmp_path: Path) -> None:
    folder = tmp_path / "dst"
    folder.mkdir()
    (folder / "qme.pdf").write_text("first")
    (folder / "qme (2).pdf").write_text("second")
    src = tmp_path / "qme.pdf"
    src.write_text("third")
    dst = move_unique(src, folder, "qme.pdf")
    assert dst.name == "qme (3).pdf"
    assert {p.read_text() for p in folder.iterdir()} == {"first", "second", "third"}


def test_write_atomic_is_private_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    write_atomic(out, b"{}")
    write_atomic(out, b'{"a": 1}')
    assert out.read_bytes() == b'{"a": 1}'
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


@pytest.mark.parametrize("name", ["report.pdf.part", "scan.tmp", "x.pdf~", ".hidden.pdf", "~$draft.pdf"])
def test_scan_inbox_leaves_temporary_names_for_the_next_run(home: Home, name: str) -> None:
    (home.inbox / name).write_bytes(b"%PDF-1.4")
    (home.inbox / "ready.pdf").write_bytes(b"%PDF-1.4")
    assert [p.name for p in scan_inbox(home, settle_s=0)] == ["ready.pdf"]


def test_scan_inbox_waits_for_a_file_that_is_still_growing(home: Home) -> None:
    growing = home.inbox / "growing.pdf"
    growing.write_bytes(b"x")
    old = home.inbox / "old.pdf"
    old.write_bytes(b"y")
    past = time.time() - 60
    os.utime(old, (past, past))
    stop = threading.Event()

    def writer() -> None:
        with growing.open("ab") as f:
            while not stop.is_set():
                f.write(b"x")
                f.flush()
                time.sleep(0.05)

    t = threading.Thread(target=writer)
    t.start()
    try:
        ready = scan_inbox(home, settle_s=0.5)
    finally:
        stop.set()
        t.join()
    assert [p.name for p in ready] == ["old.pdf"]
    assert growing.exists()


def test_a_file_is_claimed_by_one_run_only(home: Home) -> None:
    (home.inbox / "a.pdf").write_bytes(b"a")
    open_run(home, "run1")
    open_run(home, "run2")
    first = claim_inbox_file(home.inbox / "a.pdf", home, "run1")
    second = claim_inbox_file(home.inbox / "a.pdf", home, "run2")
    assert first is not None and first.path.read_bytes() == b"a"
    assert second is None


def test_claim_copy_keeps_the_users_original(home: Home, tmp_path: Path) -> None:
    original = tmp_path / "mine.pdf"
    original.write_bytes(b"data")
    open_run(home, "run1")
    claim = claim_copy(original, home, "run1")
    assert original.read_bytes() == b"data"
    assert claim.path.parent == home.processing / "run1" and claim.path.read_bytes() == b"data"


def test_claims_of_a_dead_run_are_recovered_once(home: Home) -> None:
    _dead_run(home, "dead", {"a.pdf": b"a", "b.pdf": b"b"})
    open_run(home, "next")
    open_run(home, "other")
    recovered = recover_stale_claims(home, "next", stale_claim_s=3600)
    assert sorted(c.name for c in recovered) == ["a.pdf", "b.pdf"]
    assert all(c.origin == "recovered" and c.path.parent == home.processing / "next" for c in recovered)
    assert not (home.processing / "dead").exists()
    assert recover_stale_claims(home, "other", stale_claim_s=3600) == []


def test_claims_of_a_live_run_are_left_alone(home: Home) -> None:
    folder = home.processing / "alive"
    folder.mkdir()
    owner = {
        "pid": os.getppid(),
        "host": socket.gethostname(),
        "start": None,
        "at": time.time(),
        "run_id": "alive",
    }
    (folder / "owner.json").write_text(json.dumps(owner))
    (folder / "a.pdf").write_bytes(b"a")
    open_run(home, "next")
    assert recover_stale_claims(home, "next", stale_claim_s=3600) == []
    assert (folder / "a.pdf").exists()


def test_claims_of_another_host_wait_for_stale_claim_s(home: Home) -> None:
    folder = home.processing / "remote"
    folder.mkdir()
    owner = {"pid": 1, "host": "elsewhere", "start": None, "at": time.time() - 100, "run_id": "remote"}
    (folder / "owner.json").write_text(json.dumps(owner))
    (folder / "a.pdf").write_bytes(b"a")
    open_run(home, "next")
    assert recover_stale_claims(home, "next", stale_claim_s=3600) == []
    assert [c.name for c in recover_stale_claims(home, "next", stale_claim_s=10)] == ["a.pdf"]


def test_a_claim_already_linked_into_the_archive_is_not_recovered_twice(home: Home) -> None:
    folder = _dead_run(home, "dead", {"a.pdf": b"a"})
    day = home.archive / "2024-01-01"
    day.mkdir()
    os.link(folder / "a.pdf", day / "a.pdf")  # killed between link and unlink
    open_run(home, "next")
    assert recover_stale_claims(home, "next", stale_claim_s=3600) == []
    assert (day / "a.pdf").read_bytes() == b"a"


def test_archive_and_quarantine_never_overwrite(home: Home) -> None:
    open_run(home, "r")
    claims = []
    for i in range(2):
        path = home.processing / "r" / f"x{i}.pdf"
        path.write_bytes(str(i).encode())
        claims.append(Claim(path=path, name="same.pdf", run_id="r", origin="inbox", source=""))
    a = archive_claim(claims[0], home, "2024-01-01")
    b = archive_claim(claims[1], home, "2024-01-01")
    assert (a.name, b.name) == ("same.pdf", "same (2).pdf")
    c_path = home.processing / "r" / "bad.pdf"
    c_path.write_bytes(b"bad")
    q = quarantine_claim(
        Claim(path=c_path, name="bad.pdf", run_id="r", origin="inbox", source=""),
        home,
        {"exit_code": 13, "message": "damaged", "stage": "read"},
    )
    error = json.loads((home.quarantine / "bad.pdf.error.json").read_text())
    assert q.read_bytes() == b"bad" and error["exit_code"] == 13 and error["stage"] == "read"


def test_close_run_keeps_a_folder_that_still_holds_claims(home: Home) -> None:
    open_run(home, "r")
    (home.processing / "r" / "left.pdf").write_bytes(b"x")
    close_run(home, "r")
    assert (home.processing / "r" / "left.pdf").exists()
    open_run(home, "s")
    close_run(home, "s")
    assert not (home.processing / "s").exists()


def test_clean_temp_outputs_removes_only_our_old_temporaries(home: Home) -> None:
    tmp = home.outbox / ".abc.json.1234.tmp"
    tmp.write_text("{")
    past = time.time() - 3600
    os.utime(tmp, (past, past))
    (home.outbox / "abc.json").write_text("{}")
    assert clean_temp_outputs(home) == 1
    assert [p.name for p in home.outbox.iterdir()] == ["abc.json"]


# --- the inbox's mode, links and names (items 10, 11, 14) -----------------------------------------------


def test_ensure_never_changes_the_mode_of_a_shared_home_or_inbox(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    (root / "inbox").mkdir(parents=True)
    root.chmod(0o710)  # the scanner's group may pass through to the inbox, not list the home
    (root / "inbox").chmod(0o2770)  # group-writable, setgid: files dropped there keep the group
    home = Home(root).ensure()
    assert stat.S_IMODE(root.stat().st_mode) == 0o710
    assert stat.S_IMODE(home.inbox.stat().st_mode) == 0o2770
    assert all(stat.S_IMODE(d.stat().st_mode) == 0o700 for d in home.private_folders)
    assert check_inbox(home) == []


def test_check_inbox_reports_a_mode_that_exposes_the_reports(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    home.inbox.chmod(0o2777)
    [warning] = check_inbox(home)
    assert "open to every user" in warning and "mode 2777" in warning
    home.inbox.chmod(0o770)
    [warning] = check_inbox(home)
    assert "not setgid" in warning
    assert stat.S_IMODE(home.inbox.stat().st_mode) == 0o770, "reported, never changed"


def test_hashing_never_follows_a_symlink_or_blocks_on_a_pipe(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.4 private")
    (tmp_path / "link.pdf").symlink_to(target)
    os.mkfifo(tmp_path / "pipe.pdf")
    with pytest.raises(NotRegularFileError, match="symbolic link"):
        sha256_file(tmp_path / "link.pdf")
    with pytest.raises(NotRegularFileError, match="named pipe"):
        sha256_file(tmp_path / "pipe.pdf")
    assert sha256_file(target) == hashlib.sha256(b"%PDF-1.4 private").hexdigest()


def test_a_claim_moves_under_its_safe_name_and_keeps_the_original(home: Home) -> None:
    name = "Doe, John\r\nERROR forged.pdf"
    (home.inbox / name).write_bytes(b"%PDF-1.4")
    open_run(home, "r")
    claim = claim_inbox_file(home.inbox / name, home, "r")
    assert claim is not None and claim.name == name
    assert claim.path.name == "Doe, John__ERROR forged.pdf" == claim.safe_name
    q = quarantine_claim(claim, home, {"exit_code": 13})
    assert json.loads(q.with_name(q.name + ".error.json").read_text())["file"] == name


# --- a home another user could redirect or read is refused (issue 21) -----------------------------------


@pytest.mark.parametrize("part", ["root", "inbox", "archive", "database"])
def test_a_symlinked_home_inbox_folder_or_database_is_refused(tmp_path: Path, part: str) -> None:
    real = Home(tmp_path / "real").ensure()
    (real.root / "medlegal.db").write_bytes(b"")
    home = Home(tmp_path / "home")
    if part == "root":
        home.root.symlink_to(real.root)
        link = home.root
    else:
        Home(tmp_path / "home").ensure()
        link = {"inbox": home.inbox, "archive": home.archive, "database": home.database}[part]
        if link.is_dir():
            link.rmdir()
        link.symlink_to(getattr(real, part) if part != "database" else real.root / "medlegal.db")
    with pytest.raises(HomePermissionError, match="symbolic link"):
        home.ensure()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
@pytest.mark.parametrize("part", ["root", "outbox", "database", "inbox"])
def test_another_users_home_folder_or_database_is_refused(tmp_path: Path, part: str) -> None:
    home = Home(tmp_path / "home").ensure()
    home.database.write_bytes(b"")
    path = {"root": home.root, "outbox": home.outbox, "database": home.database, "inbox": home.inbox}[part]
    os.chown(path, 65534, 65534)
    if part == "inbox":
        os.chmod(path, 0o2773)  # another user's inbox shared with everyone: refused too
    with pytest.raises(HomePermissionError, match="belongs to another user"):
        home.ensure()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_an_inbox_shared_through_our_group_is_accepted(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    os.chown(home.inbox, 65534, os.getegid())
    os.chmod(home.inbox, 0o2770)
    home.ensure()
