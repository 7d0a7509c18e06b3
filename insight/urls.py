from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report/", views.report, name="report"),
    path("dashboard/members/", views.engagement, name="engagement"),
    path("dashboard/members/<slug:slug>/nudge/", views.nudge, name="nudge"),
    path(
        "dashboard/translations/<str:language>/",
        views.translation_queue,
        name="translation-queue",
    ),
    path("my/<slug:slug>/partners/", views.partners, name="partners"),
    path("my/<slug:slug>/partners/<slug:to>/", views.partner_message, name="partner-message"),
    path("search/", views.site_search, name="search"),
    path("data/", views.data_dictionary, name="data"),
    path("data/<str:name>.<str:format>", views.dataset_download, name="dataset-download"),
    path("api/<str:name>/", views.dataset_api, name="dataset-api"),
]
