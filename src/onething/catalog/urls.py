from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("metrics/", views.metrics, name="metrics"),
    path("one-things/<str:code>/", views.one_thing_detail, name="one_thing"),
    path("one-things/<str:code>/preview/", views.one_thing_preview, name="preview"),
    path("one-things/<str:code>/guide.pdf", views.one_thing_guide_pdf, name="guide_pdf"),
]
