"""The Python-built widgets give exactly the HTML of Django's widget templates."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from apps.common.form_renderer import FastWidgetRenderer

CHOICES = [("", "—"), ("a", "Alpha & <b>"), (1, "One"), ("Group", [("g1", "In a group"), ("g2", gettext_lazy("Lazy"))])]


class Everything(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": 'Say "hi" & <go>', "autofocus": True})
    )
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "any", "min": 0}))
    integer = forms.IntegerField()
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    flag = forms.BooleanField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "disabled": False}))
    pick = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    yes_no = forms.NullBooleanField()
    typed = forms.TypedChoiceField(choices=[(1, "1 — low"), (2, "2 — high")], coerce=int)
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)


DATA = [
    {},
    {
        "text": "<script>alert(1)</script>",
        "number": "12.50",
        "integer": "7",
        "email": "a&b@example.org",
        "hidden": 'quote"d',
        "secret": "pw",
        "flag": "on",
        "when": "2026-12-03",
        "note": "Line one\n<b>two</b> & three",
        "pick": "a",
        "many": ["1", "g2"],
        "yes_no": "true",
        "typed": "2",
        "radio": "y",
    },
    {"number": "not a number", "integer": "x", "note": "", "pick": "nope", "many": ["zz"], "yes_no": "unknown"},
]
INITIAL = {
    "text": mark_safe("<i>safe</i>"),
    "number": Decimal("3.25"),
    "integer": 42,
    "when": datetime.date(2026, 1, 2),
    "note": mark_safe("already <em>safe</em>"),
    "pick": 1,
    "many": ["a", 1],
    "flag": True,
    "yes_no": False,
}


def _html(form_kwargs, renderer):
    form = Everything(**form_kwargs, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "kwargs", [{"data": d} for d in DATA] + [{"initial": INITIAL}, {"auto_id": False, "initial": INITIAL}]
)
def test_every_widget_renders_as_its_template_does(kwargs):
    assert _html(kwargs, FastWidgetRenderer()) == _html(kwargs, DjangoTemplates())


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "apps.common.form_renderer.FastWidgetRenderer"


def test_the_common_widgets_skip_their_templates(monkeypatch):
    templated = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        templated.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    _html({"data": DATA[1]}, FastWidgetRenderer())
    # Only the radio list goes through its template.
    assert templated == ["django/forms/widgets/radio.html"]
