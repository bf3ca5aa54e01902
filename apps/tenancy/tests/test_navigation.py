"""The side navigation: its links, the HR section for HR only, and the current page marked."""

import re

import pytest

from apps.tenancy.urls_helpers import org_reverse

pytestmark = pytest.mark.django_db


def _nav(client, url) -> list[tuple[str, str, bool]]:
    html = client.get(url).content.decode()
    nav = html.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    return [
        (label, href, bool(current))
        for href, current, label in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)
    ]


def test_a_member_sees_the_main_links_and_the_current_one_marked(bob_client, org_a):
    links = _nav(bob_client, org_reverse("goals:cascade", org_a))
    assert [label for label, _, _ in links] == [
        "Dashboard",
        "My targets",
        "My appraisal tasks",
        "Goal cascade",
        "Org chart",
        "Committees",
        "Appeals",
    ]
    assert [label for label, _, current in links if current] == ["Goal cascade"]
    assert ("Dashboard", org_reverse("dashboard", org_a), False) in links


def test_hr_also_sees_the_administration_links(alice_client, org_a):
    links = _nav(alice_client, org_reverse("people:employee_list", org_a))
    labels = [label for label, _, _ in links]
    assert labels[7:] == [
        "People",
        "Units",
        "Positions",
        "Grades &amp; staff classes",
        "Goal periods",
        "Appraisal cycles",
        "Phase schedule",
        "Rating scales",
        "Appraisal templates",
        "Import CSV",
    ]
    assert [label for label, _, current in links if current] == ["People"]


def test_a_page_under_a_link_marks_it(alice_client, org_a, unit_a):
    links = _nav(alice_client, org_reverse("goals:unit_goals", org_a, orgunit_id=unit_a.public_id))
    assert [label for label, _, current in links if current] == ["Goal cascade"]
