from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.cycles.models import RatingScale, ScaleLevel
from apps.cycles.services.scales import level_for_score, scale_save
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope

FIVE = [
    {"value": Decimal(v), "label": str(v), "name": n, "descriptor": "", "band_from": Decimal(b)}
    for v, n, b in [
        (5, "Outstanding", "4.5"),
        (4, "Very good", "3.5"),
        (3, "Good", "2.5"),
        (2, "Fair", "1.5"),
        (1, "Poor", "0"),
    ]
]


@pytest.fixture
def hr(alice, org_a):
    return alice, Membership.objects.get(user=alice, organization=org_a)


def test_a_scale_maps_scores_to_levels_by_band(hr, org_a):
    user, membership = hr
    with tenant_scope(org_a):
        scale = scale_save(actor=user, membership=membership, name="Five levels", levels=FIVE)
        levels = list(scale.levels.all())
        assert [level.label for level in levels] == ["5", "4", "3", "2", "1"]
        assert level_for_score(levels, Decimal("4.49")).label == "4"
        assert level_for_score(levels, Decimal("4.5")).label == "5"
        assert level_for_score(levels, Decimal("0.2")).label == "1"


def test_bands_that_do_not_rise_with_the_levels_are_refused(hr, org_a):
    user, membership = hr
    bad = [dict(row) for row in FIVE]
    bad[1]["band_from"] = Decimal("4.6")  # "4" would start above "5"
    with tenant_scope(org_a), pytest.raises(ValidationError) as error:
        scale_save(actor=user, membership=membership, name="Broken", levels=bad)
    assert "levels" in error.value.message_dict
    with tenant_scope(org_a):
        assert not RatingScale.objects.exists()


def test_editing_a_scale_keeps_levels_matched_by_value(hr, org_a):
    user, membership = hr
    with tenant_scope(org_a):
        scale = scale_save(actor=user, membership=membership, name="Five", levels=FIVE)
        five_id = scale.levels.get(value=5).pk
        relabelled = [dict(row, label=chr(ord("A") + i)) for i, row in enumerate(FIVE)]
        scale_save(actor=user, membership=membership, name="Five", levels=relabelled, scale=scale)
        assert ScaleLevel.objects.get(pk=five_id).label == "A"
        assert scale.levels.count() == 5


def test_duplicate_labels_and_too_few_levels_are_refused(hr, org_a):
    user, membership = hr
    with tenant_scope(org_a):
        with pytest.raises(ValidationError, match="same label"):
            scale_save(actor=user, membership=membership, name="Dup", levels=[dict(FIVE[0]), dict(FIVE[1], label="5")])
        with pytest.raises(ValidationError, match="at least two"):
            scale_save(actor=user, membership=membership, name="One", levels=FIVE[:1])
