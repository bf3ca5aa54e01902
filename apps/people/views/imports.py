"""CSV import pages: upload (with the formats and samples), review and confirm. HR admins only.

The views parse the request, call the import service and render; every check of the file
and every write lives in services/imports.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_import import CsvUploadForm
from ..models import CsvImport
from ..services import imports

ERRORS_PER_PAGE = 100
RECENT_IMPORTS = 10


@require_http_methods(["GET", "POST"])
def import_start(request):
    require_hr_admin(request.membership)
    if request.method == "POST":
        form = CsvUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                csv_import = imports.csv_import_preview(
                    actor=request.user,
                    membership=request.membership,
                    kind=form.cleaned_data["kind"],
                    file_name=upload.name,
                    raw=upload.read(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(_review_url(request, csv_import))
    else:
        kind = request.GET.get("kind")
        form = CsvUploadForm(initial={"kind": kind} if kind in imports.COLUMNS else None)

    recent = (
        CsvImport.objects.select_related("uploaded_by")
        .defer("content", "errors")  # a kept file can be megabytes; the list needs none of it
        .order_by("-created_at")[:RECENT_IMPORTS]
    )
    return render(
        request,
        "people/import/start.html",
        {
            "form": form,
            "formats": _formats(request),
            "recent": recent,
        },
    )


@require_http_methods(["GET", "POST"])
def import_review(request, csvimport_id):
    require_hr_admin(request.membership)
    csv_import = get_object_or_404(
        CsvImport.objects.select_related("uploaded_by").defer("content"), public_id=csvimport_id
    )
    if request.method == "POST":
        before = csv_import.status
        csv_import = imports.csv_import_apply(actor=request.user, membership=request.membership, csv_import=csv_import)
        _tell_outcome(request, before, csv_import)
        return redirect(_review_url(request, csv_import))

    errors_page = Paginator(csv_import.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "csv_import": csv_import,
        "errors_page": errors_page,
        "figures": _figures(csv_import),
        "form": CsvUploadForm(initial={"kind": csv_import.kind}),
        "formats": [f for f in _formats(request) if f["kind"] == csv_import.kind],
    }
    template = "people/import/review.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#errors"  # paging through the error table swaps only the table
    return render(request, template, context)


@require_GET
def import_sample(request, kind):
    require_hr_admin(request.membership)
    if kind not in imports.SAMPLES:
        raise Http404("No sample of that kind.")
    response = HttpResponse(imports.sample_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


def _review_url(request, csv_import) -> str:
    return org_reverse("people:import_review", request.organization, csvimport_id=csv_import.public_id)


def _formats(request) -> list[dict]:
    """What each kind of file holds, for the format tables and the sample links."""
    return [
        {
            "kind": kind,
            "label": label,
            "columns": imports.COLUMNS[kind],
            "header": ",".join(c.name for c in imports.COLUMNS[kind]),
            "sample_url": org_reverse("people:import_sample", request.organization, kind=kind),
        }
        for kind, label in CsvImport.Kind.choices
    ]


def _figures(csv_import) -> list[tuple[str, int]]:
    """The summary numbers worth showing, as (label, number)."""
    summary = csv_import.summary or {}
    if csv_import.status == CsvImport.Status.APPLIED:
        done = summary.get("applied", {})
        labels = [
            ("created", "created"),
            ("updated", "updated"),
            ("unchanged", "unchanged"),
            ("moved_with_parent", "sub-units moved along"),
            ("new_positions", "new posts"),
            ("new_accounts", "new sign-in accounts"),
            ("new_memberships", "new members"),
            ("unit_heads_set", "unit heads set"),
            ("unit_heads_cleared", "unit heads cleared"),
        ]
        return [(label, done[key]) for key, label in labels if done.get(key) or key in ("created", "updated")]
    if csv_import.errors:
        # What a file with errors would do is guesswork: show its size and what to fix.
        return [("rows", csv_import.row_count), ("problems", len(csv_import.errors))]
    labels = [
        ("rows", "rows"),
        ("to_create", "to create"),
        ("to_update", "to update"),
        ("unchanged", "unchanged"),
        ("new_positions", "new posts"),
        ("new_accounts", "new sign-in accounts"),
    ]
    return [(label, summary[key]) for key, label in labels if key in summary]


def _tell_outcome(request, before: str, csv_import) -> None:
    Status = CsvImport.Status
    if csv_import.status == Status.APPLIED and before == Status.READY:
        done = csv_import.summary.get("applied", {})
        messages.success(
            request,
            f"Imported {csv_import.row_count} rows from {csv_import.file_name}: "
            f"{done.get('created', 0)} created, {done.get('updated', 0)} updated.",
        )
    elif csv_import.status == Status.APPLIED:
        messages.info(request, "This file has already been imported; nothing was written again.")
    elif before == Status.READY:
        messages.error(
            request,
            "The organisation has changed since the preview and the file now has the "
            "problems listed below. Nothing was imported.",
        )
    else:
        messages.error(request, "This file has problems; nothing was imported. Upload a corrected file.")
