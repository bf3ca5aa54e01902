"""Demo data for `make run`: two organisations with units, grades, positions and people.

Idempotent: everything is looked up by its natural key (slug, unit code, staff number,
e-mail) before it is created, so a second run changes nothing and duplicates nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.appeals.demo import seed_demo_appeals
from apps.committees.demo import seed_committees
from apps.committees.demo_moderation import seed_moderation
from apps.cycles.demo import seed_appraisal_configuration
from apps.cycles.demo_cycle import seed_demo_cycle
from apps.cycles.demo_past_cycle import seed_past_cycle
from apps.goals.demo import seed_goal_cascade
from apps.people.models import Employee, Grade, OrgUnit, Position, StaffClass, UnitKind
from apps.people.services import tree
from apps.tenancy.models import Membership, Organization, Role
from apps.tenancy.scoping import tenant_scope

DEMO_PASSWORD = "pmsys-demo"

STAFF_CLASSES = [
    ("SM", "Senior management", [("E1", "Executive", 90)]),
    (
        "MP",
        "Managers and professionals",
        [("M2", "Senior manager", 80), ("M1", "Manager", 70), ("P1", "Professional", 60)],
    ),
    ("FL", "Front-line staff", [("S2", "Senior officer", 40), ("S1", "Officer", 30)]),
]

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Keira",
    "Liam",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zara",
]
LAST = [
    "Adeyemi",
    "Bauer",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Wright",
]


def _acme():
    # (code, name, kind, parent code, head's position title)
    units = [
        ("ACME", "Acme Industries", UnitKind.ORGANISATION, None, "Chief Executive"),
        ("OPS", "Operations", UnitKind.DIVISION, "ACME", "Director of Operations"),
        ("CORP", "Corporate Services", UnitKind.DIVISION, "ACME", "Director of Corporate Services"),
        ("TECH", "Technology", UnitKind.DIVISION, "ACME", "Chief Technology Officer"),
        ("CS", "Customer Service", UnitKind.DEPARTMENT, "OPS", "Head of Customer Service"),
        ("LOG", "Logistics", UnitKind.DEPARTMENT, "OPS", "Head of Logistics"),
        ("PRD", "Production", UnitKind.DEPARTMENT, "OPS", "Head of Production"),
        ("HR", "Human Resources", UnitKind.DEPARTMENT, "CORP", "Head of Human Resources"),
        ("FIN", "Finance", UnitKind.DEPARTMENT, "CORP", "Head of Finance"),
        ("ENG", "Engineering", UnitKind.DEPARTMENT, "TECH", "Head of Engineering"),
        ("IT", "IT Support", UnitKind.DEPARTMENT, "TECH", "Head of IT Support"),
    ]
    # Named demo people: (unit code, e-mail, first, last) become the heads/staff named in README.
    named = {
        "CS": ("manager@acme.test", "Morgan", "Reyes"),
        "HR": ("hr@acme.test", "Hana", "Rahman"),
    }
    staff_per_department = 7
    return units, named, staff_per_department, {"CS": [("employee@acme.test", "Evan", "Brooks")]}


def _globex():
    units = [
        ("GLX", "Globex Corporation", UnitKind.ORGANISATION, None, "Managing Director"),
        ("SAL", "Sales", UnitKind.DEPARTMENT, "GLX", "Head of Sales"),
        ("ADM", "Administration", UnitKind.DEPARTMENT, "GLX", "Head of Administration"),
    ]
    named = {"ADM": ("hr@globex.test", "Gloria", "Santos")}
    return units, named, 4, {}


class Command(BaseCommand):
    help = "Create or refresh the demo organisations acme and globex (idempotent)."

    def handle(self, *args, **options):
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: every demo login shares it
        plans = [
            ("acme", "Acme Industries", "Europe/London", _acme()),
            ("globex", "Globex Corporation", "America/New_York", _globex()),
        ]
        for slug, name, time_zone, plan in plans:
            organization, _ = Organization.objects.get_or_create(
                slug=slug, defaults={"name": name, "time_zone": time_zone}
            )
            with transaction.atomic(), tenant_scope(organization):
                created = _seed_organization(organization, plan, password_hash)
                # A rating scale and two appraisal templates (skipped when the scale exists).
                configured = seed_appraisal_configuration(organization)
            self.stdout.write(f"{name}: {created} new employee(s)")
            if configured:
                self.stdout.write(f"{name}: rating scale and appraisal templates created")
        # Then acme's performance-management year, each step in its own transaction and skipped
        # when what it makes exists: this year's goal cascade, the appraisal cycle on it (launched),
        # the committees and groups that run the system, the moderation panel's closed session with
        # one adjusted level, last year's released cycle, and appeals on it before the appeal board.
        acme = Organization.objects.get(slug="acme")
        for seed, made in (
            (seed_goal_cascade, "new goal(s)"),
            (seed_demo_cycle, "new appraisal(s) in this year's cycle"),
            (seed_committees, "new committee(s) and group(s)"),
            (seed_moderation, "new moderation session(s)"),
            (seed_past_cycle, "new appraisal(s) in last year's released cycle"),
            (seed_demo_appeals, "new appeal(s)"),
        ):
            with transaction.atomic(), tenant_scope(acme):
                count = seed(acme)
            self.stdout.write(f"{acme.name}: {count} {made}")
        # One person in both organisations shows the organisation switcher.
        _ensure_member("consultant@pmsys.test", "Casey Consultant", password_hash, "acme", Role.MEMBER)
        _ensure_member("consultant@pmsys.test", "Casey Consultant", password_hash, "globex", Role.MEMBER)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


def _ensure_user(email, full_name, password_hash):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, password=password_hash)
        user.save()
    return user


def _ensure_member(email, full_name, password_hash, slug, role):
    organization = Organization.objects.get(slug=slug)
    user = _ensure_user(email, full_name, password_hash)
    Membership.objects.get_or_create(organization=organization, user=user, defaults={"role": role})
    return user


def _seed_organization(organization, plan, password_hash) -> int:
    unit_rows, named_heads, staff_per_department, named_staff = plan
    prefix = organization.slug[:3].upper()

    grades = {}
    for class_code, class_name, grade_rows in STAFF_CLASSES:
        staff_class, _ = StaffClass.objects.get_or_create(
            organization=organization, code=class_code, defaults={"name": class_name}
        )
        if class_code == "SM" and not staff_class.is_senior_management:
            # Senior management sets the organisation's strategic goals.
            staff_class.is_senior_management = True
            staff_class.save(update_fields=["is_senior_management"])
        for code, grade_name, rank in grade_rows:
            grades[code], _ = Grade.objects.get_or_create(
                organization=organization,
                code=code,
                defaults={"name": grade_name, "staff_class": staff_class, "rank": rank},
            )

    units = {}
    for code, name, kind, parent_code, _title in unit_rows:
        unit, created = OrgUnit.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={"name": name, "kind": kind, "parent": units.get(parent_code)},
        )
        if created:
            tree.place(unit)
        units[code] = unit

    counter = iter(range(1, 10_000))
    new_employees = 0

    def person(unit, title, grade_code, manager, email=None, first=None, last=None):
        nonlocal new_employees
        n = next(counter)
        staff_number = f"{prefix}{n:04d}"
        first = first or FIRST[(n * 7) % len(FIRST)]
        last = last or LAST[(n * 5) % len(LAST)]
        email = email or f"{first}.{last}{n}@{organization.slug}.test".lower()
        position, _ = Position.objects.get_or_create(
            organization=organization, unit=unit, title=title, defaults={"grade": grades[grade_code]}
        )
        employee = Employee.objects.filter(staff_number=staff_number).first()
        if employee is None:
            user = _ensure_user(email, f"{first} {last}", password_hash)
            Membership.objects.get_or_create(organization=organization, user=user, defaults={"role": Role.MEMBER})
            employee = Employee.objects.create(
                organization=organization,
                user=user,
                staff_number=staff_number,
                first_name=first,
                last_name=last,
                email=email,
                unit=unit,
                position=position,
                grade=grades[grade_code],
                manager=manager,
                hire_date=datetime.date(2015, 1, 1) + datetime.timedelta(days=97 * n),
            )
            new_employees += 1
        return employee

    heads = {}
    for code, _name, kind, parent_code, title in unit_rows:
        unit = units[code]
        grade = "E1" if kind == UnitKind.ORGANISATION else ("M2" if kind == UnitKind.DIVISION else "M1")
        email, first, last = named_heads.get(code, (None, None, None))
        head = person(unit, title, grade, heads.get(parent_code), email, first, last)
        heads[code] = head
        if unit.head_id != head.pk:
            unit.head = head
            unit.save(update_fields=["head"])
        if kind == UnitKind.DEPARTMENT:
            for email, first, last in named_staff.get(code, []):
                person(unit, "Senior Officer", "S2", head, email, first, last)
            for i in range(staff_per_department - len(named_staff.get(code, []))):
                title, grade = [("Senior Officer", "S2"), ("Officer", "S1"), ("Specialist", "P1")][i % 3]
                person(unit, title, grade, head)

    # The HR department's head runs the system: HR admin role.
    hr_email = named_heads.get("HR", named_heads.get("ADM"))[0]
    hr_user = get_user_model().objects.get(email__iexact=hr_email)
    Membership.objects.filter(organization=organization, user=hr_user).update(role=Role.HR_ADMIN)
    return new_employees
