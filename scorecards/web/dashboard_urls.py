"""The organisation dashboard for platform leads: teams, heatmap, trends, exports."""

from django.urls import path

from scorecards import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="org"),
]
