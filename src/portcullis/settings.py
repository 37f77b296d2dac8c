"""Portcullis settings.

Two modes, chosen by ``PORTCULLIS_MODE``:

* ``production`` (the default): DEBUG off, secure cookies, HSTS, TOTP second factor enforced,
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must come from the environment.
* ``demo``: the embedded SQLite database in the data folder, a generated secret kept in that
  folder (never in the repository), plain-HTTP cookies for http://127.0.0.1:8000 and an optional
  second factor.

``DATABASE_URL`` selects PostgreSQL (``postgres://user@host:5432/name``); without it the
database is ``<data folder>/portcullis.sqlite3``.  The data folder is ``PORTCULLIS_DATA_DIR`` or
``./data``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("PORTCULLIS_DATA_DIR", Path.cwd() / "data")).resolve()

MODE = os.environ.get("PORTCULLIS_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"PORTCULLIS_MODE must be production, demo or test, not {MODE!r}")
PRODUCTION = MODE == "production"
DEMO = MODE == "demo"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production mode")
    # Demo and test: generate once per data folder, never committed.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("PORTCULLIS_DEBUG") == "1" and not PRODUCTION

if PRODUCTION:
    hosts = os.environ.get("ALLOWED_HOSTS", "")
    ALLOWED_HOSTS = [h.strip() for h in hosts.split(",") if h.strip()]
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment in production mode")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Platform contexts.
    "portcullis.audit",
    "portcullis.workforce",
    "portcullis.people",
    "portcullis.api",
    "portcullis.web",
]
# Capability contexts register themselves here as they are built (one line each).
INSTALLED_APPS += [
    app
    for app in (
        "portcullis.watchlists",
        "portcullis.border",
        "portcullis.casework",
        "portcullis.correspondence",
        "portcullis.status",
    )
    if (PACKAGE_DIR / app.split(".")[1] / "apps.py").exists()
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portcullis.web.middleware.SecondFactorMiddleware",
    "portcullis.web.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portcullis.web.middleware.SecurityHeadersMiddleware",
]

# Django's model backend, loading the officer's staff profile and team with the user (every page
# shows them) in the one query instead of three.
AUTHENTICATION_BACKENDS = ["portcullis.web.auth.StaffBackend"]

ROOT_URLCONF = "portcullis.urls"
WSGI_APPLICATION = "portcullis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portcullis.web.context.portcullis",
            ],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters travel apart from the SQL, so psycopg can prepare a statement the second time
        # a connection runs it and PostgreSQL stops re-planning it: the case page's queries spend
        # more time being planned than run (the case query: 2.5 ms planning, 0.8 ms executing).
        # Not for a transaction-pooling PgBouncer before 1.21 (prepared statements are per session).
        # portcullis.postgresql: Django's backend, batching bulk updates and deletes under
        # PostgreSQL's 65,535 parameters per statement, a limit that only server-side binding meets.
        DATABASES["default"]["ENGINE"] = "portcullis.postgresql"
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "portcullis.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"

# Sessions end after 30 minutes without activity, and at the latest after 10 hours (a shift).
SESSION_IDLE_SECONDS = int(os.environ.get("PORTCULLIS_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The second factor: enforced in production, optional in demo and test.
PORTCULLIS_REQUIRE_SECOND_FACTOR = PRODUCTION or os.environ.get("PORTCULLIS_REQUIRE_2FA") == "1"
OTP_TOTP_ISSUER = "Portcullis"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("PORTCULLIS_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = Path(os.environ.get("PORTCULLIS_NODE_MODULES", REPO_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "files"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PORTCULLIS_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
