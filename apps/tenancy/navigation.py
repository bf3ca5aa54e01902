"""The side navigation of an organisation's pages: its links are the same for every request of
an organisation, so they are reversed once per process and organisation (26 reverse() calls a
page took ~1 ms of every request), and only which one is current is decided per request."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    # How the current page is recognised: "exact" path, "prefix" (the link's path inside it), plus
    # other path fragments or URL names of pages that belong to the link.
    match: str = "prefix"
    also_paths: tuple = ()
    also_url_names: tuple = ()

    def is_current(self, path: str, url_name: str | None) -> bool:
        if (path == self.url) if self.match == "exact" else (self.url in path):
            return True
        return any(fragment in path for fragment in self.also_paths) or url_name in self.also_url_names


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


_EVERYONE = (
    ("Dashboard", "dashboard", "exact", (), ()),
    ("My targets", "goals:my_targets", "exact", (), ()),
    ("My appraisal tasks", "cycles:my_tasks", "exact", (), ()),
    ("Goal cascade", "goals:cascade", "exact", ("/goals/units/",), ()),
    ("Org chart", "people:org_chart", "prefix", (), ()),
    ("Committees", "committees:committee_list", "prefix", (), ()),
    ("Appeals", "appeals:mine", "prefix", (), ()),
)
_HR = (
    ("People", "people:employee_list", "prefix", (), ()),
    ("Units", "people:unit_list", "prefix", (), ()),
    ("Positions", "people:position_list", "prefix", (), ()),
    ("Grades & staff classes", "people:grade_list", "prefix", (), ()),
    ("Goal periods", "goals:period_list", "prefix", (), ()),
    (
        "Appraisal cycles",
        "cycles:cycle_list",
        "exact",
        (),
        ("cycle_detail", "cycle_edit", "cycle_phases", "cycle_participants", "appraisal_list"),
    ),
    ("Phase schedule", "cycles:phase_schedule", "exact", (), ()),
    ("Rating scales", "cycles:scale_list", "prefix", (), ()),
    ("Appraisal templates", "cycles:template_list", "prefix", ("/cycles/sections/", "/cycles/competencies/"), ()),
    ("Import CSV", "people:import_start", "prefix", (), ()),
)


@lru_cache(maxsize=1024)
def _links(script_prefix: str, slug: str, hr: bool) -> tuple[tuple[NavLink, ...], tuple[NavLink, ...]]:
    def build(rows):
        return tuple(
            NavLink(label, reverse(name, kwargs={"org_slug": slug}), match, paths, names)
            for label, name, match, paths, names in rows
        )

    return build(_EVERYONE), build(_HR) if hr else ()


def navigation(request, *, hr: bool) -> dict:
    """{"main": [...], "hr": [...]} of NavItems for the request's organisation."""
    main, admin = _links(get_script_prefix(), request.organization.slug, hr)
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None else None
    path = request.path

    def items(links):
        return [NavItem(link.label, link.url, link.is_current(path, url_name)) for link in links]

    return {"main": items(main), "hr": items(admin)}
