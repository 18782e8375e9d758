from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("me/applications/<str:number>/rate/", views.rate, name="rate"),
    path("staff/rectifications/", views.staff_list, name="staff_list"),
    path("staff/rectifications/appeals/", views.staff_appeals, name="staff_appeals"),
    path("staff/rectifications/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/rectifications/<int:pk>/reply/", views.staff_reply, name="staff_reply"),
    path("staff/rectifications/<int:pk>/visit/", views.staff_visit, name="staff_visit"),
    path("staff/rectifications/<int:pk>/appeal/", views.staff_appeal, name="staff_appeal"),
    path("staff/rectifications/<int:pk>/decide/", views.staff_decide, name="staff_decide"),
    path("ratings/", views.stats, name="stats"),
]
