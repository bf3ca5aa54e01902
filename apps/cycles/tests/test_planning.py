"""Planning the work targets: who may propose and agree them, what is refused, what is kept."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cycles.models import Appraisal, AppraisalState, AppraisalTarget, CycleTemplate, PhaseKind, RatingChange
from apps.cycles.services.planning import target_agree, target_delete, target_save
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .appraisal_cast import actor, build_cast, client_for, fresh, set_state, snapshot


@pytest.fixture
def cast(org_a, unit_a, alice):
    return build_cast(org_a, unit_a, alice)


def _save(cast, who, **fields):
    values = {"title": "Close the books monthly", "measure": "By day 5", "weight": Decimal("60"), "goal": None}
    values.update(fields)
    with tenant_scope(cast.org):
        return target_save(appraisal=cast.appraisal, **values, **actor(cast, who))


def test_the_appraisee_adds_a_target_and_the_change_is_kept(cast):
    target = _save(cast, "ann")
    with tenant_scope(cast.org):
        assert target.appraisal_id == cast.appraisal.pk and target.weight == Decimal("60")
        change = RatingChange.objects.get(appraisal=cast.appraisal)
        assert (change.subject, change.field, change.new_value) == ("target", "created", "Close the books monthly")
        assert AuditEvent.objects.filter(action="appraisal.target_save").exists()
    assert fresh(cast).version == 2


def test_a_change_records_old_and_new_and_clears_the_other_sides_agreement(cast):
    target = _save(cast, "ann", weight=Decimal("100"))
    with tenant_scope(cast.org):
        target_agree(appraisal=cast.appraisal, **actor(cast, "ann"))
        target_agree(appraisal=cast.appraisal, **actor(cast, "otto"))
    _save(cast, "otto", target=target, title="Close the books in 4 days", weight=Decimal("100"))
    with tenant_scope(cast.org):
        target.refresh_from_db()
        assert target.agreed_by_officer_at is not None
        assert target.agreed_by_appraisee_at is None
        change = RatingChange.objects.get(field="title")
        assert (change.old_value, change.new_value) == ("Close the books monthly", "Close the books in 4 days")


def test_agreement_needs_weights_summing_to_100_and_names_the_sum(cast):
    _save(cast, "ann", weight=Decimal("60"))
    _save(cast, "ann", title="Second", weight=Decimal("30"))
    with tenant_scope(cast.org), pytest.raises(ValidationError) as refused:
        target_agree(appraisal=cast.appraisal, **actor(cast, "otto"))
    assert "90%" in str(refused.value.message_dict["weight"])
    with tenant_scope(cast.org):
        assert not AppraisalTarget.objects.filter(agreed_by_officer_at__isnull=False).exists()


@pytest.mark.parametrize("weight", [Decimal("-1"), Decimal("100.5")])
def test_a_weight_outside_0_to_100_is_refused_at_the_field(cast, weight):
    with pytest.raises(ValidationError) as refused:
        _save(cast, "ann", weight=weight)
    assert "weight" in refused.value.message_dict
    with tenant_scope(cast.org):
        assert not AppraisalTarget.objects.exists()


def test_the_template_can_demand_a_goal(cast):
    with tenant_scope(cast.org):
        CycleTemplate.objects.filter(pk=cast.appraisal.cycle_template_id).update(
            snapshot=snapshot(targets_need_goal=True)
        )
        cast.appraisal.cycle_template.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _save(cast, "ann")
    assert "goal" in refused.value.message_dict


def test_goals_are_limited_to_the_appraisees_own_unit_and_period(cast):
    with tenant_scope(cast.org):
        period = cast.cycle.period
        strategic = factories.GoalFactory(organization=cast.org, period=period)
        others = factories.GoalFactory(
            organization=cast.org, period=period, level="individual", employee=cast.employees["dave"], parent=strategic
        )
        other_period = factories.GoalFactory(organization=cast.org)
    assert _save(cast, "ann", goal=strategic).goal_id == strategic.pk
    for goal in (others, other_period):
        with pytest.raises(ValidationError) as refused:
            _save(cast, "ann", goal=goal)
        assert "goal" in refused.value.message_dict


def test_a_stale_version_is_refused_and_nothing_is_written(cast):
    _save(cast, "ann")
    with pytest.raises(ValidationError) as refused:
        _save(cast, "otto", title="Other", expected_version=1)
    assert "Someone else saved" in str(refused.value)
    with tenant_scope(cast.org):
        assert AppraisalTarget.objects.count() == 1


@pytest.mark.parametrize("who", ["cora", "alice", "dave"])
def test_only_the_appraisee_and_officer_change_targets(cast, who):
    with pytest.raises(PermissionDenied):
        _save(cast, who)


def test_targets_are_locked_once_the_self_assessment_opens(cast):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        _save(cast, "ann")


def test_removing_a_target_is_recorded(cast):
    target = _save(cast, "ann")
    with tenant_scope(cast.org):
        target_delete(appraisal=cast.appraisal, target=target, **actor(cast, "otto"))
        assert not AppraisalTarget.objects.exists()
        assert RatingChange.objects.filter(field="removed", old_value=target.title).exists()


# --- The page ----------------------------------------------------------------------------------


def _url(cast):
    return org_reverse("cycles:planning_targets", cast.org, appraisal_id=cast.appraisal.public_id)


def test_the_page_adds_a_target_and_shows_it(cast):
    client = client_for(cast, "ann")
    response = client.post(
        _url(cast), {"op": "save", "title": "Cut costs", "measure": "", "weight": "100", "version": 1}
    )
    assert response.status_code == 302
    page = client.get(_url(cast))
    assert b"Cut costs" in page.content


def test_the_page_shows_a_bad_weight_at_the_field(cast):
    response = client_for(cast, "ann").post(_url(cast), {"op": "save", "title": "X", "weight": "150", "version": 1})
    assert response.status_code == 200
    assert "weight" in response.context["form"].errors
    with tenant_scope(cast.org):
        assert not AppraisalTarget.objects.exists()


def test_the_page_refuses_agreement_with_the_sum(cast):
    _save(cast, "ann", weight=Decimal("40"))
    response = client_for(cast, "otto").post(_url(cast), {"op": "agree", "version": fresh(cast).version})
    assert response.status_code == 200
    assert "40%" in response.content.decode()


def test_the_page_tells_a_stale_form_what_happened(cast):
    _save(cast, "ann")
    response = client_for(cast, "otto").post(_url(cast), {"op": "save", "title": "Mine", "weight": "10", "version": 1})
    assert "Someone else saved" in response.content.decode()
    assert response.context["form"]["version"].value() == fresh(cast).version
    with tenant_scope(cast.org):
        assert AppraisalTarget.objects.count() == 1


def test_the_countersigning_officer_sees_but_may_not_post(cast):
    client = client_for(cast, "cora")
    assert client.get(_url(cast)).status_code == 200
    response = client.post(_url(cast), {"op": "save", "title": "X", "weight": "10", "version": 1})
    assert response.status_code == 403


def test_an_outsider_and_another_tenant_get_404(cast, charlie_client):
    assert client_for(cast, "dave").get(_url(cast)).status_code == 404
    assert charlie_client.get(_url(cast).replace("/o/alpha/", "/o/beta/")).status_code == 404
    assert charlie_client.post(_url(cast).replace("/o/alpha/", "/o/beta/"), {"op": "agree"}).status_code == 404
    with tenant_scope(cast.org):
        assert Appraisal.objects.get(pk=cast.appraisal.pk).version == 1


def test_the_edit_link_fills_the_form_with_the_target(cast):
    target = _save(cast, "ann", title="Audit the ledger")
    response = client_for(cast, "otto").get(_url(cast), {"target": target.public_id})
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Audit the ledger"
    assert response.context["form"]["version"].value() == fresh(cast).version
