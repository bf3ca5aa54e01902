from django.utils.functional import SimpleLazyObject

from . import generations
from .models import Membership
from .permissions import is_hr_admin


def tenant(request):
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def other_memberships():
        if user is None or not user.is_authenticated:
            return []
        return generations.cached(
            "memberships",
            (user.pk,),
            ("tenancy",),
            lambda: list(
                Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
                .select_related("organization")
                .order_by("organization__name")
            ),
        )

    return {
        "organization": organization,
        "membership": membership,
        "is_hr_admin": is_hr_admin(membership),
        "my_memberships": SimpleLazyObject(other_memberships),
    }
