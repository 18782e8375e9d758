from django.urls import URLPattern, path

from . import views

app_name = "certificates"
urlpatterns: list[URLPattern] = [
    path("certificates/verify/", views.verify_form, name="verify"),
    path("certificates/verify/<str:number>/", views.verify_number, name="verify_number"),
    path("me/wallet/", views.wallet, name="wallet"),
    path("me/wallet/<str:number>.pdf", views.wallet_pdf, name="wallet_pdf"),
    path("staff/pickup/", views.pickup, name="pickup"),
]
