"""The self-assessment form, built from the frozen template (services.self_assessment lists its
fields). Ratings are plain text inputs to the form: the service checks them against the frozen
scale, so an off-scale value gets the service's message at its field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from .models import SectionKind
from .services.self_assessment import MAX_TEXT, SaField, level_value


class SelfAssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, fields: list[SaField], **kwargs):
        super().__init__(*args, **kwargs)
        self.sa_fields = fields
        for field in fields:
            if field.is_text:
                self.fields[field.name] = forms.CharField(
                    required=False,
                    max_length=MAX_TEXT,
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
            else:
                self.fields[field.name] = forms.CharField(required=False)

    def service_values(self) -> dict:
        return {f.name: self.cleaned_data.get(f.name) for f in self.sa_fields}

    def over(self, fields: list[SaField], *, version: int) -> "SelfAssessmentForm":
        """This bound form over `fields` (a refused post's form, built from the names it posted,
        over the page's every field): what was posted, the version stored now, and this form's
        messages at their fields and above the form."""
        data = self.data.copy()
        data["version"] = version
        form = SelfAssessmentForm(data, fields=fields)
        form.full_clean()
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                form.add_error(None, errors.as_data())
            elif name in form.fields and name not in form.errors:
                form.add_error(name, errors.as_data())
        return form


def levels_high_first(snapshot: dict) -> list[dict]:
    return sorted(snapshot.get("scale", {}).get("levels", []), key=lambda level: Decimal(level["value"]), reverse=True)


def page_sections(snapshot: dict, targets, form: SelfAssessmentForm, values: dict, *, visible) -> list[dict]:
    """What the template renders, section by section: each row with its bound fields (editable
    page) and stored values (read-only page). `visible(section)` filters sections by role."""
    by_field = {(f.kind, f.key): f for f in form.sa_fields}
    levels = levels_high_first(snapshot)
    by_value = {level["value"]: level for level in levels}

    def item(kind, key, descriptors=None):
        field = by_field.get((kind, key))
        if field is None:
            return None
        stored = values.get(field.name, "")
        bound = form[field.name]
        # The bound value once here: the template compares it with every level of the scale.
        value = bound.value()
        entry = {"field": field, "bound": bound, "value": value, "stored": stored, "kind": kind, "key": key}
        if not field.is_text:
            entry["levels"] = [
                {
                    **level,
                    "descriptor": (descriptors or {}).get(level["value"]) or level["descriptor"],
                    "checked": value == level["value"],
                }
                for level in levels
            ]
            entry["stored_level"] = by_value.get(level_value(snapshot, stored) or "")
        return entry

    sections = []
    for section in snapshot.get("sections", []):
        if not visible(section):
            continue
        rows = []
        if section["kind"] == SectionKind.WORK_TARGETS:
            for target in targets:
                key = str(target.public_id)
                rows.append(
                    {
                        "title": target.title,
                        "measure": target.measure,
                        "weight": target.weight,
                        "text": item("achievement", key),
                        "rating": item("target_rating", key),
                    }
                )
        elif section["kind"] == SectionKind.COMPETENCIES:
            for competency in section.get("competencies", []):
                rows.append(
                    {
                        "title": competency["name"],
                        "measure": competency.get("description", ""),
                        "rating": item("competency_rating", competency["key"], competency.get("descriptors")),
                    }
                )
        else:
            text = item("section_text", section["key"])
            if text:
                rows.append({"title": "", "text": text})
        asks = section["kind"] == SectionKind.WORK_TARGETS and (
            section.get("appraisee_fills") or section.get("appraisee_self_rates")
        )
        if asks or any(row.get("text") or row.get("rating") for row in rows):
            sections.append({"section": section, "rows": rows})
    return sections
