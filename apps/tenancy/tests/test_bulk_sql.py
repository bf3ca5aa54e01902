"""apps/tenancy/bulk_sql.py: the bulk UPDATE of imports and form saves writes each object's own
values, NULLs included, and only in the organisation it is given; writes sent together are one
statement that does what each would have done."""

import pytest

from apps.people.models import OrgUnit
from apps.tenancy import audit
from apps.tenancy.bulk_sql import insert_rows_sql, update_rows, update_rows_sql, update_values_sql, write_together
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_nulls(org_a, unit_a):
    with tenant_scope(org_a):
        other = factories.OrgUnitFactory(organization=org_a, name="Alpha Sales", code="A-S", parent=unit_a)
    unit_a.name, unit_a.is_active = "Alpha Head Office", False
    other.name, other.parent = "Alpha Sales & Service", None
    with tenant_scope(org_a):
        assert update_rows(OrgUnit, [unit_a, other], ["name", "is_active", "parent"], organization=org_a) == 2
        rows = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[unit_a.pk, other.pk])}
    assert (rows[unit_a.pk].name, rows[unit_a.pk].is_active) == ("Alpha Head Office", False)
    assert (rows[other.pk].name, rows[other.pk].parent_id, rows[other.pk].is_active) == (
        "Alpha Sales & Service",
        None,
        True,
    )


def test_rows_of_another_organisation_are_never_touched(org_a, unit_a, unit_b):
    unit_b.name = "Written through Alpha"
    with tenant_scope(org_a):
        assert update_rows(OrgUnit, [unit_b], ["name"], organization=org_a) == 0
    unit_b.refresh_from_db()
    assert unit_b.name == "Beta HQ"


def test_nothing_to_write_sends_nothing(org_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_rows(OrgUnit, [], ["name"], organization=org_a) == 0


def test_plain_values_update_like_objects_and_no_rows_is_no_statement(org_a, unit_a, unit_b):
    assert update_values_sql(OrgUnit, [], ["name"], organization=org_a) is None
    with tenant_scope(org_a):
        write_together(
            OrgUnit,
            [
                update_values_sql(
                    OrgUnit, [(unit_a.pk, "By value"), (unit_b.pk, "Not Beta's")], ["name"], organization=org_a
                )
            ],
        )
    unit_a.refresh_from_db()
    unit_b.refresh_from_db()
    assert (unit_a.name, unit_b.name) == ("By value", "Beta HQ")


def test_writes_sent_together_take_one_statement(org_a, unit_a, alice, django_assert_num_queries):
    unit_a.name = "Alpha Head Office"
    event = audit.unsaved(organization=org_a, actor=alice, action="test.together", obj=unit_a, changes={"n": 1})
    with tenant_scope(org_a):
        with django_assert_num_queries(1):
            write_together(
                OrgUnit,
                [
                    update_rows_sql(OrgUnit, [unit_a], ["name"], organization=org_a),
                    None,  # nothing to write for this part
                    insert_rows_sql(AuditEvent, [event]),
                ],
            )
        stored = AuditEvent.objects.get(action="test.together")
        assert OrgUnit.objects.get(pk=unit_a.pk).name == "Alpha Head Office"
    # What bulk_create would have filled in: the id, the public id, the time, the JSON.
    assert stored.pk and stored.public_id == event.public_id and stored.created_at is not None
    assert (stored.object_id, stored.changes, stored.actor) == (unit_a.public_id, {"n": 1}, alice)
