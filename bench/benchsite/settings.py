"""Settings for the submission benchmark: the development stack plus a bare endpoint.

The bare endpoint inserts one row through the same Django, middleware and database, which is
the practical limit of the stack on this machine; submissions are measured against it. Static
files are served as in production (no per-request look-up in the source folders).
"""

from onething.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "benchsite.urls"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False
