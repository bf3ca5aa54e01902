"""HR pages of rating scales: the list, and one form for a scale with all its levels.

Adding a level row works without JavaScript: the "Add a level" button submits the form under
the name `add_row`, and the page comes back with what was typed plus one blank row; nothing is
saved until "Save".
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import add_service_errors
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_scales import (
    BLANK_ROWS_ON_CREATE,
    ScaleForm,
    five_level_rows,
    level_formset,
    rows_as_posted,
)
from ..models import AppraisalTemplate, RatingScale
from ..services.scales import LEVEL_FIELDS, scale_save

FORM_TEMPLATE = "cycles/scales/form.html"


def with_bands(levels) -> list:
    """Levels (highest first) with `band_to`: the next level's band start, the score range's
    open upper end (None for the top level, which takes every score from its band up)."""
    levels = list(levels)
    upper = None
    for level in levels:
        level.band_to = upper
        level.value_text, level.band_from_text = plain(level.value), plain(level.band_from)
        level.band_to_text = plain(upper) if upper is not None else ""
        upper = level.band_from
    return levels


def plain(number) -> str:
    """4.50 → "4.5", 10.00 → "10": how people write scores."""
    return f"{number.normalize():f}"


def scale_list(request):
    require_hr_admin(request.membership)
    scales = RatingScale.objects.prefetch_related(
        "levels", Prefetch("templates", queryset=AppraisalTemplate.objects.order_by("name"))
    )
    rows = [(scale, with_bands(scale.levels.all())) for scale in scales]
    return render(request, "cycles/scales/list.html", {"rows": rows})


def scale_create(request):
    require_hr_admin(request.membership)
    if request.method == "POST":
        return _save(request, scale=None)
    preset = request.GET.get("preset") == "five"
    initial = five_level_rows() if preset else ()
    formset = level_formset(initial=initial, blank_rows=1 if preset else BLANK_ROWS_ON_CREATE)
    return _render(request, ScaleForm(), formset, scale=None)


def scale_edit(request, ratingscale_id):
    require_hr_admin(request.membership)
    scale = get_object_or_404(RatingScale.objects, public_id=ratingscale_id)
    if request.method == "POST":
        return _save(request, scale=scale)
    form = ScaleForm(initial={field: getattr(scale, field) for field in ScaleForm.FIELDS})
    rows = [{field: getattr(level, field) for field in LEVEL_FIELDS} for level in scale.levels.all()]
    return _render(request, form, level_formset(initial=rows, blank_rows=1), scale=scale)


def _save(request, scale):
    data = request.POST
    if "add_row" in data:
        # Re-show what was typed, unvalidated (no error messages for a half-filled form), plus a row.
        form = ScaleForm(
            initial={
                "name": data.get("name", ""),
                "description": data.get("description", ""),
                "is_active": bool(data.get("is_active")),
            }
        )
        formset = level_formset(initial=rows_as_posted(data), blank_rows=1)
        return _render(request, form, formset, scale=scale)

    form, formset = ScaleForm(data), level_formset(data)
    level_errors = []
    if form.is_valid() and formset.is_valid():
        levels = [row for row in (level_form.row() for level_form in formset) if row is not None]
        try:
            scale = scale_save(
                actor=request.user, membership=request.membership, scale=scale, levels=levels, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                level_errors = [message for error in exc.error_dict.pop("levels", []) for message in error]
                if exc.error_dict:
                    add_service_errors(form, ValidationError(exc.error_dict))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, f"Rating scale “{scale.name}” saved.")
            return redirect(org_reverse("cycles:scale_list", request.organization))
    elif not formset.is_valid():
        level_errors = ["Some level rows hold values that are not numbers; see the marked cells."]
    return _render(request, form, formset, scale=scale, level_errors=level_errors)


def _render(request, form, formset, *, scale, level_errors=()):
    context = {"form": form, "formset": formset, "scale": scale, "level_errors": list(level_errors)}
    if scale is not None:
        # The preview shows the scale as saved, so it never disagrees with what ratings will use.
        levels = with_bands(scale.levels.all())
        context["preview_levels"] = levels
        context["templates_using"] = list(scale.templates.order_by("name"))
    return render(request, FORM_TEMPLATE, context)
