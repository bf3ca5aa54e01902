"""Acme's demo: the moderation panel's closed session on the demo cycle with one adjusted
level, leaving the countersigned results for HR to release; a second seeding adds nothing."""

from django.core.management import call_command

from apps.committees.models import ModerationAdjustment, ModerationSession
from apps.cycles.models import Appraisal, AppraisalState
from apps.cycles.services.release import moderation_holding
from apps.tenancy.models import Organization
from apps.tenancy.scoping import tenant_scope


def test_acme_gets_one_closed_session_with_one_adjustment(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        countersigned = Appraisal.objects.filter(state=AppraisalState.COUNTERSIGNED).count()
        session = ModerationSession.objects.get()
        assert session.status == "closed" and session.summary
        adjustment = ModerationAdjustment.objects.get()
        assert adjustment.original_level != adjustment.new_level
        assert adjustment.appraisal.overall_level == adjustment.new_level
        assert adjustment.appraisal.state == AppraisalState.COUNTERSIGNED
        assert countersigned >= 3
        assert moderation_holding(session.cycle) == []
    call_command("seed_demo")
    with tenant_scope(acme):
        assert (ModerationSession.objects.count(), ModerationAdjustment.objects.count()) == (1, 1)
