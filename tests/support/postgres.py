"""A real PostgreSQL for the store and batch tests: Debian's server binaries, a throw-away cluster on
127.0.0.1 (trust authentication, a free port, its socket in the cluster folder), started once per test
session and stopped at its end. As root (CI) the cluster runs as the `postgres` account the Debian package
creates, since PostgreSQL refuses to run as root. `start` returns None, with the reason, where it cannot
start (no server binaries, no such account): the tests then skip visibly, naming the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.web import free_port


@dataclass
class Cluster:
    folder: Path
    port: int
    user: str | None  # the account it runs as (None: this process's)
    bin: Path

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def start() -> tuple[Cluster | None, str]:
    """Start a cluster; (cluster, "") or (None, why not)."""
    binaries = _binaries()
    if binaries is None:
        return None, "no PostgreSQL server here (Debian: apt-get install postgresql)"
    try:
        import psycopg
    except ImportError:
        return None, "the psycopg driver is not installed (it is in requirements.lock: make setup)"
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no `postgres` account to run PostgreSQL as"
        user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="medlegal-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(folder, free_port(), user, binaries)
    init = cluster._run(
        [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return None, f"initdb failed: {init.stderr.strip()[-200:]}"
    options = f"-c listen_addresses=127.0.0.1 -c port={cluster.port} -c unix_socket_directories={folder} -c fsync=off"
    started = cluster._run(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(folder / "data"),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ]
    )
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return None, f"PostgreSQL did not start: {started.stderr.strip()[-200:]}"
    deadline = time.monotonic() + 30
    import psycopg

    while True:
        try:
            psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres").close()
            return cluster, ""
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                cluster.stop()
                return None, "PostgreSQL did not accept connections within 30 s"
            time.sleep(0.2)
