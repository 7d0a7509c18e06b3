from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/export.csv", views.member_csv, name="member-csv"),
    path("members/<slug:slug>/", views.member_detail, name="member-detail"),
    path("areas/", views.area_list, name="area-list"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
]
