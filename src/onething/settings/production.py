"""Production: every secret from the environment, HTTPS, second factor for staff."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ONETHING_PII_HMAC_KEY, ONETHING_PII_KEY, SECRET_KEY, env, env_bool

DEBUG = False
for _name, _value in {
    "ONETHING_SECRET_KEY": SECRET_KEY,
    "ONETHING_PII_KEY": ONETHING_PII_KEY,
    "ONETHING_PII_HMAC_KEY": ONETHING_PII_HMAC_KEY,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production.")

ONETHING_REQUIRE_STAFF_OTP = env_bool("ONETHING_REQUIRE_STAFF_OTP", True)
SECURE_SSL_REDIRECT = env_bool("ONETHING_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("ONETHING_HSTS_SECONDS", "31536000") or 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "onething.core.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
