"""Reads about who belongs where, which every request asks."""

from . import generations
from .models import Membership, Role


def memberships_of(user) -> list[Membership]:
    """The user's active memberships of active organisations, by organisation name, with the
    organisation: one query, kept until a membership or organisation changes (every page needs
    the current one and the organisation switcher all of them)."""

    def read():
        return list(
            Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
            .select_related("organization")
            .order_by("organization__name", "pk")
        )

    return generations.cached("memberships", (user.pk,), ("tenancy",), read)


def hr_admin_user_ids(organization) -> list[int]:
    """The users of the organisation's active HR admins: whom a notice for HR goes to."""
    return list(
        Membership.objects.filter(organization=organization, role=Role.HR_ADMIN, is_active=True).values_list(
            "user_id", flat=True
        )
    )
