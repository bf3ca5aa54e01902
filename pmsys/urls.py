from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from apps.reports import views as report_views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# Every page of an organisation lives under /o/<org_slug>/; TenantMiddleware resolves it,
# checks the membership and runs the view inside the tenant's scope.
tenant_patterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("people/", include("apps.people.urls")),
    path("goals/", include("apps.goals.urls")),
    path("cycles/", include("apps.cycles.urls")),
    path("cycles/", include("apps.notifications.urls_reminders")),
    path("notifications/", include("apps.notifications.urls")),
    path("committees/", include("apps.committees.urls")),
    path("appeals/", include("apps.appeals.urls")),
    path("moderation/", include("apps.committees.urls_moderation")),
    path("reports/", include("apps.reports.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("apps.tenancy.urls")),
    path("o/<slug:org_slug>/", include(tenant_patterns)),
]

handler404 = "pmsys.errors.not_found"
handler403 = "pmsys.errors.forbidden"
handler500 = "pmsys.errors.server_error"
