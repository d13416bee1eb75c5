from django.urls import path

from scorecards.api import views

urlpatterns = [
    path("openapi.yaml", views.openapi, name="api-openapi"),
    path("services", views.services, name="api-services"),
    path("services/<slug:slug>", views.service, name="api-service"),
    path(
        "services/<slug:slug>/scorecards", views.service_scorecards, name="api-service-scorecards"
    ),
    path("services/<slug:slug>/results", views.service_results, name="api-service-results"),
    path(
        "services/<slug:slug>/pull-requests",
        views.service_pull_requests,
        name="api-service-pull-requests",
    ),
    path("services/<slug:slug>/sarif", views.service_sarif, name="api-service-sarif"),
    path("scorecards/<int:pk>", views.scorecard, name="api-scorecard"),
    path("scorecards/<int:pk>/results", views.scorecard_results, name="api-scorecard-results"),
    path("teams", views.teams, name="api-teams"),
    path("summary", views.summary, name="api-summary"),
    path("scans", views.scans, name="api-scans"),
    path("exports/org.csv", views.export_org, name="api-export-org"),
    path("exports/teams.csv", views.export_teams, name="api-export-teams"),
    path("exports/checks.csv", views.export_checks, name="api-export-checks"),
]
