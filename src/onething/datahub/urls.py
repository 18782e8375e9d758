from django.urls import URLPattern

app_name = "datahub"
urlpatterns: list[URLPattern] = []
