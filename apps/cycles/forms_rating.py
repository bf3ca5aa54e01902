"""Forms of the rating, countersigning and acknowledgement screens.

The rating form is built from the appraisal's frozen template: one radio group per rated
target and competency (the scale's levels, with the competency's own descriptors where it has
them) and a comment beside each. Field names come from services.rating.field_name so service
errors land at the right field.
"""

from django import forms

from .services.rating import field_name, level_for_value, rated_sections, scale_levels, written_sections

VERSION_WIDGET = forms.HiddenInput


class ScaleChoiceField(forms.ChoiceField):
    """A level of the frozen scale, whichever way the number is written ("4" or "4.00")."""

    default_error_messages = {"invalid_choice": "Choose one of the levels of this cycle's scale."}

    def __init__(self, *, snapshot, **kwargs):
        self.snapshot = snapshot
        super().__init__(**kwargs)

    def valid_value(self, value):
        return level_for_value(self.snapshot, value) is not None


class RatingForm(forms.Form):
    version = forms.IntegerField(widget=VERSION_WIDGET)
    overall_assessment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label="Overall assessment"
    )
    training_recommendations = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Training recommendations"
    )

    def __init__(self, *args, snapshot, targets, competency_ratings, responses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        self.levels = scale_levels(snapshot)
        choices = [(level["value"], level["label"]) for level in self.levels]
        rates_targets, competencies = rated_sections(snapshot)
        self.rows = []
        subjects = [("target", str(t.public_id), t.title, t, {}) for t in (targets if rates_targets else [])]
        for competency in competencies:
            stored = competency_ratings.get(competency["key"])
            subjects.append(("competency", competency["key"], competency["name"], stored, competency["descriptors"]))
        for subject, key, title, stored, descriptors in subjects:
            rating_name, comment_name = field_name(subject, key, "rating"), field_name(subject, key, "comment")
            level = level_for_value(snapshot, getattr(stored, "officer_rating", None))
            self.fields[rating_name] = ScaleChoiceField(
                snapshot=snapshot,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                label=f"Rating of {title}",
                initial=level["value"] if level else None,
            )
            self.fields[comment_name] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="Comment",
                initial=getattr(stored, "officer_comment", ""),
                help_text="Required for a rating at either end of the scale.",
            )
            self.rows.append(
                {
                    "subject": subject,
                    "key": key,
                    "title": title,
                    "stored": stored,
                    "descriptors": descriptors,
                    "rating_name": rating_name,
                    "comment_name": comment_name,
                }
            )

        # The officer's own text in the written sections, beside what the appraisee wrote.
        self.section_names = []
        for section in written_sections(snapshot):
            name = field_name("section", section["key"], "text")
            self.fields[name] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                label=section["title"],
                help_text=section.get("guidance", ""),
                initial=getattr((responses or {}).get(section["key"]), "officer_text", ""),
            )
            self.section_names.append(name)

    def section_fields(self):
        return [self[name] for name in self.section_names]

    def section_texts(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.section_names}

    def bound_rows(self):
        """Rows with their bound fields and each level's descriptor and checked state."""
        for row in self.rows:
            rating = self[row["rating_name"]]
            chosen = level_for_value(self.snapshot, rating.value())
            yield {
                **row,
                "rating": rating,
                "comment": self[row["comment_name"]],
                "levels": [
                    {
                        **level,
                        "id": f"id_{row['rating_name']}_{index}",
                        "checked": chosen is not None and chosen["value"] == level["value"],
                        "text": row["descriptors"].get(level["value"]) or level.get("descriptor", ""),
                    }
                    for index, level in enumerate(self.levels)
                ],
            }

    def ratings(self) -> dict:
        """Posted ratings and comments by field name, for the service (which validates them)."""
        names = [n for row in self.rows for n in (row["rating_name"], row["comment_name"])]
        return {name: self.data.get(name, "") for name in names}


AGREES_CHOICES = [("yes", "I agree with the appraising officer"), ("no", "I hold a differing view (give reasons)")]


class CountersigningForm(forms.Form):
    version = forms.IntegerField(widget=VERSION_WIDGET)
    countersigning_agrees = forms.ChoiceField(
        choices=AGREES_CHOICES, required=False, widget=forms.RadioSelect, label="Your view"
    )
    countersigning_remarks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Remarks",
        help_text="Required when you hold a differing view.",
    )

    def agrees(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("countersigning_agrees"))


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=VERSION_WIDGET)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note to the appraising officer",
        help_text="What should they look at again?",
    )


class FeedbackInterviewForm(forms.Form):
    version = forms.IntegerField(widget=VERSION_WIDGET)
    feedback_interview_on = forms.DateField(
        label="Date of the feedback interview", widget=forms.DateInput(attrs={"type": "date"})
    )


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=VERSION_WIDGET)
    acknowledgement_comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Your comments (optional)"
    )
