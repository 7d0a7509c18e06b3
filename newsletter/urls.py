from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.subscribe, name="subscribe"),
    path("newsletter/sent/", views.subscribe_sent, name="subscribe-sent"),
    path("newsletter/confirm/<token:token>/", views.confirm, name="confirm"),
    path("newsletter/preferences/<token:token>/", views.preferences, name="preferences"),
    path("newsletter/unsubscribe/<token:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/<str:month>/", views.edition, name="edition"),
    path("my/<slug:slug>/newsletter-item/", views.item_submit, name="item-submit"),
]
