"""The URLs the API tests use: the platform's own once ``onething.api`` mounts the webhooks
router at ``/webhooks``; until then the router alone at the same path, with the same error
handlers."""

from django.urls import Resolver404, path, resolve
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from onething import urls as platform_urls
from onething.api import domain_error, invalid_request, unauthenticated
from onething.core.errors import DomainError
from onething.webhooks.api import router

try:
    resolve("/api/v1/webhooks/subscriptions", urlconf="onething.urls")
    urlpatterns = platform_urls.urlpatterns
except Resolver404:
    api = NinjaAPI(urls_namespace="webhooks-test")
    api.exception_handler(DomainError)(lambda request, exc: domain_error(request, exc))
    api.exception_handler(AuthenticationError)(lambda request, exc: unauthenticated(request, exc))
    api.exception_handler(NinjaValidationError)(lambda request, exc: invalid_request(request, exc))
    api.add_router("/webhooks", router)
    urlpatterns = [path("api/v1/", api.urls)]
