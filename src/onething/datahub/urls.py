from django.urls import path

from . import views

app_name = "datahub"
urlpatterns = [
    path("me/data-access/", views.access_log, name="access_log"),
    path("me/prefill/<str:code>/", views.prefill_preview, name="prefill_preview"),
    path("staff/data/objections/", views.staff_objections, name="staff_objections"),
    path(
        "staff/data/objections/<int:pk>/resolve/",
        views.staff_objection_resolve,
        name="staff_objection_resolve",
    ),
    path("data/objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
]
