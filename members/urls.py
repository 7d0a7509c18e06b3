from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/export.csv", views.member_csv, name="member-csv"),
    path("members/join/", views.join, name="join"),
    path("members/join/sent/", views.join_sent, name="join-sent"),
    path("members/join/confirm/<token:token>/", views.join_confirm, name="join-confirm"),
    path("members/<slug:slug>/", views.member_detail, name="member-detail"),
    path("areas/", views.area_list, name="area-list"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
    path("my/", views.my_members, name="my-members"),
    path("my/<slug:slug>/", views.my_member_edit, name="my-member-edit"),
    path("my/<slug:slug>/confirm/", views.my_member_confirm, name="my-member-confirm"),
    path("my/<slug:slug>/renew/", views.my_member_renew, name="my-member-renew"),
    path("my/<slug:slug>/colleagues/", views.my_member_colleagues, name="my-member-colleagues"),
    path(
        "my/<slug:slug>/invitations/<int:pk>/",
        views.my_member_invitation,
        name="my-member-invitation",
    ),
    path("my/<slug:slug>/focal-point/", views.my_member_focal_point, name="my-member-focal-point"),
    path("invitations/<token:token>/", views.invitation_accept, name="invitation-accept"),
]
