"""The factor guide: a page per factor with its checks and the organisation's pass rates."""

from django.urls import path

from scorecards import views

app_name = "factors"

urlpatterns = [
    path("", views.home, name="list"),
]
