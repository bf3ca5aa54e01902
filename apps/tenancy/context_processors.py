from django.utils.functional import SimpleLazyObject

from .navigation import navigation
from .permissions import is_hr_admin
from .selectors import memberships_of


def tenant(request):
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def other_memberships():
        if user is None or not user.is_authenticated:
            return []
        known = getattr(request, "memberships", None)  # the middleware's, on an organisation's pages
        return known if known is not None else memberships_of(user)

    hr = is_hr_admin(membership)
    return {
        "organization": organization,
        "membership": membership,
        "is_hr_admin": hr,
        "my_memberships": SimpleLazyObject(other_memberships),
        "nav": SimpleLazyObject(lambda: navigation(request, hr=hr)) if organization is not None else None,
    }
