"""Service catalogue, service scorecards, waivers and rescans (engineers' pages)."""

from django.urls import path

from scorecards import views

app_name = "services"

urlpatterns = [
    path("", views.home, name="list"),
]
