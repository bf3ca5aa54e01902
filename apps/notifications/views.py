"""The bell, the notifications page and the e-mail settings. Every object is looked up among
the signed-in person's own notifications in the current organisation: anyone else's id is a 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.tenancy.urls_helpers import org_reverse

from .forms import PreferenceForm
from .selectors import SHOW_CHOICES, mine, notifications_page, unread_count
from .services.preferences import preference_for, preference_save
from .services.reading import mark_all_read, mark_read


def _show(request) -> str:
    show = request.GET.get("show") or request.POST.get("show")
    return show if show in SHOW_CHOICES else "all"


def _list_context(request, show: str) -> dict:
    return {
        "page_obj": notifications_page(request.user, show=show, page=request.GET.get("page")),
        "show": show,
        "unread_count": unread_count(request.user),
    }


@require_GET
def notification_list(request):
    return render(request, "notifications/list.html", _list_context(request, _show(request)))


@require_GET
def notification_count(request):
    """The bell with its count, for htmx to swap in every minute."""
    return render(request, "notifications/_bell.html", {"unread_count": unread_count(request.user)})


def _safe_target(request, url: str) -> str:
    """The notification's own link when it leads inside this organisation, else the list:
    a stored link is never allowed to send anyone off-site."""
    inside = f"/o/{request.organization.slug}/"
    if (
        url.startswith(inside)
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return url
    return org_reverse("notifications:list", request.organization)


@require_GET
def notification_open(request, notification_id):
    """Following a notification (on the page or from its e-mail) marks it read, then goes to
    the action. A GET, so it works as a plain link; it only ever marks the reader's own row."""
    notification = get_object_or_404(mine(request.user), public_id=notification_id)
    mark_read(actor=request.user, notification=notification)
    return redirect(_safe_target(request, notification.url))


@require_POST
def notification_read(request, notification_id):
    notification = get_object_or_404(mine(request.user), public_id=notification_id)
    mark_read(actor=request.user, notification=notification)
    if request.htmx:
        return render(
            request,
            "notifications/_read_response.html",
            {"notification": notification, "unread_count": unread_count(request.user), "show": _show(request)},
        )
    return redirect(org_reverse("notifications:list", request.organization) + f"?show={_show(request)}")


@require_POST
def notification_read_all(request):
    marked = mark_all_read(actor=request.user)
    show = _show(request)
    if request.htmx:
        return render(request, "notifications/_read_all_response.html", _list_context(request, show))
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect(org_reverse("notifications:list", request.organization) + f"?show={show}")


def preferences(request):
    preference = preference_for(organization=request.organization, user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_save(
                actor=request.user,
                membership=request.membership,
                email_non_essential=form.cleaned_data["email_non_essential"],
            )
            messages.success(request, "Your notification settings are saved.")
            return redirect(org_reverse("notifications:preferences", request.organization))
    else:
        form = PreferenceForm(initial={"email_non_essential": preference.email_non_essential})
    return render(request, "notifications/preferences.html", {"form": form})
