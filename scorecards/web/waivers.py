"""Portal waivers: a team owner requests one, a platform lead who is someone else decides.

Only approved, unexpired waivers are applied, by the next scan (``scanning._score_and_store``):
deciding a waiver never rewrites a stored scorecard.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from scorecards import roles
from scorecards.checks.registry import catalogue
from scorecards.models import Service, Waiver
from scorecards.waivers import MAX_WAIVER_DAYS


class WaiverRequestForm(forms.Form):
    check_id = forms.ChoiceField(label="Check")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    expires = forms.DateField(label="Expires on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, checks: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        specs = catalogue()
        # The service's failing checks first in the list; any catalogue check may be waived
        # (a check can start failing before the next scan shows it).
        ordered = list(dict.fromkeys([*(checks or []), *sorted(specs)]))
        self.fields["check_id"].choices = [(c, f"{c} — {specs[c].title}") for c in ordered]

    def clean_expires(self) -> date:
        expires = self.cleaned_data["expires"]
        today = timezone.localdate()
        if expires < today:
            raise forms.ValidationError("The expiry date is in the past.")
        if expires > today + timedelta(days=MAX_WAIVER_DAYS):
            raise forms.ValidationError(f"A waiver lasts at most {MAX_WAIVER_DAYS} days.")
        return expires

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the check may fail for now.")
        return reason


def _back_to_waivers(service: Service) -> HttpResponse:
    return redirect(f"{reverse('services:detail', args=[service.slug])}#waivers")


@login_required
@require_POST
def request_waiver(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("team"), slug=slug)
    if not roles.can_request_waiver(request.user, service):
        raise PermissionDenied("Only the service's team owners and platform leads may do this.")
    form = WaiverRequestForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"The waiver was not requested: {errors}")
        return _back_to_waivers(service)
    try:
        with transaction.atomic():
            Waiver.objects.create(service=service, created_by=request.user, **form.cleaned_data)
    except IntegrityError:
        messages.error(
            request,
            f"A waiver of {form.cleaned_data['check_id']} is already waiting for a decision.",
        )
    else:
        messages.success(
            request,
            f"Waiver of {form.cleaned_data['check_id']} requested; a platform lead will decide.",
        )
    return _back_to_waivers(service)


@login_required
@require_POST
def decide_waiver(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    waiver = get_object_or_404(Waiver.objects.select_related("service"), pk=pk, service__slug=slug)
    if not roles.can_decide_waiver(request.user, waiver):
        raise PermissionDenied("A platform lead other than the requester decides a waiver.")
    decision = request.POST.get("decision")
    if decision not in ("approve", "deny"):
        messages.error(request, "Choose to approve or deny the waiver.")
        return _back_to_waivers(waiver.service)
    waiver.state = Waiver.State.APPROVED if decision == "approve" else Waiver.State.DENIED
    waiver.decided_by = request.user
    waiver.decided_at = timezone.now()
    waiver.decision_note = request.POST.get("note", "").strip()[:1000]
    waiver.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    verb = "approved; it applies from the next scan" if decision == "approve" else "denied"
    messages.success(request, f"Waiver of {waiver.check_id} {verb}.")
    return _back_to_waivers(waiver.service)
