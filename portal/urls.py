"""URL routes: the portal pages, sign-in and sign-out, the probes, webhooks, API and badges."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.metrics import metrics_view
from scorecards import views
from scorecards.api import badges

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", include("scorecards.web.service_urls")),
    path("factors/", include("scorecards.web.factor_urls")),
    path("dashboard/", include("scorecards.web.dashboard_urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Also answered by portal.middleware.ProbeMiddleware, ahead of host and HTTPS checks.
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("webhooks/", include("scorecards.webhooks.urls")),
    path("api/v1/", include("scorecards.api.urls")),
    path("badges/<slug:slug>.svg", badges.badge, name="badge"),
    path("admin/", admin.site.urls),
]
