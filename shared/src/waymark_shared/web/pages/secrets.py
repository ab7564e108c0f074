"""Each service's secret key, which signs its session cookie and CSRF tokens.

``WAYMARK_<SERVICE>_SECRET_KEY`` or ``WAYMARK_SECRET_KEY`` gives it. Outside production
an unset key is generated once and kept in ``<data_dir>/secrets/<service>.key`` (mode
0600), so restarts keep people signed in; in production an unset key is an error at
start-up, never a silently random key that logs everyone out on each deploy.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from waymark_shared.config import Settings

PRODUCTION = "production"


class MissingSecretKey(RuntimeError):
    """Production without a configured secret key."""


def secret_key_path(settings: Settings) -> Path:
    return settings.data_dir / "secrets" / f"{settings.service}.key"


def secret_key_for(settings: Settings) -> str:
    """The configured key, else (outside production) the one kept in the data folder."""
    if settings.secret_key:
        return settings.secret_key
    if settings.environment == PRODUCTION:
        raise MissingSecretKey(
            f"WAYMARK_ENV is production but neither WAYMARK_{settings.service.upper()}_SECRET_KEY "
            "nor WAYMARK_SECRET_KEY is set; set one (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )
    return _kept_key(secret_key_path(settings))


def _kept_key(path: Path) -> str:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written aside, then linked into place: link never replaces an existing file, so
    # when several workers start at once they all end up with the first one's key.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        Path(temporary).unlink()
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise MissingSecretKey(f"{path} is empty; delete it to have a new key generated")
    return key
