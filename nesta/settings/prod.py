"""What `make run` serves with: gunicorn workers, whitenoise, no debug, a per-installation key.

`manage.py check --deploy` is clean except the HTTPS items (HSTS, SSL redirect, secure cookies)
while the platform is served without TLS; behind TLS set DJANGO_HTTPS=1 and they are on (README).
"""

import os

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, VAR_DIR, env_bool
from .secret import installation_secret_key

DEBUG = False
SECRET_KEY = installation_secret_key(VAR_DIR, DEV_SECRET_KEY)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"

if env_bool("DJANGO_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    # a proxy in front terminates TLS and says so
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
