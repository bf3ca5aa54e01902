"""insert_from_select fills what the caller does not compute from the model: the tenant, a
fresh public id per row, timestamps and defaults."""

import pytest

from apps.tenancy.bulk_insert import insert_from_select
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope

pytestmark = pytest.mark.django_db


def test_rows_get_the_tenant_fresh_public_ids_timestamps_and_defaults(org_a):
    rows = insert_from_select(
        AuditEvent,
        organization=org_a,
        values={"summary": "s.summary"},
        constants={"action": "bulk.test"},
        from_sql="FROM unnest(%s::text[]) AS s(summary)",
        params=[["first", "second"]],
        returning=["id"],
    )
    assert len(rows) == 2
    with tenant_scope(org_a):
        events = list(AuditEvent.objects.filter(action="bulk.test").order_by("summary"))
    assert [e.summary for e in events] == ["first", "second"]
    assert all(e.organization_id == org_a.pk and e.created_at and e.changes == {} for e in events)
    assert events[0].public_id != events[1].public_id


def test_a_column_the_model_does_not_have_is_refused(org_a):
    with pytest.raises(ValueError, match="no columns"):
        insert_from_select(AuditEvent, organization=org_a, values={"nonsense": "1"}, from_sql="")
