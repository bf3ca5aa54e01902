"""The permission matrix: each role on a committee against each action, from the relations
(HR, chair, secretary, member, member of the committee it reports to, anyone else) and from
explicit django-guardian grants, which never reach another tenant."""

import pytest
from django.core.exceptions import ValidationError

from apps.committees.permissions import MANAGE_GRANT, READ_GRANT, Action, can, readable_committees, roles_for
from apps.committees.services.committees import access_grant, access_revoke
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db

A = Action
EXPECTED = {
    # person:      view   read   write  publish manage
    "hr": (True, True, True, True, True),
    "chair": (True, True, True, True, False),
    "secretary": (True, True, True, True, False),
    "member": (True, True, False, False, False),
    "pmc": (True, True, False, False, False),  # sits on the committee the group reports to
    "outsider": (True, False, False, False, False),
}
ACTIONS = (A.VIEW, A.READ_RECORDS, A.WRITE_RECORDS, A.PUBLISH, A.MANAGE)


def _roles(org, committee, user):
    with tenant_scope(org):
        membership = Membership.objects.get(organization=org, user=user)
        employee = user.employments.first()
        return roles_for(committee, user=user, employee=employee, membership=membership)


@pytest.mark.parametrize("person", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_matrix(org_a, alice, group, people, person, action):
    user = alice if person == "hr" else people[person]
    roles = _roles(org_a, group, user)
    assert can(roles, action) is EXPECTED[person][ACTIONS.index(action)]


def test_a_member_of_one_committee_has_no_records_rights_on_another(org_a, pmc, group, people):
    """The group's chair is nobody on the PMC: sees it, cannot read its records."""
    roles = _roles(org_a, pmc, people["chair"])
    assert can(roles, A.VIEW) and not can(roles, A.READ_RECORDS)


@pytest.mark.parametrize(
    ("grant", "expected"),
    [(READ_GRANT, (True, True, False, False, False)), (MANAGE_GRANT, (True, True, True, True, False))],
)
def test_guardian_grants_give_exactly_their_rights(org_a, alice, group, people, grant, expected):
    outsider = people["outsider"]
    with tenant_scope(org_a):
        membership = Membership.objects.get(organization=org_a, user=alice)
        access_grant(
            actor=alice, membership=membership, committee=group, employee=outsider.employments.get(), permission=grant
        )
    roles = _roles(org_a, group, outsider)
    assert tuple(can(roles, action) for action in ACTIONS) == expected
    with tenant_scope(org_a):
        access_revoke(
            actor=alice, membership=membership, committee=group, employee=outsider.employments.get(), permission=grant
        )
    assert not can(_roles(org_a, group, outsider), A.READ_RECORDS)


def test_a_grant_on_one_committee_covers_no_other(org_a, alice, group, pmc, people):
    outsider = people["outsider"]
    with tenant_scope(org_a):
        membership = Membership.objects.get(organization=org_a, user=alice)
        access_grant(
            actor=alice,
            membership=membership,
            committee=group,
            employee=outsider.employments.get(),
            permission=MANAGE_GRANT,
        )
    assert not can(_roles(org_a, pmc, outsider), A.READ_RECORDS)


def test_grants_stay_inside_the_tenant(org_a, org_b, alice, charlie, group):
    """HR of tenant A cannot hand access to someone of tenant B, and a committee of A gives
    tenant B's HR nothing."""
    with tenant_scope(org_b):
        charlie_employee = charlie.employments.get()
    with tenant_scope(org_a):
        membership = Membership.objects.get(organization=org_a, user=alice)
        with pytest.raises(ValidationError) as error:
            access_grant(
                actor=alice, membership=membership, committee=group, employee=charlie_employee, permission=READ_GRANT
            )
    assert "employee" in error.value.error_dict
    roles = _roles(org_b, group, charlie)
    assert not can(roles, A.READ_RECORDS)


def test_readable_committees_matches_the_object_check(rf, org_a, alice, group, pmc, people):
    for name, user in people.items():
        with tenant_scope(org_a):
            request = rf.get("/")
            request.user = user
            request.membership = Membership.objects.get(organization=org_a, user=user)
            request.employee = user.employments.get()
            listed = set(readable_committees(request))
            expected = {c for c in (group, pmc) if can(_roles(org_a, c, user), A.READ_RECORDS)}
        assert listed == expected, name


def test_hr_reads_every_committee(rf, org_a, alice, group, pmc):
    with tenant_scope(org_a):
        extra = factories.CommitteeFactory(organization=org_a)
        request = rf.get("/")
        request.user = alice
        request.membership = Membership.objects.get(organization=org_a, user=alice)
        request.employee = alice.employments.get()
        assert set(readable_committees(request)) == {group, pmc, extra}
