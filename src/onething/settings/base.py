"""Settings shared by every environment; everything that differs comes from the environment.

Environment variables (all optional in development, see dev.py for the defaults):

- ``ONETHING_SECRET_KEY``: Django's secret key.
- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user@host:5432/name``; default a SQLite file
  under ``var/``.
- ``ONETHING_PII_KEY``: 32 hex characters, the SM4 key for ID and phone numbers at rest.
- ``ONETHING_PII_HMAC_KEY``: hex, the HMAC-SM3 key for look-up hashes of those numbers.
- ``ONETHING_ALLOWED_HOSTS``: comma-separated host names.
- ``ONETHING_VAR_DIR``: where the SQLite file, uploads and logs live (default ``./var``).
- ``OIDC_*``: see ``onething.accounts.oidc`` (applicant sign-in through OpenID Connect).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ONETHING_VAR_DIR", Path.cwd() / "var")).resolve()


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in (env(name, default) or "").split(",") if part.strip()]


SECRET_KEY = env("ONETHING_SECRET_KEY", "") or ""
DEBUG = False
ALLOWED_HOSTS = env_list("ONETHING_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "onething.core",
    "onething.org",
    "onething.accounts",
    "onething.catalog",
    "onething.certificates",
    "onething.cases",
    "onething.audit",
    "onething.webhooks",
    "onething.notify",
    "onething.datahub",
    "onething.ratings",
    "onething.hotline",
    "onething.insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onething.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onething.core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "onething.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onething.core.middleware.SecurityHeadersMiddleware",
    "onething.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "onething.urls"
WSGI_APPLICATION = "onething.wsgi.application"

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
                "django.template.context_processors.i18n",
                "onething.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onething.sqlite3'}") or "",
        conn_max_age=int(env("ONETHING_DB_CONN_MAX_AGE", "60") or 60),
        # a connection kept across requests is checked before reuse, so a restarted database
        # costs no request after it is back (see onething.core.middleware)
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "onething.core.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_AGE = int(env("ONETHING_SESSION_AGE", str(30 * 60)) or 1800)
# sliding expiry without a write per request: onething.core.middleware.SlidingSessionMiddleware
SESSION_SAVE_EVERY_REQUEST = False
ONETHING_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# National cryptography for personal data at rest (see onething.core.crypto).
ONETHING_PII_KEY = env("ONETHING_PII_KEY", "") or ""
ONETHING_PII_HMAC_KEY = env("ONETHING_PII_HMAC_KEY", "") or ""

# Staff must confirm a TOTP second factor before they see any staff page.
ONETHING_REQUIRE_STAFF_OTP = env_bool("ONETHING_REQUIRE_STAFF_OTP", False)
OTP_TOTP_ISSUER = "OneThing 一件事一次办"

# Lifetime of tokens from POST /api/v1/auth/token (department tokens are set per token).
ONETHING_API_TOKEN_HOURS = int(env("ONETHING_API_TOKEN_HOURS", "12") or 12)

# 好差评: working days to rectify a bad rating (国办发〔2019〕51号; local rules vary)
ONETHING_RECTIFICATION_DAYS = int(env("ONETHING_RECTIFICATION_DAYS", "15") or 15)

# a load balancer's health probe over plain HTTP inside the network gets its answer, not a
# redirect to HTTPS (production sets SECURE_SSL_REDIRECT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# a form posted without its CSRF token gets the site's own page, in Chinese and English
CSRF_FAILURE_VIEW = "onething.core.views.csrf_failure"

# A task worker (onething worker) says it is alive this often; silent for the second figure, it
# is dead and the sweeper requeues the task it held (onething.core.recovery)
ONETHING_WORKER_BEAT_SECONDS = int(env("ONETHING_WORKER_BEAT_SECONDS", "10") or 10)
ONETHING_WORKER_SILENT_SECONDS = int(env("ONETHING_WORKER_SILENT_SECONDS", "60") or 60)
# A task RUNNING longer than this, held by a worker without a heartbeat (a plain db_worker), was
# left by a killed worker: the sweeper requeues it
ONETHING_TASK_STALE_SECONDS = int(env("ONETHING_TASK_STALE_SECONDS", "900") or 900)

# Optional answerer for the 12345 knowledge base (an OpenAI-compatible endpoint; off when unset)
ONETHING_LLM_URL = env("ONETHING_LLM_URL", "") or ""
ONETHING_LLM_MODEL = env("ONETHING_LLM_MODEL", "") or ""
ONETHING_LLM_KEY = env("ONETHING_LLM_KEY", "") or ""

ONETHING_SITE_NAME = _("句容市“一件事一次办”政务服务平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "onething.core.masking.MaskPIIFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_pii"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("ONETHING_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# OpenID Connect for applicants (production); enabled when the provider's endpoints are set.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid profile phone")
ONETHING_OIDC_ID_NUMBER_CLAIM = env("ONETHING_OIDC_ID_NUMBER_CLAIM", "id_number")
ONETHING_OIDC_ENABLED = bool(OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_RP_CLIENT_ID)
if ONETHING_OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("onething.accounts.oidc.ApplicantOIDCBackend")
