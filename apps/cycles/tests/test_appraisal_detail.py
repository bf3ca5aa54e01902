"""The appraisal's home page: header, open steps, targets (ratings only for those who may see
them), history; for the people of the appraisal only, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cycles.models import AppraisalState, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .appraisal_cast import build_cast, client_for, set_state


@pytest.fixture
def cast(org_a, unit_a, alice):
    return build_cast(org_a, unit_a, alice)


def _url(cast):
    return org_reverse("cycles:appraisal_detail", cast.org, appraisal_id=cast.appraisal.public_id)


def _add_rows(cast, n):
    with tenant_scope(cast.org):
        goal = factories.GoalFactory(organization=cast.org, period=cast.cycle.period)
        for i in range(n):
            factories.AppraisalTargetFactory(
                organization=cast.org, appraisal=cast.appraisal, goal=goal, officer_rating=Decimal("4"), title=f"T{i}"
            )
            factories.AppraisalEventFactory(organization=cast.org, appraisal=cast.appraisal, actor=cast.users["otto"])


def test_the_page_shows_the_header_and_history(cast):
    _add_rows(cast, 1)
    response = client_for(cast, "ann").get(_url(cast))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Ann Example", "Otto Example", "Cora Example", "Officers&#x27; scheme", "Planning", "T0", "History"):
        assert text in page, text


def test_the_appraisee_does_not_see_the_officers_ratings_before_release(cast):
    _add_rows(cast, 1)
    set_state(cast, AppraisalState.WITH_COUNTERSIGNING, PhaseKind.COUNTERSIGNING)
    assert client_for(cast, "ann").get(_url(cast)).context["show_ratings"] is False
    assert client_for(cast, "otto").get(_url(cast)).context["show_ratings"] is True
    set_state(cast, AppraisalState.RELEASED, PhaseKind.RELEASE)
    assert client_for(cast, "ann").get(_url(cast)).context["show_ratings"] is True


def test_the_steps_open_to_the_person_are_offered(cast):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    steps = client_for(cast, "ann").get(_url(cast)).context["steps"]
    assert [s.action for s in steps] == ["submit_self_assessment"]
    assert client_for(cast, "otto").get(_url(cast)).context["steps"] == []


@pytest.mark.parametrize("who", ["ann", "otto", "cora", "alice"])
def test_each_person_of_the_appraisal_sees_it(cast, who):
    assert client_for(cast, who).get(_url(cast)).status_code == 200


def test_an_outsider_and_another_tenant_get_404(cast, charlie_client):
    assert client_for(cast, "dave").get(_url(cast)).status_code == 404
    assert charlie_client.get(_url(cast).replace("/o/alpha/", "/o/beta/")).status_code == 404


def test_the_query_count_does_not_grow_with_targets_and_events(cast):
    client = client_for(cast, "otto")
    _add_rows(cast, 1)
    client.get(_url(cast))  # warm the session
    forget_cached_reads()
    with CaptureQueriesContext(connection) as few:
        client.get(_url(cast))
    _add_rows(cast, 5)
    forget_cached_reads()
    with CaptureQueriesContext(connection) as many:
        client.get(_url(cast))
    assert len(many) == len(few)
