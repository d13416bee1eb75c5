"""The organisation dashboard for platform leads: teams, heatmap, trends, exports."""

from django.urls import path

from scorecards.web import dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.org, name="org"),
    path("export/<slug:table>.csv", dashboard.export, name="export"),
    path("teams/<slug:slug>/", dashboard.team, name="team"),
    path("teams/<slug:slug>/export/<slug:table>.csv", dashboard.team_export, name="team_export"),
]
