"""Forms of the appeal pages. They parse input; the services in apps/appeals/services decide."""

from django import forms

from .models import AppealState, Outcome, Party


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their number, types and sizes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class LodgeForm(forms.Form):
    subject = forms.ChoiceField(label="What do you appeal against?", widget=forms.RadioSelect)
    grounds = forms.CharField(
        label="Your grounds",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Why the level or rating is wrong, and what you think it should be. The board decides on this.",
    )
    attachments = MultipleFileField(
        label="Attachments",
        required=False,
        help_text="Evidence, if any: up to 5 files of at most 5 MB each (PDF, Word .docx, OpenDocument, text, PNG, JPEG).",
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(value, f"{label} (now: {current})") for value, label, current in subjects]


class HearingForm(forms.Form):
    hearing_at = forms.DateTimeField(
        label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=False
    )
    place = forms.CharField(label="Place", max_length=200, required=False, help_text="A room, or how to join it.")


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons", widget=forms.Textarea(attrs={"rows": 6}), help_text="The appellant reads these."
    )
    new_value = forms.ChoiceField(
        label="Change it to",
        required=False,
        help_text="Required when the appeal is upheld; leave empty for a dismissed appeal.",
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_value"].choices = [("", "— no change —"), *levels]


class NoteForm(forms.Form):
    text = forms.CharField(label="Internal note", widget=forms.Textarea(attrs={"rows": 3}))


class CommentRequestForm(forms.Form):
    parties = forms.MultipleChoiceField(
        label="Ask", choices=Party.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    question = forms.CharField(label="What the board asks", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    due_at = forms.DateTimeField(
        label="Answer by", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=False
    )


class ResponseForm(forms.Form):
    response = forms.CharField(label="Your comments", widget=forms.Textarea(attrs={"rows": 6}))


class CloseForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class AppealFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *AppealState.choices])
    board = forms.ChoiceField(label="Board", required=False)
    cycle = forms.ChoiceField(label="Cycle", required=False)

    def __init__(self, *args, boards=(), cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", "Any board"), ("none", "Unassigned"), *boards]
        self.fields["cycle"].choices = [("", "Any cycle"), *cycles]
