"""The users file: salted scrypt hashes, constant-time checks, slowed guessing, `communique users`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from communique.ui.auth import FAILURES_BEFORE_LOCK, Authenticator, AuthFileError, PasswordHash, read_users, write_user

REPO = Path(__file__).resolve().parents[2]


def test_hashes_are_salted_and_verify():
    a, b = PasswordHash.create("a long passphrase"), PasswordHash.create("a long passphrase")
    assert a.salt != b.salt and a.digest != b.digest  # same password, different hashes
    assert a.matches("a long passphrase") and not a.matches("a long passphrasE")
    assert PasswordHash.decode(a.encode()) == a


def test_file_holds_no_password_and_is_private(tmp_path):
    path = tmp_path / "users.txt"
    assert write_user(path, "bob", "hunter2hunter2") is True
    assert write_user(path, "bob", "another-password") is False  # changed, not added
    text = path.read_text(encoding="utf-8")
    assert "hunter2" not in text and "another-password" not in text and text.count("bob:scrypt$") == 1
    assert (path.stat().st_mode & 0o777) == 0o600
    auth = Authenticator(path)
    assert auth.check("bob", "another-password") and not auth.check("bob", "hunter2hunter2")


def test_bad_lines_name_the_file_and_line(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# comment\nbob:scrypt$16384$8$1$AAAA$BBBB\nnot a user line\n", encoding="utf-8")
    with pytest.raises(AuthFileError, match=r"users\.txt:3"):
        read_users(path)
    with pytest.raises(AuthFileError, match="no such auth file"):
        read_users(tmp_path / "missing.txt")


def test_short_passwords_and_odd_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 8"):
        write_user(tmp_path / "u", "bob", "short")
    with pytest.raises(ValueError, match="user name"):
        write_user(tmp_path / "u", "bob:admin", "long enough password")


def test_guessing_one_name_is_locked_for_a_while(tmp_path):
    path = tmp_path / "users.txt"
    write_user(path, "carol", "the right password")
    auth = Authenticator(path)
    for _ in range(FAILURES_BEFORE_LOCK):
        assert not auth.check("carol", "wrong guess")
    assert not auth.check("carol", "the right password")  # locked: even the right one waits
    write_user(path, "dave", "dave's password!")
    assert auth.check("dave", "dave's password!")  # a user added while serving is seen


def _users(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "communique.ui.cli", "users", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_users_command_reads_the_password_from_stdin(tmp_path):
    path = tmp_path / "users.txt"
    run = _users("add", "erin", "--auth-file", str(path), stdin="erin's passphrase\n")
    assert run.returncode == 0 and "added erin" in run.stdout, run.stderr
    assert "passphrase" not in path.read_text(encoding="utf-8")
    assert Authenticator(path).check("erin", "erin's passphrase")
    assert _users("list", "--auth-file", str(path)).stdout.split() == ["erin"]
    run = _users("add", "frank", "--auth-file", str(path), stdin="short\n")
    assert run.returncode == 2 and "at least 8" in run.stderr and "Traceback" not in run.stderr
    assert _users("remove", "erin", "--auth-file", str(path)).returncode == 0
    assert _users("remove", "erin", "--auth-file", str(path)).returncode == 1
