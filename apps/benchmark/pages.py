"""Server time and SQL statements of the main pages, in process through Django's test Client.

Server time is the whole request through the middleware and view stack (no network, no
browser). Each page is asked `requests` times after a warm-up with its read caches warm, then
`requests` times cold (apps/tenancy/generations.py: every cache forgotten before each request);
the statements of one cold request are kept, and every SELECT among them is run again raw
(cursor.execute on the ORM's own SQL) to know how far the page is from what the database alone
costs: the "essential" query is the page's most expensive SELECT, and the ratio is the cold
median / that query's median.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch

from apps.cycles.models import Appraisal
from apps.cycles.services.self_assessment import self_assessment_fields, self_assessment_save
from apps.tenancy import generations
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .measure import StatementLog, summary_ms

BACKEND = "apps.accounts.backends.CachedModelBackend"
RAW_REPEATS = 20
FORM_ENCODED = "application/x-www-form-urlencoded"  # what a browser sends for the page's form
WARM_UP = 3


@dataclass
class Page:
    key: str
    title: str
    user: object
    url: str


def pages_of(case) -> list[Page]:
    """The main pages, each opened by the person who would open it."""
    s, org = case.sample, case.organization
    pages = [
        Page("dashboard", "Employee dashboard", s["appraisee"], org_reverse("dashboard", org)),
        Page("my_tasks", "My tasks (appraising officer)", s["officer"], org_reverse("cycles:my_tasks", org)),
        Page(
            "self_assessment",
            "Self-assessment form",
            s["appraisee"],
            org_reverse("cycles:self_assessment", org, appraisal_id=s["appraisal"].public_id),
        ),
        Page("team", "Appraising officer's team (My targets)", s["officer"], org_reverse("goals:my_targets", org)),
        Page(
            "cycle_overview",
            "HR cycle overview",
            s["hr"],
            org_reverse("cycles:cycle_overview", org, cycle_id=s["cycle"].public_id),
        ),
        Page("cascade_top", "Goal cascade, top level", s["hr"], org_reverse("goals:cascade", org)),
        Page(
            "cascade_deep_unit",
            "Goal cascade, a team's goals",
            s["hr"],
            org_reverse("goals:unit_goals", org, orgunit_id=s["deep_unit"].public_id),
        ),
        Page("org_chart", "Org chart", s["hr"], org_reverse("people:org_chart", org)),
    ]
    moderation = moderation_page(case)
    if moderation is not None:
        pages.append(moderation)
    return pages


def moderation_page(case) -> Page | None:
    """The moderation session's distribution page, when this checkout has its URL (it was being
    built alongside the benchmark)."""
    try:
        url = org_reverse(
            "moderation:session_detail",
            case.organization,
            moderationsession_id=case.sample["moderation_session"].public_id,
        )
    except NoReverseMatch:
        return None
    return Page("moderation", "Moderation distribution", case.sample["hr"], url)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def time_page(case, page: Page, requests: int) -> dict:
    """The page as people get it (`median`, `p95`: its read caches warm, as between writes) and
    cold (`cold_median`, `cold_p95`: every cache forgotten before each request, as right after
    a write to everything it reads). `queries` counts the cold request's statements, the reads
    the page costs (the same at any data size); `queries_cached` the warm one's. The raw SQL
    and the ratio come from the cold request."""
    client = client_for(page.user)
    for _ in range(WARM_UP):
        _get(client, page.url)
    warm, warm_counts, _ = _timed(client, page.url, requests, cold=False)
    cold, cold_counts, kept = _timed(client, page.url, requests, cold=True)
    raw = raw_sql(case, kept.statements)
    timing, cold_timing = summary_ms(warm), summary_ms(cold)
    return {
        "page": page.key,
        "title": page.title,
        "queries": max(cold_counts),
        "queries_varied": len(cold_counts) > 1,
        "queries_cached": max(warm_counts),
        **timing,
        "cold_median": cold_timing["median"],
        "cold_p95": cold_timing["p95"],
        **raw,
        "ratio": cold_timing["median"] / raw["essential_ms"] if raw["essential_ms"] else None,
    }


def _timed(client: Client, url: str, requests: int, *, cold: bool):
    """Server times and statement counts of `requests` requests, and the last one's statements."""
    seconds, counts, log = [], set(), None
    for n in range(requests):
        if cold:
            generations.forget_all()  # not timed
        log = StatementLog(keep=n == requests - 1)
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            _get(client, url)
            seconds.append(time.perf_counter() - started)
        counts.add(log.count)
    return seconds, counts, log


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def raw_sql(case, statements) -> dict:
    """Each SELECT of one request run again straight on the cursor (median of RAW_REPEATS)."""
    best = {"essential_ms": 0.0, "essential_sql": "", "selects_ms": 0.0}
    with tenant_scope(case.organization), connection.cursor() as cursor:
        for sql, params, _ in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            runs = []
            for _ in range(RAW_REPEATS):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                runs.append(time.perf_counter() - started)
            ms = statistics.median(runs) * 1000
            best["selects_ms"] += ms
            if ms > best["essential_ms"]:
                best["essential_ms"], best["essential_sql"] = ms, sql[:300]
    return best


def time_self_assessment_save(case, requests: int) -> dict:
    """The appraisee saves their self-assessment (not hand it in): every field filled, a POST
    answered by the redirect back to the form, as the browser does it (the page's form is
    URL-encoded; the test client would send multipart)."""
    s = case.sample
    client = client_for(s["appraisee"])
    url = org_reverse("cycles:self_assessment", case.organization, appraisal_id=s["appraisal"].public_id)
    seconds, counts = [], set()
    for n in range(WARM_UP + requests):
        with tenant_scope(case.organization):
            arguments = self_assessment_arguments(case, s["appraisal"].pk, f"Done, and said so at the review ({n}).", n)
        data = {**arguments["values"], "version": arguments["expected_version"]}
        log = StatementLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            response = client.post(url, urlencode(data), content_type=FORM_ENCODED, secure=True)
            elapsed = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(f"self-assessment save answered {response.status_code}")
        if n >= WARM_UP:
            seconds.append(elapsed)
            counts.add(log.count)
    service = time_self_assessment_service(case, requests)
    return {
        "page": "self_assessment_save",
        "queries": max(counts),
        "fields": len(arguments["values"]),
        **summary_ms(seconds),
        **{f"service_{key}": value for key, value in service.items()},
    }


def time_self_assessment_service(case, requests: int) -> dict:
    """The same save as the service alone (its transaction and commit, the row lock, validation,
    history and audit included), as the form post and any other caller run it: the request's own
    cost (session, sign-in, the view reading the appraisal for its permission check, the form,
    the redirect) left out."""
    seconds, counts = [], set()
    for n in range(WARM_UP + requests):
        with tenant_scope(case.organization):
            arguments = self_assessment_arguments(
                case, case.sample["appraisal"].pk, f"Written by the service ({n}).", n
            )
            log = StatementLog()
            with connection.execute_wrapper(log):
                started = time.perf_counter()
                self_assessment_save(**arguments)
                elapsed = time.perf_counter() - started
        if n >= WARM_UP:
            seconds.append(elapsed)
            counts.add(log.count)
    return {"queries": max(counts), **summary_ms(seconds)}


def self_assessment_arguments(case, appraisal_id: int, text: str, n: int) -> dict:
    """What the appraisee's save of every field passes to self_assessment_save (inside the case's
    tenant scope): `text` in the texts, the n-th level of the scale in the ratings, the version
    stored now."""
    appraisal = Appraisal.objects.select_related("cycle_template", "employee__user").get(pk=appraisal_id)
    employee = appraisal.employee
    fields = self_assessment_fields(appraisal.cycle_template.snapshot, list(appraisal.targets.order_by("order")))
    return {
        "actor": employee.user,
        "employee": employee,
        "membership": Membership.objects.get(organization=case.organization, user=employee.user),
        "appraisal": appraisal,
        "values": {f.name: (text if f.is_text else str(1 + n % 5)) for f in fields},
        "expected_version": appraisal.version,
    }
