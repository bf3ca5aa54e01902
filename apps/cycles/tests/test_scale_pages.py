"""The rating-scale pages: list, create (with the five-level preset and "Add a level"), edit."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cycles.models import RatingScale, ScaleLevel
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


def level_rows(rows, total=None):
    """POST data for the levels formset: rows of (value, label, name, band_from)."""
    total = total if total is not None else len(rows)
    data = {"levels-TOTAL_FORMS": str(total), "levels-INITIAL_FORMS": "0"}
    for i, (value, label, name, band_from) in enumerate(rows):
        data.update(
            {
                f"levels-{i}-value": value,
                f"levels-{i}-label": label,
                f"levels-{i}-name": name,
                f"levels-{i}-descriptor": "",
                f"levels-{i}-band_from": band_from,
            }
        )
    return data


THREE = [("3", "3", "High", "2.5"), ("2", "2", "Middle", "1.5"), ("1", "1", "Low", "0")]


def make_scale(org, name, templates=0):
    scale = factories.RatingScaleFactory(organization=org, name=name)
    for value, label, level_name, band in THREE:
        factories.ScaleLevelFactory(
            organization=org, scale=scale, value=Decimal(value), label=label, name=level_name, band_from=Decimal(band)
        )
    for _ in range(templates):
        factories.AppraisalTemplateFactory(organization=org, scale=scale)
    return scale


def test_members_may_not_see_or_change_scales(bob_client, org_a):
    assert bob_client.get(url(org_a, "scale_list")).status_code == 403
    assert bob_client.get(url(org_a, "scale_create")).status_code == 403
    response = bob_client.post(url(org_a, "scale_create"), {"name": "Mine", **level_rows(THREE)})
    assert response.status_code == 403
    with tenant_scope(org_a):
        assert not RatingScale.objects.exists()


def test_the_empty_list_invites_to_create_a_scale(alice_client, org_a):
    response = alice_client.get(url(org_a, "scale_list"))
    assert response.status_code == 200
    assert "No rating scales yet" in response.text
    assert "Create a scale" in response.text


def test_the_list_shows_levels_bands_and_the_templates_using_a_scale(alice_client, org_a):
    with tenant_scope(org_a):
        scale = make_scale(org_a, "Three levels")
        factories.AppraisalTemplateFactory(organization=org_a, scale=scale, name="Office staff")
    response = alice_client.get(url(org_a, "scale_list"))
    text = response.text
    assert "Three levels" in text and "Active" in text
    assert "2.5 and above" in text
    assert "1.5 to under 2.5" in text
    assert "below 1.5" in text
    assert "Office staff" in text


def _queries(client, address):
    client.get(address)  # the first request of a session also touches the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_for_one_scale_as_for_five(alice_client, org_a):
    with tenant_scope(org_a):
        make_scale(org_a, "Scale 0", templates=1)
    one = _queries(alice_client, url(org_a, "scale_list"))
    with tenant_scope(org_a):
        for n in range(1, 5):
            make_scale(org_a, f"Scale {n}", templates=2)
    assert _queries(alice_client, url(org_a, "scale_list")) == one


def test_create_starts_with_five_blank_rows_or_the_usual_five_levels(alice_client, org_a):
    blank = alice_client.get(url(org_a, "scale_create"))
    assert 'name="levels-TOTAL_FORMS" value="5"' in blank.text
    preset = alice_client.get(url(org_a, "scale_create") + "?preset=five")
    assert "Unsatisfactory" in preset.text and "Outstanding" in preset.text
    assert 'name="levels-TOTAL_FORMS" value="6"' in preset.text  # five levels and a spare row


def test_creating_a_scale_ignores_blank_rows_and_redirects_to_the_list(alice_client, org_a):
    data = {"name": "Three levels", "description": "", "is_active": "on", **level_rows(THREE, total=5)}
    response = alice_client.post(url(org_a, "scale_create"), data)
    assert response.status_code == 302
    assert response.url == url(org_a, "scale_list")
    with tenant_scope(org_a):
        scale = RatingScale.objects.get()
        assert [level.label for level in scale.levels.all()] == ["3", "2", "1"]
        assert AuditEvent.objects.filter(action="scale.created").exists()
    assert "saved" in alice_client.get(response.url).text


def test_add_a_level_keeps_what_was_typed_and_saves_nothing(alice_client, org_a):
    data = {"name": "Draft", "add_row": "1", **level_rows(THREE[:1], total=1)}
    response = alice_client.post(url(org_a, "scale_create"), data)
    assert response.status_code == 200
    assert 'name="levels-TOTAL_FORMS" value="2"' in response.text
    assert 'value="High"' in response.text
    assert 'value="Draft"' in response.text
    with tenant_scope(org_a):
        assert not RatingScale.objects.exists()


def test_level_errors_show_above_the_table_and_nothing_is_written(alice_client, org_a):
    bad = [("3", "3", "High", "0.5"), ("2", "2", "Middle", "1.5")]  # bands fall as levels rise
    response = alice_client.post(url(org_a, "scale_create"), {"name": "Broken", **level_rows(bad)})
    assert response.status_code == 200
    assert 'role="alert" id="levels-errors"' in response.text
    assert "Bands must rise with the levels" in response.text
    with tenant_scope(org_a):
        assert not RatingScale.objects.exists()


def test_a_value_that_is_not_a_number_is_shown_at_its_cell(alice_client, org_a):
    rows = [("lots", "3", "High", "2.5"), ("2", "2", "Middle", "1.5")]
    response = alice_client.post(url(org_a, "scale_create"), {"name": "Typo", **level_rows(rows)})
    assert response.status_code == 200
    assert "Enter a number." in response.text
    with tenant_scope(org_a):
        assert not RatingScale.objects.exists()


def test_a_taken_name_is_shown_at_the_name_field(alice_client, org_a):
    with tenant_scope(org_a):
        make_scale(org_a, "Three levels")
    response = alice_client.post(url(org_a, "scale_create"), {"name": "three LEVELS", **level_rows(THREE)})
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.text
    # The input names its error list, so a screen reader reads the message with the field.
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_name_error', response.text)
    assert "Another scale has this name." in response.text
    with tenant_scope(org_a):
        assert RatingScale.objects.count() == 1


def test_editing_shows_the_saved_bands_and_saves_changes(alice_client, org_a):
    with tenant_scope(org_a):
        scale = make_scale(org_a, "Three levels")
        level_ids = set(ScaleLevel.objects.values_list("pk", flat=True))
    address = url(org_a, "scale_edit", ratingscale_id=scale.public_id)
    page = alice_client.get(address)
    assert "How overall scores map to levels" in page.text
    assert 'value="Middle"' in page.text

    renamed = [(v, label, name.upper(), band) for v, label, name, band in THREE]
    data = {"name": "Three levels, renamed", **level_rows(renamed, total=4)}  # is_active unticked
    response = alice_client.post(address, data)
    assert response.status_code == 302
    with tenant_scope(org_a):
        scale.refresh_from_db()
        assert scale.name == "Three levels, renamed" and not scale.is_active
        assert set(scale.levels.values_list("pk", flat=True)) == level_ids  # levels kept, matched by value
        assert scale.levels.get(value=2).name == "MIDDLE"


def test_another_organisations_scale_is_not_found(charlie_client, org_a, org_b):
    with tenant_scope(org_a):
        scale = make_scale(org_a, "Alpha scale")
    address = url(org_b, "scale_edit", ratingscale_id=scale.public_id)
    assert charlie_client.get(address).status_code == 404
    assert charlie_client.post(address, {"name": "Taken", **level_rows(THREE)}).status_code == 404
    with tenant_scope(org_a):
        assert RatingScale.objects.get().name == "Alpha scale"


@pytest.mark.parametrize("name", ["scale_list", "scale_create"])
def test_pages_render_for_hr(alice_client, org_a, name):
    assert alice_client.get(url(org_a, name)).status_code == 200
