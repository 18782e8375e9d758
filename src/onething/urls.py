from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api
from .core.views import healthz

urlpatterns = [
    path("", include("onething.catalog.urls")),
    path("", include("onething.accounts.urls")),
    path("", include("onething.cases.urls")),
    path("", include("onething.certificates.urls")),
    path("", include("onething.datahub.urls")),
    path("", include("onething.ratings.urls")),
    path("", include("onething.hotline.urls")),
    path("", include("onething.insight.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
if settings.ONETHING_OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
