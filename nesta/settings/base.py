"""Settings shared by every environment; the environment selects database, debug, secret, hosts."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("NESTA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# Published in this repository: development and tests only. Production (prod.py, `make run`)
# refuses it and uses DJANGO_SECRET_KEY or a key generated into var/secret_key.
DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the Swagger UI of /api/v1/docs from our own static files
    "django_tasks",
    "django_tasks_db",  # the database queue of background tasks (manage.py run_worker)
    "nesta.core",
    "nesta.accounts",
    "nesta.directory",
    "nesta.programmes",
    "nesta.instruments",
    "nesta.market",
    "nesta.bases",  # reads the instruments', market's and programmes' records for its derived figures
    "nesta.zones",  # the high-tech zones and incubators; reads the market's and programmes' records
    "nesta.portal",  # home page, navigation
    "nesta.demo",  # demo data: above the domain apps, plugged in through the registry
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nesta.core.middleware.ContentSecurityPolicyMiddleware",
    "nesta.core.middleware.ApiErrorFormatMiddleware",
    "nesta.core.middleware.RequestBodyGuardMiddleware",
    "nesta.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nesta.core.lockwait.LockWaitMiddleware",  # last: a lock wait in a view is 503, not 500
]

ROOT_URLCONF = "nesta.urls"
WSGI_APPLICATION = "nesta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nesta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nesta.core.context_processors.platform",
                "nesta.portal.context_processors.navigation",
            ],
        },
    },
]


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        cfg = dj_database_url.parse(url, conn_max_age=60)
        if cfg["ENGINE"] == "django.db.backends.postgresql":
            cfg.setdefault("TEST", {})["NAME"] = os.environ.get("NESTA_TEST_DB_NAME", "test_nesta")
            # Server-side binding lets psycopg prepare a statement after a few runs on a kept
            # connection, so PostgreSQL stops planning the booking path's queries anew each time.
            cfg.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        cfg = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "nesta.sqlite3")),
        }
    if cfg["ENGINE"] == "django.db.backends.sqlite3":
        # Kept open across requests: a new connection starts with a cold page cache.
        cfg["CONN_MAX_AGE"] = 60
        cfg["OPTIONS"] = {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so a check-then-write inside atomic() cannot interleave with another writer.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "5")),
        }
    return cfg


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "nesta" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "nesta" / "static",
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "noreply@nesta.local"

# Login throttling: this many failures for one username (or one IP) within the window lock it.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# How long a booking waits for the instrument's lock on PostgreSQL before answering 503.
BOOKING_LOCK_TIMEOUT_MS = int(os.environ.get("BOOKING_LOCK_TIMEOUT_MS", "5000"))
# A confirmed booking's user is reminded once, this many hours before it starts (manage.py instruments_tick).
BOOKING_REMINDER_HOURS = int(os.environ.get("BOOKING_REMINDER_HOURS", "24"))
# How long a waiting-list offer holds a freed slot for its user (never past the slot's start).
WAITLIST_CLAIM_MINUTES = int(os.environ.get("WAITLIST_CLAIM_MINUTES", "30"))
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

# Request bodies (README "Limits"): a body other than multipart is read into memory and may be
# this large; a multipart body (file uploads) may be NESTA_MAX_UPLOAD_BYTES in all — the largest
# file an endpoint takes is a testing report (50 MB); photos (5 MB) and XLSX imports (10 MB) have
# their own, smaller maxima in their services. Uploaded files over FILE_UPLOAD_MAX_MEMORY_SIZE go
# to a temporary file, not memory. Over a limit: 413, JSON under /api/.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
NESTA_MAX_UPLOAD_BYTES = int(os.environ.get("NESTA_MAX_UPLOAD_BYTES", str(51 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Path plus query string; gunicorn.conf.py lets longer lines through to here (its limit is 8,190).
NESTA_MAX_URL_LENGTH = 4096

NINJA_PAGINATION_PER_PAGE = 20

# Flash messages live in the session, not in a signed cookie a client could forge; templates
# escape them anyway (base.html).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Content-Security-Policy of every page: no inline script (behaviour lives in nesta/static/js).
# Inline style attributes stay allowed (htmx inserts its indicator style). The Swagger UI of
# /api/v1/docs starts itself with an inline script, so it has its own, looser policy.
NESTA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
NESTA_CSP_API_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Background work (django-tasks): a queue in the database, drained by `manage.py run_worker`,
# which also runs the registry's periodic jobs. Redis or PostgreSQL-backed queues can replace it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A failed background job is tried this many times in all, waiting BACKOFF × 2^(attempt-1) s.
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
JOBS_RETRY_BACKOFF_SECONDS = int(os.environ.get("JOBS_RETRY_BACKOFF_SECONDS", "30"))
# Finished jobs (their result files) and task results are deleted after this many days.
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "14"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
