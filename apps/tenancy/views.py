from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .selectors import memberships_of
from .urls_helpers import org_reverse


@login_required
def home(request):
    """After sign-in: straight to the dashboard with one organisation, else the chooser."""
    memberships = memberships_of(request.user)
    if len(memberships) == 1:
        return redirect(org_reverse("dashboard", memberships[0].organization))
    return redirect("tenancy:choose")


@login_required
def choose_organization(request):
    memberships = memberships_of(request.user)
    return render(request, "tenancy/choose.html", {"memberships": memberships})
