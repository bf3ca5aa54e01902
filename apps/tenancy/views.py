from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .models import Membership
from .urls_helpers import org_reverse


@login_required
def home(request):
    """After sign-in: straight to the dashboard with one organisation, else the chooser."""
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")[:2]
    )
    if len(memberships) == 1:
        return redirect(org_reverse("dashboard", memberships[0].organization))
    return redirect("tenancy:choose")


@login_required
def choose_organization(request):
    memberships = (
        Membership.objects.filter(user=request.user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
    return render(request, "tenancy/choose.html", {"memberships": memberships})
