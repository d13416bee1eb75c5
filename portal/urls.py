"""URL routes: the portal pages, sign-in and sign-out, the probes, webhooks, API and badges."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from portal.metrics import metrics_view
from scorecards import views
from scorecards.api import badges
from scorecards.sso import views as sso_views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", include("scorecards.web.service_urls")),
    path("factors/", include("scorecards.web.factor_urls")),
    path("dashboard/", include("scorecards.web.dashboard_urls")),
    path("login/", sso_views.PortalLoginView.as_view(), name="login"),
    # Single sign-on (scorecards/sso); 404 while OIDC_CLIENT_ID is unset.
    path("oidc/authenticate/", sso_views.SsoStartView.as_view(), name="oidc_authentication_init"),
    path(
        "oidc/callback/", sso_views.SsoCallbackView.as_view(), name="oidc_authentication_callback"
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Also answered by portal.middleware.ProbeMiddleware, ahead of host and HTTPS checks.
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("webhooks/", include("scorecards.webhooks.urls")),
    path("api/v1/", include("scorecards.api.urls")),
    path("badges/<slug:slug>.svg", badges.badge, name="badge"),
    # One sign-in page for everything, with its single sign-on button.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]
