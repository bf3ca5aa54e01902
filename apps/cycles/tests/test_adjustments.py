"""Adjusting a rated appraisal from outside it (moderation, appeals): the overall level or one
rating changes on the frozen scale, with a required reason, in the history, version bumped."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.cycles.models import Appraisal, AppraisalState, CompetencyRating, RatingChange, SectionKind
from apps.cycles.selectors_history import history_page
from apps.cycles.services.adjustments import adjust_overall_level, adjust_rating
from apps.cycles.workflow import Role
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

LEVELS = [
    {"value": str(v), "label": str(v), "name": "", "descriptor": "", "band_from": str(Decimal(v) - Decimal("0.5"))}
    for v in range(1, 6)
]
LEVELS[0]["band_from"] = "0"


def rich_snapshot() -> dict:
    return {
        "template": {"id": "t", "name": "Scheme"},
        "scale": {"id": "s", "name": "Five", "levels": LEVELS},
        "sections": [
            {
                "key": "work",
                "kind": SectionKind.WORK_TARGETS,
                "title": "Work",
                "weight": "50",
                "officer_rates": True,
                "competencies": [],
            },
            {
                "key": "comp",
                "kind": SectionKind.COMPETENCIES,
                "title": "Competencies",
                "weight": "50",
                "officer_rates": True,
                "competencies": [{"key": "c1", "name": "Teamwork"}, {"key": "c2", "name": "Drive"}],
            },
        ],
    }


@pytest.fixture
def rated(org_a, alice):
    with tenant_scope(org_a):
        ct = factories.CycleTemplateFactory(organization=org_a, snapshot=rich_snapshot())
        appraisal = factories.AppraisalFactory(
            organization=org_a,
            cycle_template=ct,
            state=AppraisalState.COUNTERSIGNED,
            overall_score=Decimal("4.00"),
            overall_level="4",
        )
        target = factories.AppraisalTargetFactory(
            organization=org_a, appraisal=appraisal, weight=Decimal("100"), officer_rating=Decimal("4")
        )
        factories.CompetencyRatingFactory(
            organization=org_a, appraisal=appraisal, competency_key="c1", officer_rating=Decimal("4")
        )
        factories.CompetencyRatingFactory(
            organization=org_a, appraisal=appraisal, competency_key="c2", officer_rating=Decimal("4")
        )
    return appraisal, target


def _fresh(appraisal):
    return Appraisal.objects.get(pk=appraisal.pk)


def test_adjusting_the_level_keeps_the_old_one_in_the_history(org_a, alice, rated):
    appraisal, _target = rated
    with tenant_scope(org_a):
        change = adjust_overall_level(
            actor=alice,
            appraisal=appraisal,
            new_level_label="3",
            reason="Out of line with peers",
            source="Moderation: North panel",
        )
        fresh = _fresh(appraisal)
        assert (fresh.overall_level, fresh.overall_score, fresh.version) == (
            "3",
            Decimal("4.00"),
            appraisal.version + 1,
        )
        assert (change.subject, change.field, change.old_value, change.new_value) == (
            "appraisal",
            "overall_level",
            "4",
            "3",
        )
        assert change.reason == "Moderation: North panel: Out of line with peers"
        assert change.actor == alice
        assert AuditEvent.objects.filter(action="appraisal.adjust_overall_level").count() == 1
        entry = history_page(fresh, {Role.HR}).entries[0]
        assert entry.field == "Overall level" and (entry.old, entry.new) == ("4", "3")


@pytest.mark.parametrize(
    ("label", "reason", "field"),
    [("9", "why", "level"), ("4", "why", "level"), ("3", "  ", "reason")],
)
def test_the_level_must_be_on_the_scale_new_and_justified(org_a, alice, rated, label, reason, field):
    appraisal, _target = rated
    with tenant_scope(org_a):
        with pytest.raises(ValidationError) as caught:
            adjust_overall_level(actor=alice, appraisal=appraisal, new_level_label=label, reason=reason, source="x")
        assert field in caught.value.message_dict
        assert RatingChange.objects.count() == 0
        assert _fresh(appraisal).overall_level == "4"


@pytest.mark.parametrize("state", [AppraisalState.WITH_OFFICER, AppraisalState.WITH_COUNTERSIGNING])
def test_an_appraisal_still_with_its_officers_cannot_be_adjusted(org_a, alice, rated, state):
    appraisal, target = rated
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=appraisal.pk).update(state=state)
        with pytest.raises(ValidationError):
            adjust_overall_level(actor=alice, appraisal=appraisal, new_level_label="3", reason="r", source="x")
        with pytest.raises(ValidationError):
            adjust_rating(
                actor=alice,
                appraisal=appraisal,
                subject="target",
                key=target.public_id,
                new_value="2",
                reason="r",
                source="x",
            )


def test_adjusting_a_target_rating_recomputes_score_and_level(org_a, alice, rated):
    appraisal, target = rated
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=appraisal.pk).update(state=AppraisalState.RELEASED)
        changes = adjust_rating(
            actor=alice,
            appraisal=appraisal,
            subject="target",
            key=str(target.public_id),
            new_value="2",
            reason="Evidence missed",
            source="Appeal 7",
        )
        fresh = _fresh(appraisal)
        # (2 * 50 + avg(4, 4) * 50) / 100
        assert (fresh.overall_score, fresh.overall_level) == (Decimal("3.00"), "3")
        assert fresh.version == appraisal.version + 1
        assert [(c.subject, c.field, c.old_value, c.new_value) for c in changes] == [
            ("target", "officer_rating", "4", "2"),
            ("appraisal", "overall_score", "4", "3"),
            ("appraisal", "overall_level", "4", "3"),
        ]
        assert all(c.reason == "Appeal 7: Evidence missed" for c in changes)
        assert RatingChange.objects.filter(appraisal=appraisal).count() == 3


def test_adjusting_a_competency_rating(org_a, alice, rated):
    appraisal, _target = rated
    with tenant_scope(org_a):
        changes = adjust_rating(
            actor=alice,
            appraisal=appraisal,
            subject="competency",
            key="c1",
            new_value=Decimal("5"),
            reason="Led the merger",
            source="Moderation",
        )
        assert CompetencyRating.objects.get(appraisal=appraisal, competency_key="c1").officer_rating == 5
        fresh = _fresh(appraisal)
        assert fresh.overall_score == Decimal("4.25")
        assert fresh.overall_level == "4"  # band unchanged: no level row
        assert [c.field for c in changes] == ["officer_rating", "overall_score"]


@pytest.mark.parametrize(
    ("subject", "key", "value", "field"),
    [
        ("competency", "nope", "3", "__all__"),
        ("section", "work", "3", "__all__"),
        ("competency", "c1", "7", "value"),
        ("competency", "c1", "4", "value"),
        ("competency", "c1", "abc", "value"),
    ],
)
def test_bad_rating_adjustments_are_refused_at_a_field(org_a, alice, rated, subject, key, value, field):
    appraisal, _target = rated
    with tenant_scope(org_a):
        with pytest.raises(ValidationError) as caught:
            adjust_rating(
                actor=alice, appraisal=appraisal, subject=subject, key=key, new_value=value, reason="r", source="x"
            )
        assert field in caught.value.message_dict
        assert RatingChange.objects.count() == 0


def test_the_appraisee_reads_a_level_change_only_after_release(org_a, alice, rated):
    appraisal, _target = rated
    with tenant_scope(org_a):
        adjust_overall_level(actor=alice, appraisal=appraisal, new_level_label="3", reason="r", source="x")
        assert history_page(_fresh(appraisal), {Role.APPRAISEE}).entries == []
        Appraisal.objects.filter(pk=appraisal.pk).update(state=AppraisalState.RELEASED)
        assert len(history_page(_fresh(appraisal), {Role.APPRAISEE}).entries) == 1
