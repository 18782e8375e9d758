from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("me/", views.applicant_home, name="applicant_home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/otp/setup/", views.otp_setup, name="otp_setup"),
    path("staff/otp/verify/", views.otp_verify, name="otp_verify"),
]
