"""Signed-in sessions: a signed cookie naming the user, the token they signed in with and a CSRF secret.

The cookie is signed (itsdangerous, HMAC with a key kept in the data home), not encrypted: it holds no
secret worth stealing beyond the session itself. A session rests on its token: revoke the token and every
session opened with it ends at the next request. Signing out ends the session on this server at once.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from storage.private import make_private_dirs

SESSION_COOKIE = "abstractor_session"
SIGNIN_COOKIE = "abstractor_signin"  # the CSRF secret of the sign-in form, before there is a session
SESSION_MAX_AGE_S = 8 * 3600  # a working day; then sign in again
SIGNIN_MAX_AGE_S = 3600


@dataclass(frozen=True)
class SessionData:
    user: str
    token_id: str
    csrf: str
    sid: str  # names the session, so signing out can end it


def session_key(data_home: Path) -> bytes:
    """The signing key, made once per data home (mode 0600), so sessions survive a server restart."""
    path = (data_home / "web-session.key").resolve()
    make_private_dirs(path.parent)  # the web app may be the first to make the data home: 0700 then too
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class Sessions:
    """Issues and reads the session and sign-in cookies; remembers the sessions signed out."""

    def __init__(self, key: bytes) -> None:
        self._session = URLSafeTimedSerializer(key, salt="abstractor.session")
        self._signin = URLSafeTimedSerializer(key, salt="abstractor.signin")
        self._ended: dict[str, float] = {}  # sid -> when its cookie would have expired anyway
        self._lock = threading.Lock()

    def issue(self, user: str, token_id: str) -> tuple[SessionData, str]:
        """A new session (new sid and CSRF secret: nothing carries over from before sign-in)."""
        data = SessionData(user, token_id, secrets.token_urlsafe(32), secrets.token_urlsafe(16))
        cookie = self._session.dumps([data.user, data.token_id, data.csrf, data.sid])
        return data, cookie

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            user, token_id, csrf, sid = self._session.loads(cookie, max_age=SESSION_MAX_AGE_S)
        except (BadSignature, ValueError, TypeError):
            return None
        with self._lock:
            if sid in self._ended:
                return None
        return SessionData(user, token_id, csrf, sid)

    def end(self, data: SessionData) -> None:
        now = time.time()
        with self._lock:
            # Forget the ones whose cookies have expired by now: the set stays as small as a day's sign-outs.
            self._ended = {sid: until for sid, until in self._ended.items() if until > now}
            self._ended[data.sid] = now + SESSION_MAX_AGE_S

    def signin_token(self, cookie: str | None) -> tuple[str, str | None]:
        """The sign-in form's CSRF secret (kept if the browser has a valid one) and a new cookie, if any."""
        existing = self.signin_secret(cookie)
        if existing is not None:
            return existing, None
        value = secrets.token_urlsafe(32)
        return value, self._signin.dumps(value)

    def signin_secret(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return str(self._signin.loads(cookie, max_age=SIGNIN_MAX_AGE_S))
        except BadSignature:
            return None
