"""WSGI entry for benchmarks and local load tests: settings from ONETHING_WSGI_SETTINGS."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", os.environ.get("ONETHING_WSGI_SETTINGS", "onething.settings.dev")
)
application = get_wsgi_application()
