"""The overall score, property-based: it stays within the scale, never falls when a rating
rises, equals the rating when all ratings agree, and lands on the level whose band holds it."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apps.cycles.scoring import overall_level, overall_score

LEVELS = [
    {"value": "5", "label": "5", "band_from": "4.5"},
    {"value": "4", "label": "4", "band_from": "3.5"},
    {"value": "3", "label": "3", "band_from": "2.5"},
    {"value": "2", "label": "2", "band_from": "1.5"},
    {"value": "1", "label": "1", "band_from": "0"},
]


def _snapshot(target_weight, competency_weight, competencies=3):
    return {
        "scale": {"levels": LEVELS},
        "sections": [
            {"key": "t", "kind": "work_targets", "weight": str(target_weight), "competencies": []},
            {
                "key": "c",
                "kind": "competencies",
                "weight": str(competency_weight),
                "competencies": [{"key": f"c{i}"} for i in range(competencies)],
            },
            {"key": "g", "kind": "general_comments", "weight": "0", "competencies": []},
        ],
    }


ratings = st.sampled_from([Decimal(v) for v in range(1, 6)])
weights = st.integers(min_value=0, max_value=100).map(Decimal)
targets = st.lists(st.fixed_dictionaries({"weight": weights, "officer_rating": ratings}), min_size=1, max_size=6)
competency_ratings = st.lists(ratings, min_size=3, max_size=3)
section_weight = st.integers(min_value=0, max_value=100)


@given(targets=targets, competencies=competency_ratings, split=section_weight)
def test_the_score_stays_within_the_scale(targets, competencies, split):
    snapshot = _snapshot(split, 100 - split)
    score = overall_score(snapshot, targets, {f"c{i}": r for i, r in enumerate(competencies)})
    assert Decimal("1") <= score <= Decimal("5")
    assert overall_level(snapshot, score) is not None


@given(
    targets=targets, competencies=competency_ratings, split=section_weight, index=st.integers(min_value=0, max_value=5)
)
def test_raising_a_rating_never_lowers_the_score(targets, competencies, split, index):
    snapshot = _snapshot(split, 100 - split)
    comps = {f"c{i}": r for i, r in enumerate(competencies)}
    before = overall_score(snapshot, targets, comps)
    raised = [dict(t) for t in targets]
    target = raised[index % len(raised)]
    target["officer_rating"] = min(Decimal("5"), target["officer_rating"] + 1)
    assert overall_score(snapshot, raised, comps) >= before


@given(rating=ratings, targets_n=st.integers(min_value=1, max_value=5), split=section_weight)
def test_agreeing_ratings_give_that_rating(rating, targets_n, split):
    snapshot = _snapshot(split, 100 - split)
    score = overall_score(
        snapshot, [{"weight": Decimal("20"), "officer_rating": rating}] * targets_n, {f"c{i}": rating for i in range(3)}
    )
    assert score == rating
    assert overall_level(snapshot, score)["value"] == str(rating.normalize())


def test_weights_decide_the_mix():
    snapshot = _snapshot(60, 40)
    score = overall_score(
        snapshot,
        [
            {"weight": Decimal("75"), "officer_rating": Decimal("4")},
            {"weight": Decimal("25"), "officer_rating": Decimal("2")},
        ],
        {"c0": Decimal("5"), "c1": Decimal("5"), "c2": Decimal("2")},
    )
    # targets 3.5 × 0.6 + competencies 4 × 0.4
    assert score == Decimal("3.70")
    assert overall_level(snapshot, score)["label"] == "4"


def test_nothing_rated_yet_has_no_score():
    snapshot = _snapshot(60, 40)
    assert overall_score(snapshot, [{"weight": Decimal("50"), "officer_rating": None}], {}) is None
    assert overall_level(snapshot, None) is None
