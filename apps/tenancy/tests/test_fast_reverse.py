"""org_reverse builds a link from the view's cached shape: the same URL as Django's reverse()
for every route of the project, and reverse()'s own answer for values it would convert,
quote or refuse."""

import uuid

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter, UUIDConverter

from apps.tenancy.urls_helpers import fast_reverse

from .url_walk import all_routes

urlpatterns = [path("n/<int:n>/<slug:s>/", lambda request, **kwargs: HttpResponse(), name="numbered")]

_VALUES = {
    UUIDConverter: uuid.UUID("8c1f4a52-61d7-4c1e-9a40-2f0b7de1c9a3"),
    IntConverter: 42,
    SlugConverter: "north-team_2",
    StringConverter: "Report2026",
}


def _kwargs(route) -> dict:
    return {name: _VALUES.get(type(converter), "x") for name, converter in route.converters.items()}


def test_every_route_gets_the_url_reverse_gives():
    routes = [route for route in all_routes() if route.kwargs]
    assert len(routes) > 100  # the project's pages, the organisation's ones with their slug
    for route in routes:
        kwargs = _kwargs(route)
        assert fast_reverse(route.name, kwargs) == reverse(route.name, kwargs=kwargs), route.name
        again = {name: (uuid.uuid4() if isinstance(v, uuid.UUID) else v) for name, v in kwargs.items()}
        assert fast_reverse(route.name, again) == reverse(route.name, kwargs=again), route.name


def test_values_reverse_would_quote_or_refuse_are_left_to_it():
    route = "cycles:self_assessment"
    appraisal = uuid.uuid4()
    assert fast_reverse(route, {"org_slug": "acme", "appraisal_id": appraisal}) == (
        f"/o/acme/cycles/appraisals/{appraisal}/self-assessment/"
    )
    for refused in ({"org_slug": "acme", "appraisal_id": 7}, {"org_slug": "a b", "appraisal_id": appraisal}):
        with pytest.raises(NoReverseMatch):
            fast_reverse(route, refused)
    # The slug converter refuses what a str converter would take and quote: both as reverse() does.
    with pytest.raises(NoReverseMatch):
        fast_reverse(route, {"org_slug": "acmé", "appraisal_id": appraisal})
    assert fast_reverse(route, {"org_slug": "acme", "appraisal_id": str(appraisal)}) == reverse(
        route, kwargs={"org_slug": "acme", "appraisal_id": str(appraisal)}
    )


@override_settings(FORCE_SCRIPT_NAME="/hr/")
def test_a_script_prefix_is_part_of_the_shape():
    from django.urls import set_script_prefix

    set_script_prefix("/hr/")
    try:
        assert fast_reverse("dashboard", {"org_slug": "acme"}) == "/hr/o/acme/"
    finally:
        set_script_prefix("/")
    assert fast_reverse("dashboard", {"org_slug": "acme"}) == "/o/acme/"


@override_settings(ROOT_URLCONF=__name__)
def test_integers_and_another_urlconf():
    assert (
        fast_reverse("numbered", {"n": 5, "s": "a-b"})
        == "/n/5/a-b/"
        == reverse("numbered", kwargs={"n": 5, "s": "a-b"})
    )
    assert fast_reverse("numbered", {"n": 70, "s": "c"}) == "/n/70/c/"
    for refused in ({"n": -1, "s": "a"}, {"n": True, "s": "a"}, {"n": "x", "s": "a"}):
        with pytest.raises(NoReverseMatch):
            fast_reverse("numbered", refused)
