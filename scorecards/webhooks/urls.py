from django.urls import path

from scorecards.webhooks import views

urlpatterns = [
    path("github", views.github, name="webhook-github"),
    path("rescan", views.rescan, name="webhook-rescan"),
]
