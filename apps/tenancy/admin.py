"""Django admin for platform superusers: organisations and who administers them.

Admin requests run unscoped (see TenantMiddleware); tenant data itself is changed only
through the tenant's own pages and services, so tenant-owned models are read-only here.
"""

from django.contrib import admin

from . import audit
from .models import AuditEvent, Membership, Organization
from .scoping import tenant_scope


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["user", "role", "is_active"]
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "language", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        with tenant_scope(obj):
            audit.record(
                organization=obj,
                actor=request.user,
                action="organization.changed" if change else "organization.created",
                summary=obj.name,
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organization"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


class ReadOnlyTenantAdmin(admin.ModelAdmin):
    """Tenant rows are looked at here, never changed: changes go through the services."""

    list_filter = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "organization", "actor", "action", "summary"]
    search_fields = ["action", "summary", "actor__email"]
