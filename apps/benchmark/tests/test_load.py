"""The load test's parts that need no gunicorn: its targets and the saves it makes alongside."""

from apps.benchmark import load, pages
from apps.benchmark.data import build_organization
from apps.cycles.models import Appraisal, AppraisalState, RatingChange
from apps.tenancy.scoping import tenant_scope


def test_the_mix_asks_every_page_as_appraisees_their_officers_and_hr(db):
    case = build_organization("tiny-load", employees=40, fanout=2)
    targets, appraisals = load.targets_for(case, pages.pages_of(case), people=3)
    assert {t.key for t in targets} == set(load.MIX)
    assert appraisals and all(a.state == AppraisalState.SELF_ASSESSMENT for a in appraisals)
    # Each page weighs its share of the mix, once per person.
    per_key = {key: sum(1 for t in targets if t.key == key) for key in load.MIX}
    assert per_key == {key: weight * len(appraisals) for key, weight in load.MIX.items()}


def test_a_save_alongside_goes_through_the_service(db):
    case = build_organization("tiny-save", employees=40, fanout=2)
    _, appraisals = load.targets_for(case, pages.pages_of(case), people=1)
    appraisal = appraisals[0]
    load.save_self_assessment(case, appraisal.pk, 3)
    load.save_self_assessment(case, appraisal.pk, 4)
    with tenant_scope(case.organization):
        saved = Appraisal.objects.get(pk=appraisal.pk)
        assert saved.version == appraisal.version + 2
        assert RatingChange.objects.filter(appraisal=saved).exists()
