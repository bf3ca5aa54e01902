from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from . import generations
from .models import Membership
from .scoping import platform_unscoped, tenant_scope

ORG_KWARG = "org_slug"


class TenantMiddleware:
    """Resolve /o/<org_slug>/... to an organisation and run the request inside it.

    Not signed in: to the login page. Signed in but not an active member, or the
    organisation is unknown or inactive: 404, the same answer for all three, so an
    outsider learns nothing about which organisations exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.app_name == "admin":
            # The Django admin is the platform operators' tool: it reads across tenants.
            with platform_unscoped():
                return self.get_response(request)
        slug = match.kwargs.get(ORG_KWARG)
        if slug is None:
            return self.get_response(request)

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_in(request.user, slug)
        if membership is None:
            raise Http404("No such organisation.")

        organization = membership.organization
        request.organization = organization
        request.membership = membership
        request.employee = SimpleLazyObject(lambda: _employee_of(request))
        with tenant_scope(organization), timezone.override(organization.time_zone):
            translation.activate(organization.language)
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Views get the organisation from request.organization, not from their arguments.
        view_kwargs.pop(ORG_KWARG, None)
        return None


def membership_in(user, slug):
    """The user's active membership of the active organisation `slug` (with the organisation), or
    None. Every request asks it: it is kept until a membership or organisation changes."""

    def read():
        return (
            Membership.objects.select_related("organization")
            .filter(organization__slug=slug, organization__is_active=True, user=user, is_active=True)
            .first()
        )

    return generations.cached("membership", (user.pk, slug), ("tenancy",), read)


def _employee_of(request):
    from apps.people.selectors import employee_for_user

    return employee_for_user(request.user)
