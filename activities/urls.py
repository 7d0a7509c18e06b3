from django.urls import path

from . import views
from .feeds import NewsFeed

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/<slug:slug>/", views.activity_detail, name="activity-detail"),
    path("events/", views.event_list, name="event-list"),
    path("events/past/", views.event_list, {"past": True}, name="event-list-past"),
    path("events.ics", views.event_feed, name="event-feed"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event-ics"),
    path("funding/", views.funding_list, name="funding-list"),
    path("news/", views.news_list, name="news-list"),
    path("news/feed/", NewsFeed(), name="news-feed"),
    path("news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("my/<slug:slug>/news/", views.news_submit, name="news-submit"),
]
