"""Development and demo: works with no environment at all (SQLite under var/, fixed dev keys)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

DEBUG = True
SECRET_KEY = env("ONETHING_SECRET_KEY", "dev-only-secret-key-not-for-production") or ""
# Fixed development keys so the demo database stays readable across restarts.
# Production refuses to start without real ones (see production.py).
ONETHING_PII_KEY = env("ONETHING_PII_KEY", "00112233445566778899aabbccddeeff") or ""
ONETHING_PII_HMAC_KEY = env("ONETHING_PII_HMAC_KEY", "6465762d686d61632d6b6579") or ""
ALLOWED_HOSTS = ["*"]
