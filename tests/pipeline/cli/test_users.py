"""`medlegal users`: accounts of the review app from the command line (issue 20, item 6)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.operations.home import Home
from pipeline.operations.store import Store

PASSWORD = "a long enough passphrase"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def users(home: Path, *args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin if stdin is not None else ""))
    return main(["users", "--home", str(home), *args])


def stored(home: Path) -> Store:
    return Store.for_home(Home(home).ensure(), None)


def test_add_stores_an_argon2id_hash_and_never_shows_the_password(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code = users(
        home,
        "add",
        "Pat",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == ExitCode.OK
    account = stored(home).user("pat")
    assert account is not None and account["role"] == "admin" and not account["disabled"]
    assert account["password_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(account["password_hash"], PASSWORD)
    assert users(home, "list", monkeypatch=monkeypatch) == ExitCode.OK
    assert users(home, "list", "--json", monkeypatch=monkeypatch) == ExitCode.OK
    out, err = capsys.readouterr()
    assert "pat" in out and "admin" in out and "active" in out
    assert json.loads(out.strip().splitlines()[-1])["name"] == "pat"
    assert "password_hash" not in out
    for text in (out, err, caplog.text):
        assert PASSWORD not in text and "$argon2" not in text


def test_the_password_is_asked_twice_on_a_terminal(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, PASSWORD, PASSWORD, "something else entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["users", "--home", str(home), "add", "sam"]) == ExitCode.OK
    assert main(["users", "--home", str(home), "password", "sam"]) == ExitCode.USAGE  # the two differ
    assert PasswordHasher().verify(stored(home).user("sam")["password_hash"], PASSWORD)  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["add", "sam", "--password-stdin"], "short\n", ExitCode.USAGE, "at least 12 characters"),
        (
            ["add", "sam.jones.esq", "--password-stdin"],
            "Sam.Jones.Esq\n",
            ExitCode.USAGE,
            "not be the user name",
        ),
        (["add", "bad name", "--password-stdin"], PASSWORD, ExitCode.USAGE, "a user name is"),
        (["add", "sam"], "", ExitCode.USAGE, "--password-stdin"),  # no terminal to ask on
        (["add", "pat", "--password-stdin"], PASSWORD, ExitCode.ERROR, "already an account named pat"),
        (["disable", "nobody"], "", ExitCode.ERROR, "no account named nobody"),
        (["password", "nobody", "--password-stdin"], PASSWORD, ExitCode.ERROR, "no account named nobody"),
    ],
)
def test_mistakes_are_one_line_errors_with_their_exit_code(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    code: int,
    message: str,
) -> None:
    users(home, "add", "pat", "--password-stdin", stdin=PASSWORD, monkeypatch=monkeypatch)
    capsys.readouterr()
    assert users(home, *args, stdin=stdin, monkeypatch=monkeypatch) == code
    err = capsys.readouterr().err
    assert err.startswith("medlegal: error: ") and message in err and err.count("\n") == 1
    assert PASSWORD not in err and "short" not in err.replace("shorter", "")
    assert stored(home).user("sam") is None and stored(home).user("sam.jones.esq") is None


def test_disable_enable_role_and_password(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users(home, "add", "pat", "--password-stdin", stdin=PASSWORD, monkeypatch=monkeypatch)
    store = stored(home)
    store.save_review_session("d" * 64, "account", "pat", None, 1.0, 1.0)
    assert users(home, "disable", "PAT", monkeypatch=monkeypatch) == ExitCode.OK
    assert store.user("pat")["disabled"]  # type: ignore[index]
    assert store.review_session("d" * 64) is None  # disabling ends the account's sessions
    assert users(home, "enable", "pat", monkeypatch=monkeypatch) == ExitCode.OK
    assert not store.user("pat")["disabled"]  # type: ignore[index]
    assert users(home, "role", "pat", "admin", monkeypatch=monkeypatch) == ExitCode.OK
    assert store.user("pat")["role"] == "admin"  # type: ignore[index]
    store.save_review_session("e" * 64, "account", "pat", None, 1.0, 1.0)
    new = "another long passphrase"
    assert (
        users(home, "password", "pat", "--password-stdin", stdin=new, monkeypatch=monkeypatch) == ExitCode.OK
    )
    assert PasswordHasher().verify(store.user("pat")["password_hash"], new)  # type: ignore[index]
    assert store.review_session("e" * 64) is None
    with pytest.raises(SystemExit):
        users(home, "role", "pat", "root", monkeypatch=monkeypatch)
