"""Autosave: one text field at a time, as the appraisee types, without bumping the version (her
own drafts must not make her open page stale) and without history (drafts are not handed in)."""

import pytest

from apps.cycles.models import Appraisal, AppraisalState, AppraisalTarget, RatingChange, SectionResponse
from apps.cycles.services.self_assessment import self_assessment_submit
from apps.tenancy.scoping import tenant_scope

from .test_self_assessment import as_person, build_world, client_for, full_values, url


@pytest.fixture
def world(org_a, unit_a, alice):
    return build_world(org_a, unit_a, alice)


def autosave(client, world, kind, key, text):
    field = f"target-{key}-achievement" if kind == "achievement" else f"section-{key}-text"
    return client.post(
        url(world, "cycles:autosave"), {"kind": kind, "key": str(key), field: text}, HTTP_HX_REQUEST="true"
    )


def test_it_writes_just_that_one_field(client, world):
    first, second = world["targets"]
    with tenant_scope(world["org"]):
        AppraisalTarget.objects.filter(pk=second.pk).update(achievement="Kept")
    response = autosave(client_for(client, world, "ann"), world, "achievement", first.public_id, "Half way there")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved <time" in body
    with tenant_scope(world["org"]):
        assert AppraisalTarget.objects.get(pk=first.pk).achievement == "Half way there"
        assert AppraisalTarget.objects.get(pk=second.pk).achievement == "Kept"
        appraisal = Appraisal.objects.get(pk=world["appraisal"].pk)
        assert appraisal.version == 1  # the open page's Save still works
        assert not RatingChange.objects.exists()


def test_it_saves_a_section_text(client, world):
    ann = client_for(client, world, "ann")
    assert autosave(ann, world, "section", world["training_key"], "Public speaking").status_code == 200
    with tenant_scope(world["org"]):
        assert SectionResponse.objects.get(section_key=world["training_key"]).appraisee_text == "Public speaking"


def test_a_full_save_after_autosave_is_not_stale(client, world):
    ann = client_for(client, world, "ann")
    autosave(ann, world, "achievement", world["targets"][0].public_id, "Draft")
    response = ann.post(url(world), {**full_values(world), "version": 1, "save": "1"})
    assert response.status_code == 302


def test_it_refuses_other_people(client, world):
    for name in ("otto", "alice"):
        response = autosave(client_for(client, world, name), world, "achievement", world["targets"][0].public_id, "x")
        assert response.status_code == 403
    assert (
        autosave(client_for(client, world, "zed"), world, "achievement", world["targets"][0].public_id, "x").status_code
        == 404
    )
    with tenant_scope(world["org"]):
        assert AppraisalTarget.objects.get(pk=world["targets"][0].pk).achievement == ""


def test_it_refuses_after_submit_and_says_why(client, world):
    with tenant_scope(world["org"]):
        self_assessment_submit(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        assert Appraisal.objects.get(pk=world["appraisal"].pk).state == AppraisalState.WITH_OFFICER
    response = autosave(client_for(client, world, "ann"), world, "achievement", world["targets"][0].public_id, "Late")
    assert response.status_code == 409
    assert "handed in" in response.content.decode()
    with tenant_scope(world["org"]):
        assert AppraisalTarget.objects.get(pk=world["targets"][0].pk).achievement == "Closed every month on day 3."


def test_it_refuses_fields_the_template_does_not_ask_for(client, world):
    ann = client_for(client, world, "ann")
    # The officer's general comments are not the appraisee's to fill; a made-up kind is nothing.
    assert autosave(ann, world, "section", world["comments_key"], "Mine now").status_code == 400
    response = ann.post(url(world, "cycles:autosave"), {"kind": "officer_rating", "key": "x", "text": "5"})
    assert response.status_code == 400
    with tenant_scope(world["org"]):
        assert not SectionResponse.objects.exists()


def test_it_only_answers_post(client, world):
    assert client_for(client, world, "ann").get(url(world, "cycles:autosave")).status_code == 405
