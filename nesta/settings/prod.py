"""What `make run` serves with: gunicorn workers, whitenoise, no debug."""

import os

from .base import *  # noqa: F403

DEBUG = False
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"
