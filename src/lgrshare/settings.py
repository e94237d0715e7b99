"""Django settings for LGR Share, all from the environment (see README, "Configuration").

Nothing here is production-only: the embedded default (SQLite, generated secrets under
``LGRSHARE_HOME``) and a production set-up (PostgreSQL via ``DATABASE_URL``, secrets from
``*_FILE``) run the same code.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from lgrshare.config import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    home_dir,
    make_private,
    parse_limits,
    secret,
)
from lgrshare.domain.errors import ConfigurationError
from lgrshare.web.proxy import parse_networks

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
HOME = home_dir()

DEBUG = env_bool("LGRSHARE_DEBUG", default=False)
SECRET_KEY = secret("LGRSHARE_SECRET_KEY", generated_into=HOME / "secret_key")
ALLOWED_HOSTS = env_list("LGRSHARE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LGRSHARE_CSRF_TRUSTED_ORIGINS", [])

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{HOME / 'lgrshare.sqlite3'}"),
            conn_max_age=env_int("LGRSHARE_DB_CONN_MAX_AGE", default=60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ConfigurationError(
        f"DATABASE_URL is not a database address LGR Share can use: {exc}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    database = Path(DATABASES["default"]["NAME"])
    # An earlier version created the database world-readable (0644).
    make_private(database, Path(f"{database}-wal"), Path(f"{database}-shm"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lgrshare.councils",
    "lgrshare.accounts",
    "lgrshare.notifications",
    "lgrshare.people",
    "lgrshare.catalogue",
    "lgrshare.requests",
    "lgrshare.agreements",
    "lgrshare.submissions",
    "lgrshare.retention",
    "lgrshare.evidence",
    "lgrshare.datasets",
    "lgrshare.standards",
    "lgrshare.vault",
    "lgrshare.audit",
    "lgrshare.web",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "lgrshare.web.middleware.RequestDeadlineMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lgrshare.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lgrshare.web.middleware.UploadLimitMiddleware",
    "lgrshare.web.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lgrshare.web.middleware.BodyGateMiddleware",
    "lgrshare.web.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lgrshare.accounts.middleware.SessionLifetimeMiddleware",
    "lgrshare.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lgrshare.web.middleware.ErrorPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lgrshare.urls"
WSGI_APPLICATION = "lgrshare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lgrshare.web.context.service",
            ],
        },
    }
]

AUTH_USER_MODEL = "councils.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The proxies whose X-Forwarded-For names the client (web.proxy, accounts.clients). Empty: the
# socket's address is the client, and forwarded headers are ignored. Parsed once, below.
LGRSHARE_TRUSTED_PROXIES = env_list("LGRSHARE_TRUSTED_PROXIES", [])

# Sign-in throttling (django-axes): after 5 failures for one username from one client address,
# that pair is paused for 15 minutes; the real user signing in from anywhere else is not. The
# client address comes from the trusted proxy. Password spraying (few tries at many usernames
# from one address) is caught by a second count per address, over every username
# (LGRSHARE_SIGN_IN_FAILURES_PER_ADDRESS, lgrshare.accounts.throttle).
AXES_FAILURE_LIMIT = env_int("LGRSHARE_SIGN_IN_FAILURES", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lgrshare.accounts.clients.client_address"
SIGN_IN_FAILURES_PER_ADDRESS = env_int(
    "LGRSHARE_SIGN_IN_FAILURES_PER_ADDRESS", default=20, minimum=1
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
CSRF_FAILURE_VIEW = "lgrshare.web.views.csrf_failure"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "lgrshare.accounts.passwords.PaddedCommonPasswordValidator"},
    {"NAME": "lgrshare.accounts.passwords.PatternPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Two-factor sign-in (django-otp, TOTP and recovery codes): required for the roles in
# domain/rules/two-factor.json, offered to everyone. Never turn it off in production.
TWO_FACTOR_REQUIRED = env_bool("LGRSHARE_TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "LGR Share"
# Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after 30 minutes without a request, when the browser closes, and 12 hours after
# signing in however busy (lgrshare.accounts.middleware).
SESSION_COOKIE_AGE = env_int("LGRSHARE_SESSION_SECONDS", default=30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("LGRSHARE_SESSION_MAX_SECONDS", default=12 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Behind TLS (production) set LGRSHARE_HTTPS=true: secure cookies, HSTS and an HTTPS redirect.
HTTPS = env_bool("LGRSHARE_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
# The scheme and the client's address come from the TLS proxy's X-Forwarded-Proto and
# X-Forwarded-For, believed only from these addresses (``web.proxy``, wrapped round the WSGI
# application); Django itself trusts no forwarded header.
TRUSTED_PROXIES = parse_networks(LGRSHARE_TRUSTED_PROXIES, setting="LGRSHARE_TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = None
if HTTPS and not TRUSTED_PROXIES:
    raise ConfigurationError(
        "LGRSHARE_HTTPS=true needs LGRSHARE_TRUSTED_PROXIES, the address of the TLS proxy in "
        "front of LGR Share: without it every request looks like plain HTTP and is redirected "
        "to HTTPS for ever."
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Request bodies: forms stay small; uploads (later) stream to disk with their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LGRSHARE_MAX_FORM_BYTES", default=1_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Submitted files: larger ones are refused (413) before their body is read. Uploaded files are
# held in anonymous in-memory files, never written to a disk in plaintext (``web.uploads``).
FILE_UPLOAD_HANDLERS = ["lgrshare.web.uploads.PrivateUploadHandler"]
MAX_UPLOAD_BYTES = env_int("LGRSHARE_MAX_UPLOAD_BYTES", default=200_000_000, minimum=1)
# The time one request's work may take once its body has arrived (``domain.deadline``).
REQUEST_SECONDS: float = env_int("LGRSHARE_REQUEST_SECONDS", default=300, minimum=1)
# Every uploaded file is read in a separate process with these limits (``domain.isolation``).
PARSE_LIMITS = parse_limits()

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# GOV.UK Frontend comes from npm (node_modules/govuk-frontend), never copied into the repo. Its
# compiled CSS asks for fonts and images under /assets/, so static files are served from there.
NODE_MODULES = Path(env_str("LGRSHARE_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
GOVUK_FRONTEND = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
STATIC_URL = "/assets/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    GOVUK_FRONTEND / "assets",
    ("govuk", GOVUK_FRONTEND),
    ("govuk-arial", NODE_MODULES / ".lgrshare"),  # built by `make` from frontend/govuk.scss
    ("swagger-ui", NODE_MODULES / "swagger-ui-dist"),  # the API documentation page
    PACKAGE_DIR / "static",
]
WHITENOISE_USE_FINDERS = True

# Notification emails: printed to the console unless told otherwise, so the embedded set-up
# needs no mail server; the file backend writes them under LGRSHARE_HOME/emails.
EMAIL_BACKEND = env_str("LGRSHARE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("LGRSHARE_EMAIL_FILE_PATH", str(HOME / "emails"))
EMAIL_HOST = env_str("LGRSHARE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LGRSHARE_EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_str("LGRSHARE_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("LGRSHARE_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("LGRSHARE_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("LGRSHARE_FROM_EMAIL", "lgr-share@localhost")

SERVICE_NAME = "LGR Share"
# The address people reach the service at, for links in emails.
SITE_URL = env_str("LGRSHARE_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LGRSHARE_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
