"""The per-installation secret key of production settings (see prod.py and README)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def installation_secret_key(var_dir: Path, published: str) -> str:
    """DJANGO_SECRET_KEY when set (never the published development key); otherwise the key kept
    in var/secret_key (mode 0600), generated on first use. Workers starting together agree on
    one key: it is written to a private temporary file and linked into place, which fails for
    all but the first."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        if key == published:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY is the published development key; set a secret one.")
        return key
    path = Path(var_dir) / "secret_key"
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".secret_key.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process won; use its key
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable secret key; delete it to have a new one generated.")
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return key
