"""The appraising officer's rating: service rules (scale, extreme-level comments, history,
stale versions, submit) and the page (live score fragment, field errors, read-only and 404)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from apps.cycles.models import Appraisal, AppraisalState, CompetencyRating, PhaseKind, RatingChange
from apps.cycles.services.rating import field_name, rating_save, rating_submit
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

LEVELS = [
    {"value": f"{v}.00", "label": str(v), "name": name, "descriptor": f"{name} work", "band_from": band}
    for v, name, band in (
        (5, "Outstanding", "4.50"),
        (4, "Very good", "3.50"),
        (3, "Good", "2.50"),
        (2, "Fair", "1.50"),
        (1, "Unsatisfactory", "0.00"),
    )
]


def snapshot():
    return {
        "template": {"id": "t", "name": "Officers"},
        "scale": {"id": "s", "name": "Five levels", "levels": LEVELS},
        "sections": [
            {
                "key": "targets",
                "kind": "work_targets",
                "title": "Work targets",
                "guidance": "",
                "weight": "60.00",
                "appraisee_fills": True,
                "appraisee_self_rates": True,
                "officer_rates": True,
                "countersigning_sees": True,
                "targets_need_goal": False,
                "competencies": [],
            },
            {
                "key": "comps",
                "kind": "competencies",
                "title": "Core competencies",
                "guidance": "",
                "weight": "40.00",
                "appraisee_fills": False,
                "appraisee_self_rates": False,
                "officer_rates": True,
                "countersigning_sees": True,
                "targets_need_goal": False,
                "competencies": [
                    {
                        "key": "c1",
                        "name": "Teamwork",
                        "description": "",
                        "descriptors": {"5.00": "Lifts the whole team"},
                    },
                    {"key": "c2", "name": "Integrity", "description": "", "descriptors": {}},
                ],
            },
            {
                "key": "general",
                "kind": "general_comments",
                "title": "General comments",
                "guidance": "",
                "weight": "0",
                "appraisee_fills": True,
                "appraisee_self_rates": False,
                "officer_rates": False,
                "countersigning_sees": False,
                "targets_need_goal": False,
                "competencies": [],
            },
        ],
    }


@pytest.fixture
def world(org_a, unit_a, alice):
    """Ann is appraised by Otto and countersigned by Cora; the appraisal waits for Otto's rating."""
    users = {
        name: factories.member(org_a, unit_a, email=f"{name}@alpha.test", first_name=name.title())
        for name in ("ann", "otto", "cora")
    }
    with tenant_scope(org_a):
        employees = {name: user.employments.get() for name, user in users.items()}
        cycle_template = factories.CycleTemplateFactory(organization=org_a, snapshot=snapshot())
        cycle = cycle_template.cycle
        cycle.current_phase = PhaseKind.APPRAISAL
        cycle.save()
        appraisal = factories.AppraisalFactory(
            organization=org_a,
            cycle_template=cycle_template,
            employee=employees["ann"],
            appraising_officer=employees["otto"],
            countersigning_officer=employees["cora"],
            state=AppraisalState.WITH_OFFICER,
        )
        targets = [
            factories.AppraisalTargetFactory(
                organization=org_a,
                appraisal=appraisal,
                title=title,
                weight=Decimal("50"),
                achievement=f"Did {title}",
                self_rating=Decimal("4"),
            )
            for title in ("Close the books", "Cut arrears")
        ]
        factories.SectionResponseFactory(
            organization=org_a, appraisal=appraisal, section_key="general", appraisee_text="A good year"
        )
        memberships = {name: Membership.objects.get(user=user, organization=org_a) for name, user in users.items()}
    return {
        "users": users,
        "employees": employees,
        "memberships": memberships,
        "appraisal": appraisal,
        "targets": targets,
        "org": org_a,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def as_officer(world):
    return {
        "actor": world["users"]["otto"],
        "membership": world["memberships"]["otto"],
        "employee": world["employees"]["otto"],
    }


def full_ratings(world, value="4", comment=""):
    ratings = {}
    for target in world["targets"]:
        ratings[field_name("target", target.public_id, "rating")] = value
        ratings[field_name("target", target.public_id, "comment")] = comment
    for key in ("c1", "c2"):
        ratings[field_name("competency", key, "rating")] = value
        ratings[field_name("competency", key, "comment")] = comment
    return ratings


def url(world, name="rating"):
    return org_reverse(f"cycles:{name}", world["org"], appraisal_id=world["appraisal"].public_id)


# --- Service ---------------------------------------------------------------------------------


def test_saving_stores_ratings_score_level_and_history(world):
    with tenant_scope(world["org"]):
        appraisal = rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings=full_ratings(world, "4"),
            overall_assessment="Solid",
            training_recommendations="Excel",
        )
        assert appraisal.version == 2
        assert appraisal.overall_score == Decimal("4.00")
        assert appraisal.overall_level == "4"
        assert appraisal.overall_assessment == "Solid"
        assert CompetencyRating.objects.get(appraisal=appraisal, competency_key="c1").officer_rating == Decimal("4")
        changes = RatingChange.objects.filter(appraisal=appraisal, field="officer_rating")
        assert changes.count() == 4
        assert {(c.old_value, c.new_value) for c in changes} == {("", "4")}


def test_a_change_of_rating_is_recorded_old_to_new(world):
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=full_ratings(world, "4")
        )
        ratings = full_ratings(world, "4")
        ratings[field_name("competency", "c1", "rating")] = "3"
        rating_save(**as_officer(world), appraisal=world["appraisal"], expected_version=2, ratings=ratings)
        change = RatingChange.objects.filter(subject_key="c1", field="officer_rating").latest("pk")
        assert (change.old_value, change.new_value, change.actor) == ("4", "3", world["users"]["otto"])


def test_an_extreme_rating_needs_a_comment_at_that_field(world):
    ratings = full_ratings(world, "4")
    ratings[field_name("competency", "c2", "rating")] = "5"
    with tenant_scope(world["org"]), pytest.raises(ValidationError) as error:
        rating_save(**as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=ratings)
    assert field_name("competency", "c2", "comment") in error.value.message_dict
    with tenant_scope(world["org"]):
        assert not RatingChange.objects.exists()
        assert Appraisal.objects.get(pk=world["appraisal"].pk).version == 1


def test_a_rating_off_the_scale_is_refused_at_its_field(world):
    ratings = full_ratings(world, "4")
    ratings[field_name("competency", "c1", "rating")] = "7"
    with tenant_scope(world["org"]), pytest.raises(ValidationError) as error:
        rating_save(**as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=ratings)
    assert field_name("competency", "c1", "rating") in error.value.message_dict


def test_a_stale_version_writes_nothing_and_says_what_differs(world):
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=full_ratings(world, "4")
        )
        with pytest.raises(ValidationError) as error:
            rating_save(
                **as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=full_ratings(world, "3")
            )
        assert "Teamwork (rating)" in str(error.value)
        assert RatingChange.objects.filter(new_value="3").count() == 0


def test_only_the_officer_rates_and_only_while_it_is_with_them(world):
    with tenant_scope(world["org"]):
        ann = world["users"]["ann"]
        with pytest.raises(PermissionDenied):
            rating_save(
                actor=ann,
                membership=world["memberships"]["ann"],
                employee=world["employees"]["ann"],
                appraisal=world["appraisal"],
                expected_version=1,
                ratings=full_ratings(world),
            )
        Appraisal.objects.filter(pk=world["appraisal"].pk).update(state=AppraisalState.WITH_COUNTERSIGNING)
        with pytest.raises(PermissionDenied):
            rating_save(
                **as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=full_ratings(world)
            )


def test_submit_needs_every_rating_then_moves_to_countersigning(world):
    ratings = full_ratings(world, "4")
    ratings[field_name("competency", "c2", "rating")] = ""
    with tenant_scope(world["org"]):
        with pytest.raises(ValidationError) as error:
            rating_submit(**as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=ratings)
        assert field_name("competency", "c2", "rating") in error.value.message_dict
        assert not RatingChange.objects.exists()
        appraisal = rating_submit(
            **as_officer(world), appraisal=world["appraisal"], expected_version=1, ratings=full_ratings(world, "4")
        )
        assert appraisal.state == AppraisalState.WITH_COUNTERSIGNING


# --- Page ------------------------------------------------------------------------------------


def test_the_officer_sees_the_self_assessment_and_the_scale(world):
    response = client_for(world["users"]["otto"]).get(url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Did Close the books" in content
    assert "Lifts the whole team" in content  # the competency's own descriptor for level 5
    assert "Unsatisfactory" in content


def test_the_live_score_comes_back_as_a_fragment_without_saving(world):
    data = {"preview": "1", "version": "1", **full_ratings(world, "4")}
    data[field_name("competency", "c1", "rating")] = "5.00"
    response = client_for(world["users"]["otto"]).post(url(world), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-live="polite"' in content and "<form" not in content
    # Targets 4 (weight 60), competencies (5 + 4) / 2 = 4.5 (weight 40): 4.2.
    assert "4.20" in content
    with tenant_scope(world["org"]):
        assert Appraisal.objects.get(pk=world["appraisal"].pk).overall_score is None


def test_saving_from_the_page_shows_an_extreme_comment_error_at_its_field(world):
    data = {"version": "1", "save": "", **full_ratings(world, "4")}
    data[field_name("competency", "c1", "rating")] = "1.00"
    response = client_for(world["users"]["otto"]).post(url(world), data)
    assert response.status_code == 200
    assert f'id="id_{field_name("competency", "c1", "comment")}_error"' in response.content.decode()


def test_an_off_scale_value_posted_to_the_page_is_a_field_error(world):
    data = {"version": "1", "save": "", **full_ratings(world, "4")}
    data[field_name("competency", "c1", "rating")] = "9"
    response = client_for(world["users"]["otto"]).post(url(world), data)
    assert response.status_code == 200
    assert f'id="id_{field_name("competency", "c1", "rating")}_error"' in response.content.decode()


def test_a_stale_form_on_the_page_is_told_and_saves_nothing(world):
    client = client_for(world["users"]["otto"])
    client.post(url(world), {"version": "1", "save": "", **full_ratings(world, "4")})
    response = client.post(url(world), {"version": "1", "save": "", **full_ratings(world, "3")})
    assert "Someone else saved this appraisal" in response.content.decode()
    with tenant_scope(world["org"]):
        assert Appraisal.objects.get(pk=world["appraisal"].pk).version == 2


def test_save_then_submit_from_the_page(world):
    client = client_for(world["users"]["otto"])
    response = client.post(url(world), {"version": "1", "submit": "", **full_ratings(world, "4")})
    assert response.status_code == 302
    with tenant_scope(world["org"]):
        assert Appraisal.objects.get(pk=world["appraisal"].pk).state == AppraisalState.WITH_COUNTERSIGNING


def test_the_appraisee_reads_but_cannot_post_and_sees_no_officer_rating(world):
    client_for(world["users"]["otto"]).post(
        url(world), {"version": "1", "save": "", **full_ratings(world, "4", comment="Otto's secret words")}
    )
    ann = client_for(world["users"]["ann"])
    response = ann.get(url(world))
    assert response.status_code == 200
    assert "Otto's secret words" not in response.content.decode()
    assert "4.00" not in response.content.decode()
    assert ann.post(url(world), {"version": "2", "save": ""}).status_code == 403


def test_outsiders_and_other_tenants_get_404(world, bob_client, charlie_client):
    assert bob_client.get(url(world)).status_code == 404
    assert charlie_client.get(url(world)).status_code == 404
    assert charlie_client.post(url(world), {"preview": "1"}).status_code == 404


# --- The officer's text in written sections --------------------------------------------------


def _officer_writes_general_comments(world):
    with tenant_scope(world["org"]):
        cycle_template = world["appraisal"].cycle_template
        frozen = snapshot()
        frozen["sections"][2]["officer_rates"] = True
        frozen["sections"][2]["guidance"] = "Sum up the year together"
        cycle_template.snapshot = frozen
        cycle_template.save(update_fields=["snapshot"])
    return field_name("section", "general", "text")


def test_the_officer_writes_beside_the_appraisee_in_written_sections_with_history(world):
    name = _officer_writes_general_comments(world)
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings={},
            section_texts={name: "  Agreed: a strong year  "},
        )
        response = world["appraisal"].section_responses.get(section_key="general")
        assert (response.appraisee_text, response.officer_text) == ("A good year", "Agreed: a strong year")
        rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=2,
            ratings={},
            section_texts={name: "A strong year"},
        )
        change = RatingChange.objects.filter(subject="section", field="officer_text").latest("pk")
        assert (change.subject_key, change.old_value, change.new_value) == (
            "general",
            "Agreed: a strong year",
            "A strong year",
        )


def test_a_written_section_the_template_keeps_from_the_officer_takes_no_officer_text(world):
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings={},
            section_texts={field_name("section", "general", "text"): "Sneaked in"},
        )
        assert world["appraisal"].section_responses.get(section_key="general").officer_text == ""


def test_a_stale_save_names_the_section_that_differs(world):
    name = _officer_writes_general_comments(world)
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings={},
            section_texts={name: "First view"},
        )
        with pytest.raises(ValidationError, match="General comments"):
            rating_save(
                **as_officer(world),
                appraisal=world["appraisal"],
                expected_version=1,
                ratings={},
                section_texts={name: "Second view"},
            )


def test_the_rating_page_offers_the_written_section_with_its_guidance_and_saves_it(world):
    name = _officer_writes_general_comments(world)
    client = client_for(world["users"]["otto"])
    page = client.get(url(world)).content.decode()
    assert f'name="{name}"' in page and "Sum up the year together" in page
    response = client.post(url(world), {"version": "1", "save": "1", name: "Written on the page"})
    assert response.status_code == 302
    with tenant_scope(world["org"]):
        assert world["appraisal"].section_responses.get(section_key="general").officer_text == "Written on the page"
