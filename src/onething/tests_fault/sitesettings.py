"""Settings of the web server and worker processes the fault tests start and kill.

The development stack (database from ``DATABASE_URL``, the database task backend, media under
``ONETHING_VAR_DIR``) with production's error handling: no debug pages, no tracebacks in bodies.
"""

from onething.settings.dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
