"""A small cascade for the tests of the cascade, unit goal, gaps and editing pages.

    2026 (open, around today)
    S1 Grow revenue (strategic)
      C1 Enter two new markets (corporate, weight 60)
      U1 HQ: double repeat sales (unit HQ, weight 40, indicator)
        U2 Sales: win 40 accounts (unit Sales, weight 100)
        P1 Account officers: 10 visits a month (position in HQ, weight 50)
          T-bob   Bob's target (individual, draft)
          T-erin  Erin's target (individual, active) — Erin does not report to Bob
    S2 Delight customers (strategic, nothing under it)
    2025 (closed, the year before): OLD Old strategy

Alice (HR) heads HQ; Olly heads Sales (a member account); Bob reports to Alice.
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from apps.goals.models import Direction, GoalLevel, GoalStatus
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def url(name, org, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def build(org, unit, alice, bob):
    """Create the cascade above (outside or inside a scope) and return its parts by name."""
    with tenant_scope(org):
        alice_e = alice.employments.get()
        bob_e = bob.employments.get()
        unit.head = alice_e
        unit.save()
        sales = factories.OrgUnitFactory(organization=org, parent=unit, name="Sales", code="SALES")
        olly = factories.member(org, sales, email="olly@alpha.test", first_name="Olly")
        olly_e = olly.employments.get()
        sales.head = olly_e
        sales.save()
        post = factories.PositionFactory(organization=org, unit=unit, title="Account officer")
        bob_e.position = post
        bob_e.save()
        erin = factories.EmployeeFactory(
            organization=org, unit=unit, first_name="Erin", last_name="Else", position=post
        )

        # Dated around the real today, so "the period that covers today" holds whenever tests run.
        today = timezone.localdate()
        start = today - datetime.timedelta(days=100)
        period = factories.GoalPeriodFactory(
            organization=org, name="2026", starts_on=start, ends_on=start + datetime.timedelta(days=364)
        )
        old = factories.GoalPeriodFactory(
            organization=org,
            name="2025",
            starts_on=start - datetime.timedelta(days=365),
            ends_on=start - datetime.timedelta(days=1),
            is_closed=True,
        )

        def goal(**fields):
            return factories.GoalFactory(organization=org, period=fields.pop("period", period), **fields)

        s1 = goal(title="Grow revenue", owner=alice_e, progress=Decimal("42.50"))
        s2 = goal(title="Delight customers")
        c1 = goal(title="Enter two new markets", level=GoalLevel.CORPORATE, parent=s1, weight=Decimal("60"))
        u1 = goal(
            title="HQ: double repeat sales",
            level=GoalLevel.UNIT,
            parent=s1,
            unit=unit,
            owner=alice_e,
            weight=Decimal("40"),
            progress=Decimal("25"),
        )
        kpi = factories.KeyIndicatorFactory(
            organization=org,
            goal=u1,
            name="Repeat customers",
            unit_of_measure="%",
            baseline=Decimal("20"),
            target=Decimal("40"),
            actual=Decimal("25"),
            direction=Direction.HIGHER,
            due_date=period.ends_on,
        )
        u2 = goal(
            title="Sales: win 40 accounts",
            level=GoalLevel.UNIT,
            parent=u1,
            unit=sales,
            owner=olly_e,
            weight=Decimal("100"),
        )
        p1 = goal(
            title="Account officers: 10 visits a month",
            level=GoalLevel.POSITION,
            parent=u1,
            position=post,
            unit=unit,
            weight=Decimal("50"),
        )
        t_bob = goal(
            title="Visit my 12 key accounts",
            level=GoalLevel.INDIVIDUAL,
            parent=p1,
            employee=bob_e,
            owner=bob_e,
            unit=unit,
            status=GoalStatus.DRAFT,
        )
        t_erin = goal(
            title="Erin's visits",
            level=GoalLevel.INDIVIDUAL,
            parent=p1,
            employee=erin,
            owner=erin,
            unit=unit,
        )
        old_goal = goal(title="Old strategy", period=old)
    return {
        "period": period,
        "old": old,
        "sales": sales,
        "olly": olly,
        "olly_e": olly_e,
        "post": post,
        "erin": erin,
        "bob_e": bob_e,
        "s1": s1,
        "s2": s2,
        "c1": c1,
        "u1": u1,
        "u2": u2,
        "p1": p1,
        "kpi": kpi,
        "t_bob": t_bob,
        "t_erin": t_erin,
        "old_goal": old_goal,
    }
