"""The Django admin: where platform leads manage teams and their members.

Everything else is read-mostly here on purpose: services are discovered (only their team is
edited by hand), waivers are decided on the scorecard page (which enforces "not your own
waiver"), and webhook deliveries and API tokens are records, never edited — a token's digest
is not even shown. The one change made to them here is revoking tokens (admins and superusers).
Who reaches the admin: staff (platform leads and admins, see ``scorecards/sso/accounts.py``),
with the permissions of migration 0004.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from scorecards import roles
from scorecards.api.auth import revoke
from scorecards.models import (
    ApiToken,
    Service,
    ServiceClaimConflict,
    SingleSignOnIdentity,
    Team,
    Waiver,
    WebhookDelivery,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows records; nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "member_count", "service_count")
    search_fields = ("name", "slug", "members__username")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)
    fields = ("name", "slug", "members", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                members_total=Count("members", distinct=True),
                services_total=Count("services", distinct=True),
            )
        )

    @admin.display(description="members", ordering="members_total")
    def member_count(self, team):
        return team.members_total

    @admin.display(description="services", ordering="services_total")
    def service_count(self, team):
        return team.services_total


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "team", "repository", "retired", "last_seen_at")
    list_filter = ("retired", "team")
    list_select_related = ("team",)
    search_fields = ("name", "slug", "repository")
    fields = (
        "name",
        "slug",
        "team",
        "description",
        "lifecycle",
        "kinds",
        "repository",
        "repository_path",
        "default_branch",
        "aws_resources",
        "k8s_workloads",
        "discovered_from",
        "first_seen_at",
        "last_seen_at",
        "retired",
    )
    # Discovery owns everything but the team, which people correct by hand.
    readonly_fields = tuple(name for name in fields if name != "team")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceClaimConflict)
class ServiceClaimConflictAdmin(ReadOnlyAdmin):
    """Repositories that named a service built from another one: refused by discovery, decided
    here. Transferring re-points the service (its history stays); dismissing keeps it."""

    list_display = (
        "service",
        "repository",
        "declared_in",
        "bound_repository",
        "state",
        "last_seen_at",
    )
    list_filter = ("state",)
    list_select_related = ("service",)
    search_fields = ("service__slug", "repository", "bound_repository")
    actions = ("transfer", "dismiss")

    def has_change_permission(self, request, obj=None):
        # The actions below are the only change; the form stays read-only.
        return obj is None and request.user.has_perm("scorecards.change_serviceclaimconflict")

    @admin.action(
        description="Transfer the service to the claiming repository",
        permissions=["change"],
    )
    def transfer(self, request, queryset):
        done = 0
        for conflict in queryset.filter(state=ServiceClaimConflict.State.OPEN):
            with transaction.atomic():
                folder = conflict.declared_in.rpartition("/")[0]
                Service.objects.filter(pk=conflict.service_id).update(
                    repository=conflict.repository, repository_path=folder
                )
                self._decide(request, conflict, ServiceClaimConflict.State.TRANSFERRED)
                # The repository it was bound to now claims someone else's service.
                ServiceClaimConflict.objects.filter(
                    service_id=conflict.service_id, state=ServiceClaimConflict.State.OPEN
                ).exclude(pk=conflict.pk).update(bound_repository=conflict.repository)
            done += 1
        messages.info(request, f"{done} service(s) transferred; the next scan reads them there.")

    @admin.action(
        description="Dismiss the claim (the service stays where it is)",
        permissions=["change"],
    )
    def dismiss(self, request, queryset):
        open_ = queryset.filter(state=ServiceClaimConflict.State.OPEN)
        for conflict in open_:
            self._decide(request, conflict, ServiceClaimConflict.State.DISMISSED)

    @staticmethod
    def _decide(request, conflict, state) -> None:
        conflict.state, conflict.decided_by, conflict.decided_at = (
            state,
            request.user,
            timezone.now(),
        )
        conflict.save(update_fields=["state", "decided_by", "decided_at"])


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    list_display = ("service", "check_id", "state", "expires", "created_by", "decided_by")
    list_filter = ("state",)
    list_select_related = ("service", "created_by", "decided_by")
    search_fields = ("service__name", "check_id", "reason")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("delivery_id", "event", "action", "repository", "state", "received_at")
    list_filter = ("state", "event")
    search_fields = ("delivery_id", "repository")
    date_hierarchy = "received_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("can_write", "all_services")
    search_fields = ("name", "prefix")
    # Never the digest: it identifies the token, and has no business on a screen.
    fields = (
        "name",
        "prefix",
        "can_write",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("scope",)
    exclude = ("digest",)
    actions = ("revoke_tokens",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("teams", "services")

    @admin.display(description="may push for")
    def scope(self, token):
        return token.scope

    def has_revoke_permission(self, request) -> bool:
        return roles.is_admin(request.user)

    @admin.action(description="Revoke the selected API tokens", permissions=["revoke"])
    def revoke_tokens(self, request, queryset):
        count = revoke(queryset)
        self.message_user(request, f"{count} API token(s) revoked.", messages.SUCCESS)


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(ReadOnlyAdmin):
    """Who each account is at the provider. Deleting a binding (superusers) lets the next
    sign-in with that username bind again: for a person re-created at the provider."""

    list_display = ("user", "issuer", "subject", "bound_at")
    search_fields = ("user__username", "subject")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
