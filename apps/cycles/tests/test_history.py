"""The appraisal's change history page: who sees which changes (the appraisee no officer ratings
before release, a countersigning officer no section the template hides from them), labels, the
per-target filter, and a query count that does not grow with the changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cycles.models import AppraisalState, RatingChange
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .test_rating import client_for, world  # noqa: F401  (the rating tests' cast and fixture)

pytestmark = pytest.mark.django_db


def _change(cast, subject, key, field, old, new, actor="otto"):
    return factories.RatingChangeFactory(
        organization=cast["org"],
        appraisal=cast["appraisal"],
        actor=cast["users"][actor],
        subject=subject,
        subject_key=key,
        field=field,
        old_value=old,
        new_value=new,
    )


@pytest.fixture
def history(world):  # noqa: F811
    target = world["targets"][0]
    with tenant_scope(world["org"]):
        _change(world, "target", str(target.public_id), "self_rating", "", "4", actor="ann")
        _change(world, "target", str(target.public_id), "officer_rating", "", "5")
        _change(world, "competency", "c1", "officer_comment", "", "Lifts the team")
        _change(world, "section", "general", "appraisee_text", "", "A good year", actor="ann")
        _change(world, "appraisal", "", "countersigning_remarks", "", "Fair", actor="cora")
    return world


def _page(cast, who, query=""):
    url = org_reverse("cycles:appraisal_history", cast["org"], appraisal_id=cast["appraisal"].public_id)
    response = client_for(cast["users"][who]).get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_sees_every_change_with_labels(history):
    page = _page(history, "otto")
    for text in (
        "Self-rating",
        "Appraising officer&#x27;s rating",
        "Teamwork",
        "Lifts the team",
        "General comments",
        "Close the books",
    ):
        assert text in page


def test_the_appraisee_sees_no_officer_or_countersigning_change_before_release(history):
    page = _page(history, "ann")
    assert "Self-rating" in page and "A good year" in page
    assert "Lifts the team" not in page and "Appraising officer&#x27;s rating" not in page and "Fair" not in page


def test_the_appraisee_sees_them_once_released(history):
    with tenant_scope(history["org"]):
        history["appraisal"].state = AppraisalState.RELEASED
        history["appraisal"].save(update_fields=["state"])
    page = _page(history, "ann")
    assert "Lifts the team" in page and "Fair" in page


def test_a_template_that_keeps_remarks_private_keeps_their_history_private_too(history):
    with tenant_scope(history["org"]):
        appraisal = history["appraisal"]
        appraisal.state = AppraisalState.RELEASED
        appraisal.save(update_fields=["state"])
        frozen = appraisal.cycle_template.snapshot
        frozen["template"]["appraisee_sees_countersigning"] = False
        appraisal.cycle_template.save(update_fields=["snapshot"])
    page = _page(history, "ann")
    assert "Lifts the team" in page and "Fair" not in page


def test_a_countersigning_officer_does_not_see_a_section_hidden_from_them(history):
    page = _page(history, "cora")
    assert "Lifts the team" in page
    assert "A good year" not in page  # the general comments section has countersigning_sees = False


def test_one_target_at_a_time(history):
    target = history["targets"][0]
    page = _page(history, "otto", f"?subject=target&key={target.public_id}")
    assert "Change history: Close the books" in page
    assert "Lifts the team" not in page


def test_the_query_count_does_not_grow_with_the_changes(history):
    url = org_reverse("cycles:appraisal_history", history["org"], appraisal_id=history["appraisal"].public_id)
    client = client_for(history["users"]["otto"])
    client.get(url)

    def count():
        forget_cached_reads()  # what the page costs when it reads its data
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    with tenant_scope(history["org"]):
        for n in range(30):
            _change(history, "competency", "c2", "officer_comment", str(n), str(n + 1))
        assert RatingChange.objects.count() == 35
    assert count() == before


def test_outsiders_get_404(history, bob_client):
    url = org_reverse("cycles:appraisal_history", history["org"], appraisal_id=history["appraisal"].public_id)
    assert bob_client.get(url).status_code == 404
