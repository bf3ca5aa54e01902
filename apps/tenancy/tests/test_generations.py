"""Caches keyed by the generations of the data they were read from (apps/tenancy/generations.py):
every kind of write makes them miss, in the organisation written to only."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from apps.people.models import OrgUnit
from apps.tenancy import audit, generations
from apps.tenancy.models import Membership
from apps.tenancy.scoping import platform_unscoped, tenant_scope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql, domains",
    [
        ('INSERT INTO "people_employee" ("id") VALUES (%s)', {"people"}),
        ('UPDATE "cycles_appraisal" SET "state" = %s WHERE "id" = %s', {"appraisals", "appraisal_states"}),
        # The edit stamp alone, as the self-assessment's save and autosave move it: not the states.
        (
            'UPDATE "cycles_appraisal" SET "version" = %s, "updated_at" = %s WHERE ("cycles_appraisal"."id" = %s)',
            {"appraisals"},
        ),
        ('UPDATE "cycles_appraisal" SET "updated_at" = %s WHERE ("cycles_appraisal"."id" = %s)', {"appraisals"}),
        # Anything else that writes the rows counts as a write of their states.
        (
            'UPDATE "cycles_appraisal" SET "version" = %s, "state" = %s WHERE "id" = %s',
            {"appraisals", "appraisal_states"},
        ),
        ("UPDATE cycles_appraisal SET version = %s WHERE id = %s", {"appraisals", "appraisal_states"}),
        (
            'UPDATE "cycles_appraisal" SET "version" = %s WHERE "id" = %s; UPDATE "cycles_appraisal" SET state = %s',
            {"appraisals", "appraisal_states"},
        ),
        (
            'UPDATE "cycles_appraisal" AS t SET "version" = v."version"::integer FROM (VALUES (%s, %s)) AS v(id, version)',
            {"appraisals", "appraisal_states"},
        ),
        ('INSERT INTO "cycles_appraisal" ("id") VALUES (%s)', {"appraisals", "appraisal_states"}),
        # The touch sent as the last part of a save's statement, after its rows and audit record.
        (
            'WITH write_0 AS (UPDATE "cycles_appraisaltarget" AS t SET "achievement" = v."a" FROM (VALUES (%s, %s)) '
            'AS v(id, a) WHERE t."id" = v."id"), write_1 AS (INSERT INTO "tenancy_auditevent" ("action") VALUES (%s)) '
            'UPDATE "cycles_appraisal" SET "version" = %s, "updated_at" = %s WHERE "organization_id" = %s AND "id" = %s',
            {"appraisals", "audit"},
        ),
        (
            'WITH write_0 AS (UPDATE "cycles_appraisal" SET "state" = %s WHERE "id" = %s) '
            'UPDATE "cycles_appraisal" SET "version" = %s, "updated_at" = %s WHERE "id" = %s',
            {"appraisals", "appraisal_states"},
        ),
        ('UPDATE "cycles_appraisaltarget" SET "achievement" = %s WHERE "id" = %s', {"appraisals"}),
        ('UPDATE "cycles_cycle" SET "current_phase" = %s WHERE "id" = %s', {"cycles"}),
        ('DELETE FROM "goals_goal" WHERE "id" IN (%s)', {"goals"}),
        ("update goals_goal set title = %s", {"goals"}),
        (b'INSERT INTO "notifications_notification" (id) VALUES (1), (2)', {"notifications"}),
        # A writable CTE (the cycle launch) and an upsert: the table, not the keyword after DO UPDATE.
        (
            'WITH made AS (INSERT INTO "cycles_appraisal" (id) SELECT 1 RETURNING id) '
            'INSERT INTO "goals_goal" (id) SELECT id FROM made',
            {"appraisals", "appraisal_states", "goals"},
        ),
        (
            'INSERT INTO "notifications_reminderlog" (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET id = 1',
            {"notifications"},
        ),
        ('INSERT INTO "tenancy_auditevent" ("action") VALUES (%s)', {"audit"}),
        ('SELECT "id" FROM "cycles_appraisal" WHERE "id" = %s FOR UPDATE OF "cycles_appraisal"', set()),
        ("WITH RECURSIVE below(id) AS (SELECT id FROM people_employee) SELECT id FROM below", set()),
    ],
)
def test_the_domains_a_statement_writes(sql, domains):
    assert generations.written_domains(sql) == domains


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute, calls


def _read(organization, compute, domains=("people",)):
    with tenant_scope(organization):
        return generations.cached("test-value", ("x",), domains, compute)


def test_a_value_is_computed_once_until_its_data_is_written(org_a, unit_a):
    compute, calls = _counter()
    assert _read(org_a, compute) == 1
    assert _read(org_a, compute) == 1
    with tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")  # a bulk UPDATE, no signal
    assert _read(org_a, compute) == 2
    with tenant_scope(org_a), connection.cursor() as cursor:
        cursor.execute("UPDATE people_orgunit SET name = %s WHERE id = %s", ["Raw", unit_a.pk])
    assert _read(org_a, compute) == 3
    assert len(calls) == 3


def test_a_write_to_another_domain_keeps_the_value(org_a, unit_a):
    compute, _ = _counter()
    _read(org_a, compute, domains=("goals",))
    with tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")
    assert _read(org_a, compute, domains=("goals",)) == 1


def test_organisations_neither_share_values_nor_invalidate_each_other(org_a, org_b, unit_a):
    compute_a, _ = _counter()
    compute_b, _ = _counter()
    assert _read(org_a, compute_a) == 1
    assert _read(org_b, lambda: "b's own") == "b's own"
    with tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")
    assert _read(org_b, compute_b) == "b's own"  # org_b's value survived org_a's write
    assert _read(org_a, compute_a) == 2


def test_a_write_outside_any_scope_reaches_every_organisation(org_a, org_b, unit_a):
    compute, _ = _counter()
    _read(org_b, compute)
    with platform_unscoped():
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="By the platform")
    assert _read(org_b, compute) == 2


def test_memberships_and_sign_ins_are_one_generation_for_the_platform(org_a, alice):
    compute, _ = _counter()

    def read():  # outside any organisation, as the middleware reads memberships
        return generations.cached("test-memberships", ("x",), ("tenancy",), compute)

    assert read() == 1
    with tenant_scope(org_a):
        Membership.objects.filter(user=alice).update(is_active=False)
    assert read() == 2


def test_an_audited_write_keeps_every_sign_in_cached(org_a, alice):
    """The audit trail is the organisation's own: recording an event (nearly every service does)
    must not drop the platform's cached memberships and sign-ins."""
    compute, _ = _counter()

    def read():
        return generations.cached("test-memberships", ("x",), ("tenancy",), compute)

    read()
    with tenant_scope(org_a):
        audit.record(organization=org_a, actor=alice, action="test.audited", obj=None, summary="Audited")
    assert read() == 1


def test_a_transaction_bumps_once_until_it_reads_through_the_cache(org_a, monkeypatch):
    bumped = []
    real_bump = generations.bump
    monkeypatch.setattr(generations, "bump", lambda keys: (bumped.append(set(keys)), real_bump(keys)))
    goals = generations.generation_key(org_a.pk, "goals")
    with tenant_scope(org_a), connection.cursor() as cursor:
        cursor.execute("UPDATE goals_goal SET title = title WHERE id = -1")
        cursor.execute("UPDATE goals_goal SET title = title WHERE id = -2")
        assert [keys for keys in bumped if goals in keys] == [{goals}]  # the second write: no round trip
        generations.cached("test-goals", (), ("goals",), lambda: "read")
        # A write elsewhere in between (a session save, say) does not excuse the goals' bump.
        cursor.execute("UPDATE people_orgunit SET name = name WHERE id = -1")
        cursor.execute("UPDATE goals_goal SET title = title WHERE id = -3")
    assert [keys for keys in bumped if goals in keys] == [{goals}, {goals}]


def test_a_read_between_two_writes_of_one_transaction_sees_the_second(org_a, unit_a):
    with transaction.atomic(), tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="First")
        first = generations.cached(
            "unit-name", (unit_a.pk,), ("people",), lambda: OrgUnit.objects.get(pk=unit_a.pk).name
        )
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Second")
        second = generations.cached(
            "unit-name", (unit_a.pk,), ("people",), lambda: OrgUnit.objects.get(pk=unit_a.pk).name
        )
    assert (first, second) == ("First", "Second")


def test_the_commit_moves_the_generation_again(org_a, unit_a):
    # The test's transaction never commits: play its commit by calling what it would run.
    with tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed")
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Again")
    pending = [cb for _, cb, _ in connection.run_on_commit if isinstance(cb, generations._PendingBump)]
    assert len(pending) == 1  # one per transaction, whatever the number of writes
    assert generations.generation_key(org_a.pk, "people") in pending[0].keys
    during = generations.current(("people",), org_a.pk)
    pending[0]()
    assert generations.current(("people",), org_a.pk) != during


def test_a_lost_generation_restarts_where_no_old_value_was_cached(org_a):
    compute, _ = _counter()
    _read(org_a, compute)
    cache.delete(generations.generation_key(org_a.pk, "people"))
    assert _read(org_a, compute) == 2


def test_a_value_of_the_clock_is_read_again_in_the_next_window(org_a, monkeypatch):
    compute, _ = _counter()
    monkeypatch.setattr(generations.time, "time", lambda: 6000.0)
    with tenant_scope(org_a):
        assert generations.cached("test-clock", (), ("goals",), compute, max_age=60) == 1
        assert generations.cached("test-clock", (), ("goals",), compute, max_age=60) == 1
        monkeypatch.setattr(generations.time, "time", lambda: 6060.0)
        assert generations.cached("test-clock", (), ("goals",), compute, max_age=60) == 2


def test_with_redis_unreachable_a_write_fails_and_rolls_back(org_a, unit_a, monkeypatch):
    """A transaction's first write bumps at once, not only at the commit: with Redis out of reach
    the write fails and nothing is committed, rather than commit with values (a membership, an
    appraisal's officers) left cached as they were once Redis is back."""
    import redis

    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(generations, "_redis", lambda: unreachable)
    with pytest.raises(redis.exceptions.ConnectionError), transaction.atomic(), tenant_scope(org_a):
        OrgUnit.objects.filter(pk=unit_a.pk).update(name="Renamed while Redis was away")
    monkeypatch.undo()
    unit_a.refresh_from_db()
    assert unit_a.name != "Renamed while Redis was away"


def _two_appraisals(org):
    from apps.tests_support import factories

    with tenant_scope(org):
        first = factories.AppraisalFactory(organization=org)
        second = factories.AppraisalFactory(organization=org, cycle_template=first.cycle_template)
    return first, second


def _touch(appraisal):
    from apps.cycles.models import Appraisal

    Appraisal.objects.filter(pk=appraisal.pk).update(updated_at=appraisal.updated_at)


def test_a_write_of_one_appraisals_rows_keeps_anothers_screens_cached(org_a):
    """A service that writes one appraisal's rows only (the self-assessment's save and autosave)
    says so: the other appraisals' own screens stay cached; the written one's and every reader of
    "appraisals" as a whole (the organisation's figures) miss."""
    first, second = _two_appraisals(org_a)
    compute_first, _ = _counter()
    compute_second, _ = _counter()
    compute_all, _ = _counter()
    _read(org_a, compute_first, domains=generations.appraisal_domains(first.public_id))
    _read(org_a, compute_second, domains=generations.appraisal_domains(second.public_id))
    _read(org_a, compute_all, domains=("appraisals",))
    with tenant_scope(org_a), generations.writes_of_appraisal(first):
        _touch(first)
    assert _read(org_a, compute_second, domains=generations.appraisal_domains(second.public_id)) == 1
    assert _read(org_a, compute_first, domains=generations.appraisal_domains(first.public_id)) == 2
    assert _read(org_a, compute_all, domains=("appraisals",)) == 2


def test_any_other_write_of_appraisal_rows_reaches_every_appraisals_screens(org_a):
    first, second = _two_appraisals(org_a)
    compute, _ = _counter()
    _read(org_a, compute, domains=generations.appraisal_domains(second.public_id))
    with tenant_scope(org_a):
        _touch(first)  # not said to be one appraisal's: it might be any of them
    assert _read(org_a, compute, domains=generations.appraisal_domains(second.public_id)) == 2
    # Said outside a tenant scope, it counts as unscoped too: no per-appraisal generation is read there.
    with platform_unscoped(), generations.writes_of_appraisal(second):
        _touch(second)
    assert _read(org_a, compute, domains=generations.appraisal_domains(second.public_id)) == 3


def test_an_appraisals_generation_expires_an_organisations_does_not(org_a):
    """One key per appraisal read or written: they expire (a lost key only costs a miss), while
    the organisation's domains keep theirs."""
    first, _ = _two_appraisals(org_a)
    compute, _ = _counter()
    _read(org_a, compute, domains=generations.appraisal_domains(first.public_id))
    with tenant_scope(org_a), generations.writes_of_appraisal(first):
        _touch(first)
    client = generations._redis()
    own = cache.make_and_validate_key(
        generations.generation_key(org_a.pk, generations.appraisal_domain(first.public_id))
    )
    shared = cache.make_and_validate_key(generations.generation_key(org_a.pk, generations.UNSCOPED_APPRAISAL_WRITES))
    assert 0 < client.ttl(own) <= generations.GENERATION_TIMEOUT
    assert client.ttl(shared) == -1  # no expiry
