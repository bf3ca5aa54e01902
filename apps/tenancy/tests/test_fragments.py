"""{% cached_fragment %}: a part of a page kept as HTML under the generations of its data."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

from apps.people.models import OrgUnit
from apps.tenancy.scoping import tenant_scope

pytestmark = pytest.mark.django_db

PART = Template(
    "{% load fragments %}<p>{% cached_fragment 'test-part' key domains='people' %}{{ value }}{% endcached_fragment %}</p>"
)


class Value:
    """Counts how often the part is drawn."""

    def __init__(self):
        self.drawn = 0

    def __str__(self):
        self.drawn += 1
        return f"drawn {self.drawn}"


def test_a_part_is_drawn_once_until_its_data_is_written(org_a, unit_a):
    value = Value()
    with tenant_scope(org_a):
        assert PART.render(Context({"key": 1, "value": value})) == "<p>drawn 1</p>"
        assert PART.render(Context({"key": 1, "value": value})) == "<p>drawn 1</p>"
        assert PART.render(Context({"key": 2, "value": value})) == "<p>drawn 2</p>"  # another key, its own part
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")
        assert PART.render(Context({"key": 1, "value": value})) == "<p>drawn 3</p>"


def test_organisations_never_share_a_part(org_a, org_b):
    with tenant_scope(org_a):
        PART.render(Context({"key": 1, "value": "Alpha"}))
    with tenant_scope(org_b):
        assert PART.render(Context({"key": 1, "value": "Beta"})) == "<p>Beta</p>"


def test_a_part_with_a_form_token_is_refused(org_a):
    form = Template(
        "{% load fragments %}{% cached_fragment 'test-form' domains='people' %}"
        "<input name='csrfmiddlewaretoken' value='{{ token }}'>{% endcached_fragment %}"
    )
    with tenant_scope(org_a), pytest.raises(TemplateSyntaxError):
        form.render(Context({"token": "abc"}))


def test_it_needs_its_domains():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% cached_fragment 'x' %}{% endcached_fragment %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% cached_fragment 'x' domains='people' colour='red' %}{% endcached_fragment %}")


def test_a_part_named_none_is_drawn_every_time(org_a):
    value = Value()
    with tenant_scope(org_a):
        assert PART.render(Context({"key": None, "value": value})) == "<p>drawn 1</p>"
        assert PART.render(Context({"key": None, "value": value})) == "<p>drawn 2</p>"
        assert PART.render(Context({"value": value})) == "<p>drawn 3</p>"  # no key at all: not ""


def test_domains_may_come_from_the_view_as_a_sequence(org_a, unit_a):
    part = Template(
        "{% load fragments %}{% cached_fragment 'test-seq' domains=read_from %}{{ value }}{% endcached_fragment %}"
    )
    value = Value()
    with tenant_scope(org_a):
        assert part.render(Context({"read_from": ("people",), "value": value})) == "drawn 1"
        assert part.render(Context({"read_from": ("people",), "value": value})) == "drawn 1"
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")
        assert part.render(Context({"read_from": ("people",), "value": value})) == "drawn 2"
