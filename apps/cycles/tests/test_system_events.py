"""Events written by the system (the launch, the automation) have no actor: pages still render them."""

from django.urls import reverse

from apps.cycles.models import AppraisalState
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def test_an_event_without_an_actor_shows_as_the_system(alice_client, alice, org_a):
    with tenant_scope(org_a):
        appraisal = factories.AppraisalFactory(organization=org_a, employee=alice.employments.get())
        factories.AppraisalEventFactory(
            organization=org_a, appraisal=appraisal, actor=None, to_state=AppraisalState.PLANNING, note="Cycle launched"
        )
    for name in ("cycles:appraisal_detail", "cycles:officers_reassign"):
        page = alice_client.get(reverse(name, kwargs={"org_slug": org_a.slug, "appraisal_id": appraisal.public_id}))
        assert page.status_code == 200, name
        assert b"The system" in page.content
