"""Accounts: argon2 hashes, the first administrator, passwords never on the command line,
throttled sign-in, revocable tokens, disabled users."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_support import one_line_error, run
from workflow_support import PASSWORD

from meili.db.models import LoginAttempt, User
from meili.db.session import session
from meili.workflow import accounts
from meili.workflow.errors import Conflict, Invalid, Throttled, Unauthenticated

ADD_ED = ["users", "add", "ed", "--role", "city_editor", "--zone"]


def test_first_admin_from_stdin(store: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    code, _, err = run(
        ["users", "add", "boss", "--role", "province_editor", "--zone", "P-330000"], capsys
    )
    assert "first user must be an administrator" in one_line_error(code, err)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    code, out, err = run(["users", "add", "boss", "--role", "admin"], capsys)
    assert code == 0 and "added user boss (admin)" in out, err
    code, _, err = run(["users", "add", "x", "--password", "secret123456"], capsys)
    assert code == 2 and "No such option" in err  # never from argv
    with session() as s:
        user = accounts.get_user(s, "boss")
        assert user.password_hash.startswith("$argon2id$")
        assert "a long enough secret" not in user.password_hash
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run([*ADD_ED, "C-330100"], capsys)
    assert "at least 10 characters" in one_line_error(code, err)
    monkeypatch.setattr("sys.stdin", io.StringIO("another long secret\n"))
    code, _, err = run([*ADD_ED, "P-330000"], capsys)
    assert "bound to a city zone, not a province zone" in one_line_error(code, err)
    monkeypatch.setattr("sys.stdin", io.StringIO("another long secret\n"))
    assert run([*ADD_ED, "C-330100"], capsys)[0] == 0
    assert run(["users", "grant", "ed", "city_viewer", "--zone", "C-441600"], capsys)[0] == 0
    code, out, _ = run(["users", "list", "-f", "json"], capsys)
    ed = next(u for u in json.loads(out) if u["username"] == "ed")
    assert ed["roles"] == ["city_editor@C-330100", "city_viewer@C-441600"]
    assert run(["users", "revoke", "ed", "city_viewer", "--zone", "C-441600"], capsys)[0] == 0
    assert run(["users", "disable", "ed"], capsys)[0] == 0
    code, out, _ = run(["users", "list", "-f", "json"], capsys)
    ed = next(u for u in json.loads(out) if u["username"] == "ed")
    assert ed["active"] is False and ed["roles"] == ["city_editor@C-330100"]


def test_sign_in_is_throttled(people: Path) -> None:
    for _ in range(accounts.MAX_FAILURES_NAME):
        with session(write=True) as s:
            assert accounts.check_password(s, "ca", "wrong password", "10.0.0.1") is None
    with session(write=True) as s, pytest.raises(Throttled):
        accounts.check_password(s, "ca", PASSWORD, "10.0.0.1")  # even the right one, for now
    with session(write=True) as s:  # another user is not locked out
        assert accounts.check_password(s, "hz", PASSWORD, "10.0.0.1").username == "hz"
    with session() as s:
        attempts = s.query(LoginAttempt).filter_by(username="ca").all()
        assert len(attempts) == accounts.MAX_FAILURES_NAME and not any(a.ok for a in attempts)


def test_unknown_user_and_disabled_user(people: Path) -> None:
    with session(write=True) as s:
        assert accounts.check_password(s, "nobody", PASSWORD) is None
    with session(write=True) as s:
        user = accounts.check_password(s, "aj", PASSWORD)
        secret, _ = accounts.issue(s, user, "token")
    with session() as s:
        assert accounts.credential(s, secret, "token")[1].username == "aj"
    with session(write=True) as s:
        accounts.disable_user(s, "aj", by="admin")
    with session() as s, pytest.raises(Unauthenticated, match="revoked"):
        accounts.credential(s, secret, "token")
    with session(write=True) as s:
        assert accounts.check_password(s, "aj", PASSWORD) is None
    with session(write=True) as s, pytest.raises(Conflict):
        accounts.disable_user(s, "aj", by="admin")


def test_tokens_are_stored_as_hashes_and_revocable(people: Path) -> None:
    with session(write=True) as s:
        user = s.query(User).filter_by(username="hz").one()
        secret, cred = accounts.issue(s, user, "token", label="script")
        assert cred.secret_hash != secret and secret.startswith("mk_")
    with session(write=True) as s:
        cred, _ = accounts.credential(s, secret, "token")
        accounts.revoke_credential(s, cred, "hz")
    with session() as s, pytest.raises(Unauthenticated, match="revoked"):
        accounts.credential(s, secret, "token")
    with session() as s, pytest.raises(Unauthenticated, match="unknown"):
        accounts.credential(s, secret + "x", "token")


def test_username_rules(people: Path) -> None:
    with session(write=True) as s, pytest.raises(Invalid, match="invalid username"):
        accounts.add_user(s, "../etc", PASSWORD)
    with session(write=True) as s, pytest.raises(Conflict, match="exists already"):
        accounts.add_user(s, "ca", PASSWORD)
