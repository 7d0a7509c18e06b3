from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("discussions/", views.space_list, name="space-list"),
    path("discussions/settings/", views.reader_settings, name="settings"),
    path(
        "discussions/settings/unfollow/<int:follow>/",
        views.unfollow_from_settings,
        name="settings-unfollow",
    ),
    path("discussions/unfollow/<token:token>/", views.unfollow, name="unfollow"),
    path("discussions/emails-off/<token:token>/", views.emails_off, name="emails-off"),
    path("discussions/posts/<int:post>/", views.post_detail, name="post-detail"),
    path("discussions/posts/<int:post>/edit/", views.post_edit, name="post-edit"),
    path("discussions/posts/<int:post>/delete/", views.post_delete, name="post-delete"),
    path("discussions/posts/<int:post>/flag/", views.post_flag, name="post-flag"),
    path("discussions/<slug:space>/", views.space_detail, name="space-detail"),
    path("discussions/<slug:space>/new/", views.topic_new, name="topic-new"),
    path("discussions/<slug:space>/follow/", views.follow_space, name="space-follow"),
    path("discussions/<slug:space>/<int:topic>/", views.topic_detail, name="topic-detail"),
    path("discussions/<slug:space>/<int:topic>/follow/", views.follow_topic, name="topic-follow"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="consultation-detail"),
    path(
        "consultations/<slug:slug>/contributions.<str:format>",
        views.consultation_export,
        name="consultation-export",
    ),
]
