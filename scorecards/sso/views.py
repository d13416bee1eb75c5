"""Sign-in pages: the password form with its single sign-on button, and the OIDC start and
callback views of mozilla-django-oidc, answering 404 while single sign-on is off."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from scorecards import sign_in_throttle
from scorecards.sso import provider

logger = logging.getLogger(__name__)
FAILED = "Single sign-on did not complete. Please try again, or ask an administrator."


class PortalLoginView(LoginView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": settings.OIDC_ENABLED,
            "sso_provider_name": settings.OIDC_PROVIDER_NAME,
            "password_login": settings.PASSWORD_LOGIN,
        }

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied("Password sign-in is turned off: use single sign-on.")
        lockout = sign_in_throttle.lockout(request, self._username())
        if lockout is not None:
            # The password is not even checked: a right guess must look like a wrong one.
            # An unbound form: rendering a bound one would validate it, i.e. try the password.
            form = self.get_form_class()(request, initial={"username": self._username()})
            context = self.get_context_data(form=form, lockout=lockout)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(lockout.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def _username(self) -> str:
        return self.request.POST.get("username", "")

    def form_invalid(self, form):
        sign_in_throttle.record_failure(self.request, self._username())
        return super().form_invalid(form)

    def form_valid(self, form):
        sign_in_throttle.record_success(self.request, self._username())
        return super().form_valid(form)


class SsoStartView(OIDCAuthenticationRequestView):
    """Redirect to the provider's authorization endpoint with state, nonce and PKCE."""

    def __init__(self, *args, **kwargs):
        # The parent reads the endpoint here; it is discovered in get() instead.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except provider.ProviderUnavailable as exc:
            logger.warning("single sign-on unavailable: %s", exc)
            messages.error(request, f"{settings.OIDC_PROVIDER_NAME} cannot be reached right now.")
            return redirect("login")
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with ``code`` and ``state``."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        state = request.GET.get("state")
        # An unknown state (replayed, forged, or from another browser) is refused as a failed
        # sign-in rather than the parent's 400, which reads as a crash to the person.
        if state is not None and state not in request.session.get("oidc_states", {}):
            logger.warning("single sign-on refused: unknown state")
            return self.login_failure()
        return super().get(request)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(self.request, FAILED)
        return super().login_failure()
