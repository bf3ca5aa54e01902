import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.people.models import Grade, StaffClass
from apps.people.services.catalogue import grade_create, grade_update, staff_class_create, staff_class_update
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _url(org, name, **kwargs):
    return reverse(f"people:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_it_creates_a_staff_class_and_a_grade_with_audit_rows(org_a, alice, hr):
    with tenant_scope(org_a):
        managers = staff_class_create(actor=alice, membership=hr, code="MGR", name="Managers")
        grade = grade_create(actor=alice, membership=hr, code="M1", name="Senior manager", staff_class=managers, rank=9)
        assert grade.staff_class == managers
        assert AuditEvent.objects.filter(action="staffclass.created", object_id=managers.public_id).exists()
        assert AuditEvent.objects.filter(action="grade.created", object_id=grade.public_id).exists()


def test_it_refuses_duplicate_codes_at_the_code_field(org_a, alice, hr):
    with tenant_scope(org_a):
        existing = factories.GradeFactory(organization=org_a, code="G7")
        with pytest.raises(ValidationError) as caught:
            grade_create(actor=alice, membership=hr, code="G7", name="Other", staff_class=existing.staff_class)
        assert "code" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            staff_class_create(actor=alice, membership=hr, code=existing.staff_class.code, name="Again")
        assert "code" in caught.value.message_dict


def test_editing_a_grade_records_what_changed(org_a, alice, hr):
    with tenant_scope(org_a):
        grade = factories.GradeFactory(organization=org_a, code="G1", name="Junior", rank=1)
        grade_update(
            actor=alice,
            membership=hr,
            grade=grade,
            code="G1",
            name="Junior officer",
            staff_class=grade.staff_class,
            rank=2,
        )
        event = AuditEvent.objects.get(action="grade.updated", object_id=grade.public_id)
        assert event.changes == {"name": ["Junior", "Junior officer"], "rank": [1, 2]}


def test_the_grades_page_lists_staff_classes_with_their_grades(alice_client, org_a):
    with tenant_scope(org_a):
        support = factories.StaffClassFactory(organization=org_a, name="Support staff")
        factories.GradeFactory(organization=org_a, staff_class=support, code="S3", name="Clerk")
        factories.StaffClassFactory(organization=org_a, name="Empty class")
    html = alice_client.get(_url(org_a, "grade_list")).content.decode()
    assert "Support staff" in html and "S3" in html and "Clerk" in html
    assert "No grades in Empty class yet" in html


def test_the_grades_page_has_an_empty_state(alice_client, org_a):
    assert "No staff classes yet" in alice_client.get(_url(org_a, "grade_list")).content.decode()


def test_hr_adds_a_staff_class_then_a_grade_through_the_forms(alice_client, org_a):
    response = alice_client.post(_url(org_a, "staff_class_create"), {"code": "PRO", "name": "Professionals"})
    assert response.status_code == 302
    with tenant_scope(org_a):
        professionals = StaffClass.objects.get(code="PRO")
    form_page = alice_client.get(_url(org_a, "grade_create") + f"?staff_class={professionals.public_id}")
    assert form_page.context["form"].initial["staff_class"] == professionals
    response = alice_client.post(
        _url(org_a, "grade_create"),
        {"code": "P2", "name": "Professional", "staff_class": professionals.public_id, "rank": "5"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert Grade.objects.get(code="P2").staff_class == professionals


def test_a_staff_class_of_another_tenant_is_not_a_valid_choice(alice_client, org_a, org_b):
    foreign = factories.StaffClassFactory(organization=org_b)
    response = alice_client.post(
        _url(org_a, "grade_create"), {"code": "X1", "name": "X", "staff_class": foreign.public_id, "rank": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["staff_class"]


def test_editing_a_staff_class_through_the_form(alice_client, org_a):
    with tenant_scope(org_a):
        staff_class = factories.StaffClassFactory(organization=org_a, code="OLD", name="Old name")
    response = alice_client.post(
        _url(org_a, "staff_class_edit", staffclass_id=staff_class.public_id),
        {"code": "OLD", "name": "New name", "description": "Everyone else"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        staff_class.refresh_from_db()
    assert (staff_class.name, staff_class.description) == ("New name", "Everyone else")


def test_hr_marks_a_staff_class_as_senior_management_through_the_form(alice_client, org_a):
    with tenant_scope(org_a):
        staff_class = factories.StaffClassFactory(organization=org_a, code="EXE", name="Executives")
    edit_url = _url(org_a, "staff_class_edit", staffclass_id=staff_class.public_id)
    assert 'name="is_senior_management"' in alice_client.get(edit_url).content.decode()
    response = alice_client.post(edit_url, {"code": "EXE", "name": "Executives", "is_senior_management": "on"})
    assert response.status_code == 302
    with tenant_scope(org_a):
        staff_class.refresh_from_db()
        assert staff_class.is_senior_management
        event = AuditEvent.objects.get(action="staffclass.updated", object_id=staff_class.public_id)
        assert event.changes["is_senior_management"] == [False, True]
    assert "Senior management" in alice_client.get(_url(org_a, "grade_list")).content.decode()
    # An unticked box is a deliberate "no": it clears the flag again.
    alice_client.post(edit_url, {"code": "EXE", "name": "Executives"})
    with tenant_scope(org_a):
        staff_class.refresh_from_db()
        assert not staff_class.is_senior_management


def test_updating_a_staff_class_without_the_flag_keeps_it(org_a, alice, hr):
    with tenant_scope(org_a):
        staff_class = factories.StaffClassFactory(organization=org_a, is_senior_management=True)
        staff_class_update(actor=alice, membership=hr, staff_class=staff_class, code=staff_class.code, name="Board")
        staff_class.refresh_from_db()
        assert staff_class.is_senior_management and staff_class.name == "Board"
