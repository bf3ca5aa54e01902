"""units.csv: preview and apply."""

from apps.people.models import CsvImport, OrgUnit
from apps.people.services.import_units import MAX_LEVELS
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .import_support import UNITS_HEADER, apply, messages_at, preview, problems


def test_it_creates_a_tree_given_in_any_order(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "units",
            UNITS_HEADER,
            "TEAM,Payables team,team,ACC",
            "ACC,Accounts,,FIN",
            "FIN,Finance,division,A-HQ",
        )
        assert csv_import.status == CsvImport.Status.READY
        assert csv_import.summary == {"rows": 3, "to_create": 3, "to_update": 0, "unchanged": 0}
        assert not OrgUnit.objects.filter(code="FIN").exists()  # a preview writes nothing

        apply(alice, org_a, csv_import)

        hq = OrgUnit.objects.get(code="A-HQ")
        team = OrgUnit.objects.get(code="TEAM")
        accounts = OrgUnit.objects.get(code="ACC")
        assert team.parent == accounts and accounts.parent.code == "FIN" and accounts.parent.parent == hq
        assert accounts.kind == "department" and team.kind == "team"
        assert team.depth == 3 and team.path.startswith(hq.path) and team.path.startswith(accounts.path)
        assert list(OrgUnit.objects.filter(path__startswith=hq.path).values_list("code", flat=True)) == [
            "A-HQ",
            "FIN",
            "ACC",
            "TEAM",
        ]


def test_it_reports_unknown_parents_duplicates_and_bad_kinds_by_row_and_column(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "units",
            UNITS_HEADER,
            "FIN,Finance,division,NOPE",
            "FIN,Finance again,,",
            "OPS,,squad,a-hq",
            ",Nameless,,",
        )
        assert csv_import.status == CsvImport.Status.INVALID
        assert problems(csv_import) == [
            (2, "parent_code"),
            (3, "code"),
            (4, "name"),
            (4, "kind"),
            (4, "parent_code"),
            (5, "code"),
        ]
        assert "already used on row 2" in messages_at(csv_import, 3, "code")
        assert "Did you mean “A-HQ”" in messages_at(csv_import, 4, "parent_code")
        assert OrgUnit.objects.count() == 1


def test_it_refuses_a_loop_of_parents(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "A,A,,C", "B,B,,A", "C,C,,B", "D,D,,D")
        assert problems(csv_import) == [(2, "parent_code"), (3, "parent_code"), (4, "parent_code"), (5, "parent_code")]
        assert messages_at(csv_import, 3, "parent_code") == "These parents make a loop: A → C → B → A."
        assert "its own parent" in messages_at(csv_import, 5, "parent_code")


def test_it_refuses_a_loop_through_existing_units(org_a, alice, unit_a):
    with tenant_scope(org_a):
        child = factories.OrgUnitFactory(organization=org_a, code="CHILD", parent=unit_a)
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, f"A-HQ,Alpha HQ,,{child.code}")
        assert problems(csv_import) == [(2, "parent_code")]
        assert "A-HQ → CHILD → A-HQ" in messages_at(csv_import, 2, "parent_code")


def test_it_refuses_a_tree_deeper_than_the_path_can_hold(org_a, alice):
    lines = [UNITS_HEADER, "L0,Level 0,,"] + [f"L{i},Level {i},,L{i - 1}" for i in range(1, MAX_LEVELS + 1)]
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", *lines)
        assert problems(csv_import) == [(MAX_LEVELS + 2, "parent_code")]


def test_it_updates_existing_units_by_code_and_moves_their_subtree(org_a, alice, unit_a):
    with tenant_scope(org_a):
        old = factories.OrgUnitFactory(organization=org_a, code="OLD", name="Old name", kind="section", parent=unit_a)
        leaf = factories.OrgUnitFactory(organization=org_a, code="LEAF", parent=old)
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "NEW,New division,division,", "OLD,Renamed,,NEW")
        assert csv_import.summary == {"rows": 2, "to_create": 1, "to_update": 1, "unchanged": 0}

        csv_import = apply(alice, org_a, csv_import)

        old.refresh_from_db()
        leaf.refresh_from_db()
        new = OrgUnit.objects.get(code="NEW")
        assert (old.name, old.kind, old.parent) == ("Renamed", "section", new)  # empty kind keeps the old one
        assert new.depth == 0 and old.depth == 1 and leaf.depth == 2
        assert leaf.path == new.path + f"{old.pk:010d}/{leaf.pk:010d}/"
        assert csv_import.summary["applied"]["moved_with_parent"] == 1


def test_reimporting_the_same_units_changes_nothing(org_a, alice):
    lines = [UNITS_HEADER, "FIN,Finance,division,A-HQ", "ACC,Accounts,department,FIN"]
    with tenant_scope(org_a):
        apply(alice, org_a, preview(alice, org_a, "units", *lines))
        again = preview(alice, org_a, "units", *lines)
        assert again.summary == {"rows": 2, "to_create": 0, "to_update": 0, "unchanged": 2}
        apply(alice, org_a, again)
        assert OrgUnit.objects.count() == 3
