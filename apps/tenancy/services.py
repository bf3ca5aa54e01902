"""Platform administration: creating organisations and granting tenant roles.

These run for platform operators (management command, Django admin), not inside a
tenant's pages, so they take no membership; they still run in a transaction and leave an
audit row in the organisation they touch.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit
from .models import Membership, Organization, Role
from .scoping import tenant_scope


@transaction.atomic
def organization_create(
    *, name: str, slug: str, time_zone: str = "UTC", language: str = "en", actor=None
) -> Organization:
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"An organisation with the address “{slug}” already exists."})
    organization = Organization(name=name, slug=slug, time_zone=time_zone, language=language)
    organization.full_clean()
    organization.save()
    with tenant_scope(organization):
        audit.record(organization=organization, actor=actor, action="organization.created", summary=name)
    return organization


@transaction.atomic
def membership_grant(
    *,
    organization: Organization,
    email: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    full_name: str = "",
    actor=None,
) -> Membership:
    """Give a user (created when new) a role in an organisation. Idempotent."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and (membership.role != role or not membership.is_active):
        membership.role, membership.is_active = role, True
        membership.save(update_fields=["role", "is_active"])
    with tenant_scope(organization):
        audit.record(
            organization=organization,
            actor=actor,
            action="membership.granted",
            obj=membership,
            summary=f"{email} as {membership.get_role_display()}",
        )
    return membership
