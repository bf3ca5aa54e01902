"""level_choices (cycles/templatetags/self_assessment.py) builds a self-rating's radio buttons in
Python: the same markup as the template loop it replaced, escaping included."""

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from apps.cycles.templatetags.self_assessment import level_choices

# The loop _sa_rating.html ran before the tag.
TEMPLATE_LOOP = """
  {% for level in item.levels %}
  <div class="checkbox">
    <input type="radio" name="{{ item.bound.html_name }}" id="{{ name }}-{{ forloop.counter }}" value="{{ level.value }}"
      {% if level.checked %}checked{% endif %}{% if level.descriptor %} aria-describedby="{{ name }}-{{ forloop.counter }}-help"{% endif %}>
    <label for="{{ name }}-{{ forloop.counter }}"><strong>{{ level.label }}</strong>{% if level.name %} {{ level.name }}{% endif %}</label>
    {% if level.descriptor %}<p class="help" id="{{ name }}-{{ forloop.counter }}-help">{{ level.descriptor }}</p>{% endif %}
  </div>
  {% endfor %}
  <div class="checkbox">
    <input type="radio" name="{{ item.bound.html_name }}" id="{{ name }}-none" value=""{% if not item.value %} checked{% endif %}>
    <label for="{{ name }}-none">Not rated yet</label>
  </div>
"""


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+<", "><", html)
    return html.replace(" >", ">").strip()


def _item(value):
    levels = [
        {
            "value": "5.00",
            "label": "5",
            "name": "Outstanding <b>",
            "descriptor": 'Builds teams & "leads"',
            "checked": False,
        },
        {"value": "4.00", "label": "4", "name": "", "descriptor": "", "checked": value == "4.00"},
        {"value": "3.00", "label": "3 'ok'", "name": "Good", "descriptor": "", "checked": False},
    ]
    name = "competency-team<work>-self_rating"
    return {
        "field": SimpleNamespace(name=name),
        "bound": SimpleNamespace(html_name=name),
        "value": value,
        "levels": levels,
    }


@pytest.mark.parametrize("value", ["4.00", "", None])
def test_the_tag_renders_what_the_template_loop_did(value):
    item = _item(value)
    expected = Template(TEMPLATE_LOOP).render(Context({"item": item, "name": item["field"].name}))
    assert _normalised(str(level_choices(item))) == _normalised(expected)
    assert "<b>" not in str(level_choices(item))
