from django import forms


class PreferenceForm(forms.Form):
    email_non_essential = forms.BooleanField(
        required=False,
        label="E-mail me about events in my appraisals",
        help_text="A cycle starting, a phase opening, an appraisal waiting for you, a result released. "
        "They always show under the bell, whatever you choose here.",
    )
