"""Django's form renderer, with the common widgets written in Python.

Rendering a widget through its template costs a template include per widget, another for its
attributes and one per option of a select: a page with four check-in forms spent ~9 ms of its
~28 in them (make bench). Text-like inputs, textareas and selects whose templates are Django's
own are built here instead, to the same HTML (tests/test_form_renderer.py compares both for every
shape); any other widget (the person picker, radio lists, a project template) still goes through
its template.
"""

from functools import cache
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
_INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}'


def _text(value) -> str:
    """{{ value }}: localized, escaped unless safe."""
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: the filter keeps safe input safe, else the output is escaped."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _plain(value) -> bool:
    # Values the template shows as their own str(): strings, lazy translations and whole numbers.
    # Anything else (dates, decimals, floats: localized) goes to the template.
    return isinstance(value, str | Promise) or (isinstance(value, int) and not isinstance(value, bool))


def _input(widget: dict) -> str | None:
    value = widget["value"]
    if value is not None and not _plain(value):
        return None
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str | None:
    value = widget["value"]
    if value and not _plain(value):
        return None
    body = _text(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            if not _plain(group_name):
                return None
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html" or not _plain(option["label"]):
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


@cache
def _builders() -> dict:
    """Template name → builder, for the templates that are still Django's own: every input type
    whose template only includes input.html, the textarea and the select."""
    folder = Path(django.forms.__file__).parent / "templates" / WIDGETS
    builders = {}
    for path in folder.glob("*.html"):
        if path.read_text().strip() == _INCLUDES_INPUT:
            builders[WIDGETS + path.name] = _input
    builders[WIDGETS + "input.html"] = _input
    builders[WIDGETS + "textarea.html"] = _textarea
    builders[WIDGETS + "select.html"] = _select
    return builders


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        build = _builders().get(template_name)
        widget = context.get("widget") if build is not None else None
        if widget is not None and widget.get("template_name") == template_name:
            html = build(widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value in it went through escape() above
        return super().render(template_name, context, request)
