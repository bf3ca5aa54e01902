"""Shared set-up for the appraisal screen tests: an appraisal in tenant A with its appraisee
(Ann), appraising officer (Otto), countersigning officer (Cora), HR (Alice) and an outsider (Dave)."""

from types import SimpleNamespace

from django.test import Client

from apps.cycles.models import Appraisal, AppraisalState, PhaseKind, SectionKind
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def snapshot(targets_need_goal=False) -> dict:
    return {
        "template": {"id": "t", "name": "Officers' scheme"},
        "scale": {
            "id": "s",
            "name": "Five",
            "levels": [{"value": "1", "label": "1", "name": "", "descriptor": "", "band_from": "0"}],
        },
        "sections": [
            {
                "key": "work",
                "kind": SectionKind.WORK_TARGETS,
                "title": "Work targets",
                "weight": "100",
                "targets_need_goal": targets_need_goal,
                "competencies": [],
            }
        ],
    }


def build_cast(org_a, unit_a, alice) -> SimpleNamespace:
    """Use from a test module's own `cast` fixture (fixtures shared by import confuse linters)."""
    users = {
        name: factories.member(org_a, unit_a, email=f"{name}@alpha.test", first_name=name.title())
        for name in ("ann", "otto", "cora", "dave")
    }
    users["alice"] = alice
    with tenant_scope(org_a):
        employees = {name: user.employments.get() for name, user in users.items()}
        cycle_template = factories.CycleTemplateFactory(organization=org_a, snapshot=snapshot())
        cycle = cycle_template.cycle
        cycle.current_phase = PhaseKind.PLANNING
        cycle.save(update_fields=["current_phase"])
        appraisal = factories.AppraisalFactory(
            organization=org_a,
            cycle_template=cycle_template,
            employee=employees["ann"],
            appraising_officer=employees["otto"],
            countersigning_officer=employees["cora"],
        )
    return SimpleNamespace(org=org_a, users=users, employees=employees, appraisal=appraisal, cycle=cycle)


def actor(cast, name) -> dict:
    """The keyword arguments a service takes for the person called `name` (inside a tenant scope)."""
    user = cast.users[name]
    return {
        "actor": user,
        "employee": cast.employees[name],
        "membership": Membership.objects.get(user=user, organization=cast.org),
    }


def client_for(cast, name) -> Client:
    client = Client()
    client.force_login(cast.users[name])
    return client


def set_state(cast, state=AppraisalState.PLANNING, phase=PhaseKind.PLANNING) -> Appraisal:
    with tenant_scope(cast.org):
        Appraisal.objects.filter(pk=cast.appraisal.pk).update(state=state)
        type(cast.cycle).objects.filter(pk=cast.cycle.pk).update(current_phase=phase)
        cast.appraisal.refresh_from_db()
    return cast.appraisal


def fresh(cast) -> Appraisal:
    with tenant_scope(cast.org):
        cast.appraisal.refresh_from_db()
    return cast.appraisal
