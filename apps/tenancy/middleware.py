from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from .scoping import platform_unscoped, tenant_scope
from .selectors import memberships_of

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
        request.memberships = memberships_of(request.user)
        membership = next((m for m in request.memberships if m.organization.slug == slug), None)
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


def _employee_of(request):
    from apps.people.selectors import employee_for_user

    return employee_for_user(request.user)
