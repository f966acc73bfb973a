"""Who may use the chat: a small file of user names and salted scrypt password hashes.

One line per user, `name:scrypt$n$r$p$salt$hash` (salt and hash in base64), so the file can be
read, diffed and edited by hand, and holds nothing a stolen copy could log in with directly.
Checks run in constant time for a known user and cost one scrypt for an unknown one, so the
time a wrong answer takes says nothing about which names exist. Repeated failures for one name
are slowed down (`FAILURES_BEFORE_LOCK` in `LOCK_SECONDS`) so passwords cannot be guessed at
the speed of the network.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~50 ms and 16 MB per check on this machine
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # scrypt takes any length; a megabyte "password" is an attack, not a user
FAILURES_BEFORE_LOCK = 5
LOCK_SECONDS = 60.0
USER_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class AuthFileError(ValueError):
    """The auth file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class PasswordHash:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    @classmethod
    def create(cls, password: str) -> "PasswordHash":
        salt = secrets.token_bytes(SALT_BYTES)
        return cls(SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))

    def matches(self, password: str) -> bool:
        candidate = _scrypt(password, self.salt, self.n, self.r, self.p)
        return hmac.compare_digest(candidate, self.digest)

    def encode(self) -> str:
        b64 = base64.b64encode
        return f"scrypt${self.n}${self.r}${self.p}${b64(self.salt).decode()}${b64(self.digest).decode()}"

    @classmethod
    def decode(cls, text: str) -> "PasswordHash":
        scheme, n, r, p, salt, digest = text.split("$")
        if scheme != "scrypt":
            raise ValueError(f"unknown hash scheme {scheme!r}")
        values = int(n), int(r), int(p)
        if not (2 <= values[0] <= 2**20 and 1 <= values[1] <= 32 and 1 <= values[2] <= 16):
            raise ValueError("scrypt parameters out of range")
        return cls(*values, base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = password.encode("utf-8", "surrogatepass")[: MAX_PASSWORD_CHARS * 4]
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=HASH_BYTES)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")


def read_users(path: Path) -> dict[str, PasswordHash]:
    """Users of an auth file; AuthFileError names the file and line of anything wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuthFileError(f"{path}: no such auth file (create it with: communique users add NAME "
                            f"--auth-file {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthFileError(f"{path}: cannot read the auth file ({exc})") from None
    users: dict[str, PasswordHash] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, encoded = line.partition(":")
        if not sep or not USER_NAME.match(name):
            raise AuthFileError(f"{path}:{number}: expected NAME:scrypt$... (letters, digits, _ . @ - in names)")
        try:
            users[name] = PasswordHash.decode(encoded)
        except (ValueError, TypeError) as exc:
            raise AuthFileError(f"{path}:{number}: bad password hash for {name!r} ({exc})") from None
    return users


def write_user(path: Path, name: str, password: str) -> bool:
    """Add or replace `name`'s password; True when the user was new. The file is replaced atomically."""
    if not USER_NAME.match(name):
        raise ValueError(f"user name {name!r}: use 1-64 letters, digits or _ . @ -")
    check_new_password(password)
    path = Path(path)
    users = read_users(path) if path.exists() else {}
    new = name not in users
    users[name] = PasswordHash.create(password)
    _write(path, users)
    return new


def remove_user(path: Path, name: str) -> bool:
    users = read_users(path)
    if users.pop(name, None) is None:
        return False
    _write(Path(path), users)
    return True


def _write(path: Path, users: dict[str, PasswordHash]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    body = "# communique users: NAME:scrypt$N$r$p$salt$hash (managed by `communique users`)\n"
    body += "".join(f"{name}:{h.encode()}\n" for name, h in sorted(users.items()))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Authenticator:
    """Checks name/password pairs against an auth file (re-read when it changes on disk)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._users = read_users(self.path)
        self._mtime = self._stat()
        self._decoy = PasswordHash.create(secrets.token_urlsafe(12))
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _stat(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    def users(self) -> list[str]:
        self._refresh()
        return sorted(self._users)

    def _refresh(self) -> None:
        mtime = self._stat()
        if mtime != self._mtime:
            try:
                self._users = read_users(self.path)
            except AuthFileError:
                return  # keep the users already known rather than lock everyone out mid-edit
            self._mtime = mtime

    def __call__(self, name: str, password: str) -> bool:
        """Gradio's `auth=` callable, also used by the REST API."""
        return self.check(name, password)

    def check(self, name: str, password: str) -> bool:
        self._refresh()
        name = (name or "").strip()
        password = password or ""
        if len(password) > MAX_PASSWORD_CHARS or self._locked(name):
            return False
        known = self._users.get(name)
        ok = (known or self._decoy).matches(password) and known is not None
        if not ok:
            with self._lock:
                self._failures.setdefault(name[:64], []).append(time.monotonic())
                if len(self._failures) > 10_000:  # names tried at random must not grow memory without end
                    self._failures.clear()
        return ok

    def _locked(self, name: str) -> bool:
        with self._lock:
            now = time.monotonic()
            recent = [t for t in self._failures.get(name[:64], []) if now - t < LOCK_SECONDS]
            if recent:
                self._failures[name[:64]] = recent
            else:
                self._failures.pop(name[:64], None)
            return len(recent) >= FAILURES_BEFORE_LOCK
