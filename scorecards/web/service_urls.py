"""Service catalogue, service scorecards, waivers and rescans (engineers' pages)."""

from django.urls import path

from scorecards.web import services, waivers

app_name = "services"

urlpatterns = [
    path("", services.service_list, name="list"),
    path("<slug:slug>/", services.service_detail, name="detail"),
    path("<slug:slug>/changes/", services.service_changes, name="changes"),
    path("<slug:slug>/rescan/", services.rescan, name="rescan"),
    path("<slug:slug>/scans/<int:scan_id>/progress/", services.scan_progress, name="progress"),
    path("<slug:slug>/waivers/", waivers.request_waiver, name="request-waiver"),
    path("<slug:slug>/waivers/<int:pk>/decide/", waivers.decide_waiver, name="decide-waiver"),
]
