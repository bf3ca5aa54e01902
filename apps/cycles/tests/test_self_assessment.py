"""The appraisee's self-assessment: the page (editable for the appraisee in its state, read-only
for the others, 404 for strangers), the full Save (version-checked, ratings on the frozen scale,
history of ratings) and the Submit that hands it in and locks it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.cycles.models import (
    Appraisal,
    AppraisalState,
    AppraisalTarget,
    CompetencyRating,
    Cycle,
    PhaseKind,
    RatingChange,
    SectionKind,
    SectionResponse,
)
from apps.cycles.services.freeze import template_snapshot
from apps.cycles.services.self_assessment import (
    HANDED_IN,
    fields_named,
    self_assessment_autosave,
    self_assessment_fields,
    self_assessment_save,
    self_assessment_submit,
)
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories


def build_world(org, unit, alice):
    """Ann (appraisee), Otto (her appraising officer), Cora (countersigning), Alice (HR), and an
    appraisal open for self-assessment on a template with targets, a competency, training needs
    the appraisee fills and general comments she does not."""
    users = {
        name: factories.member(org, unit, email=f"{name}@alpha.test", first_name=name.title())
        for name in ("ann", "otto", "cora", "zed")
    }
    users["alice"] = alice
    with tenant_scope(org):
        employees = {name: user.employments.get() for name, user in users.items()}
        memberships = {name: Membership.objects.get(user=user, organization=org) for name, user in users.items()}
        scale = factories.RatingScaleFactory(organization=org)
        levels = {
            value: factories.ScaleLevelFactory(
                organization=org, scale=scale, value=Decimal(value), label=str(value), name=name, descriptor=f"{name}."
            )
            for value, name in ((1, "Unsatisfactory"), (2, "Fair"), (3, "Good"), (4, "Very good"), (5, "Outstanding"))
        }
        template = factories.AppraisalTemplateFactory(organization=org, scale=scale, name="Officers")
        section = factories.TemplateSectionFactory
        section(
            organization=org,
            template=template,
            kind=SectionKind.WORK_TARGETS,
            title="Targets",
            order=1,
            weight=Decimal("60"),
            appraisee_fills=True,
            appraisee_self_rates=True,
        )
        comp_section = section(
            organization=org,
            template=template,
            kind=SectionKind.COMPETENCIES,
            title="Skills",
            order=2,
            weight=Decimal("40"),
            appraisee_fills=False,
            appraisee_self_rates=True,
        )
        competency = factories.CompetencyFactory(organization=org, section=comp_section, name="Teamwork")
        factories.CompetencyDescriptorFactory(
            organization=org, competency=competency, level=levels[5], text="Builds teams others want to join"
        )
        section(
            organization=org,
            template=template,
            kind=SectionKind.TRAINING_NEEDS,
            title="Training needs",
            order=3,
            weight=Decimal("0"),
            appraisee_fills=True,
        )
        section(
            organization=org,
            template=template,
            kind=SectionKind.GENERAL_COMMENTS,
            title="Officer's comments",
            order=4,
            weight=Decimal("0"),
            appraisee_fills=False,
        )
        cycle = factories.CycleFactory(organization=org, current_phase=PhaseKind.SELF_ASSESSMENT, status="active")
        cycle_template = factories.CycleTemplateFactory(
            organization=org, cycle=cycle, template=template, snapshot=template_snapshot(template)
        )
        appraisal = factories.AppraisalFactory(
            organization=org,
            cycle_template=cycle_template,
            employee=employees["ann"],
            appraising_officer=employees["otto"],
            countersigning_officer=employees["cora"],
            state=AppraisalState.SELF_ASSESSMENT,
        )
        targets = [
            factories.AppraisalTargetFactory(organization=org, appraisal=appraisal, title=title, weight=w, order=i)
            for i, (title, w) in enumerate((("Close the books", Decimal("60")), ("Train two clerks", Decimal("40"))))
        ]
        snapshot = cycle_template.snapshot
    keys = {s["kind"]: s["key"] for s in snapshot["sections"]}
    return {
        "org": org,
        "users": users,
        "employees": employees,
        "memberships": memberships,
        "appraisal": appraisal,
        "targets": targets,
        "competency_key": snapshot["sections"][1]["competencies"][0]["key"],
        "training_key": keys[SectionKind.TRAINING_NEEDS],
        "comments_key": keys[SectionKind.GENERAL_COMMENTS],
    }


@pytest.fixture
def world(org_a, unit_a, alice):
    return build_world(org_a, unit_a, alice)


def as_person(world, name) -> dict:
    return {
        "actor": world["users"][name],
        "employee": world["employees"][name],
        "membership": world["memberships"][name],
    }


def name_of(kind, key) -> str:
    return {
        "achievement": f"target-{key}-achievement",
        "target_rating": f"target-{key}-self_rating",
        "competency_rating": f"competency-{key}-self_rating",
        "section_text": f"section-{key}-text",
    }[kind]


def full_values(world) -> dict:
    first, second = (str(t.public_id) for t in world["targets"])
    return {
        name_of("achievement", first): "Closed every month on day 3.",
        name_of("target_rating", first): "4",
        name_of("achievement", second): "Both clerks trained.",
        name_of("target_rating", second): "5",
        name_of("competency_rating", world["competency_key"]): "3",
        name_of("section_text", world["training_key"]): "Advanced Excel.",
    }


def url(world, name="cycles:self_assessment"):
    return org_reverse(name, world["org"], appraisal_id=world["appraisal"].public_id)


def client_for(client, world, name):
    client.force_login(world["users"][name])
    return client


def version_of(world) -> int:
    with tenant_scope(world["org"]):
        return Appraisal.objects.get(pk=world["appraisal"].pk).version


# --- Fields, from the frozen template ---------------------------------------------------------


def test_fields_follow_the_frozen_template(world):
    with tenant_scope(world["org"]):
        snapshot = world["appraisal"].cycle_template.snapshot
        kinds = [f.kind for f in self_assessment_fields(snapshot, world["targets"])]
    # Two targets × (achievement + self-rating), the competency, training needs; not the officer's comments.
    assert kinds == [
        "achievement",
        "target_rating",
        "achievement",
        "target_rating",
        "competency_rating",
        "section_text",
    ]


# --- Save ------------------------------------------------------------------------------------


def test_the_appraisee_saves_achievements_ratings_and_texts(world):
    with tenant_scope(world["org"]):
        saved = self_assessment_save(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        first = AppraisalTarget.objects.get(pk=world["targets"][0].pk)
        assert (first.achievement, first.self_rating) == ("Closed every month on day 3.", Decimal("4"))
        assert CompetencyRating.objects.get(competency_key=world["competency_key"]).self_rating == Decimal("3")
        assert SectionResponse.objects.get(section_key=world["training_key"]).appraisee_text == "Advanced Excel."
        assert saved.version == 2
        # Ratings keep their history; texts are drafts until handed in.
        changes = RatingChange.objects.filter(appraisal=world["appraisal"])
        assert sorted(changes.values_list("field", flat=True)) == ["self_rating"] * 3
        assert changes.get(subject_key=world["competency_key"]).new_value == "3.00"
        event = AuditEvent.objects.get(action="appraisal.self_assessment_save")
        assert (event.actor, event.object_id, event.changes["fields"][0]) == (
            world["users"]["ann"],
            world["appraisal"].public_id,
            name_of("achievement", world["targets"][0].public_id),
        )
        assert event.created_at is not None and event.organization == world["org"]
        # A second save updates the rows it wrote (and only what changed), in the same organisation.
        values = {
            **full_values(world),
            name_of("competency_rating", world["competency_key"]): "5",
            name_of("section_text", world["training_key"]): "Advanced Excel & SQL.",
        }
        self_assessment_save(**as_person(world, "ann"), appraisal=world["appraisal"], values=values, expected_version=2)
        assert CompetencyRating.objects.get(competency_key=world["competency_key"]).self_rating == Decimal("5")
        assert SectionResponse.objects.get(section_key=world["training_key"]).appraisee_text == "Advanced Excel & SQL."
        assert (CompetencyRating.objects.count(), SectionResponse.objects.count()) == (1, 1)
        assert changes.get(subject_key=world["competency_key"], new_value="5.00").old_value == "3.00"
        assert AuditEvent.objects.filter(action="appraisal.self_assessment_save").count() == 2


def test_a_save_leaves_each_targets_other_column_as_stored(world):
    """Targets are written in every column changed on any of them: where the post left one alone,
    the stored value goes back."""
    first, second = (str(t.public_id) for t in world["targets"])
    with tenant_scope(world["org"]):
        self_assessment_save(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        values = {name_of("achievement", first): "Closed on day 2.", name_of("target_rating", second): "3"}
        self_assessment_save(**as_person(world, "ann"), appraisal=world["appraisal"], values=values, expected_version=2)
        rows = {str(t.public_id): t for t in AppraisalTarget.objects.filter(appraisal=world["appraisal"])}
        assert (rows[first].achievement, rows[first].self_rating) == ("Closed on day 2.", Decimal("4"))
        assert (rows[second].achievement, rows[second].self_rating) == ("Both clerks trained.", Decimal("3"))
        event = AuditEvent.objects.filter(action="appraisal.self_assessment_save").latest("created_at")
        assert event.changes["fields"] == list(values)


def test_a_saves_statements_do_not_grow_with_the_form(world):
    """Two locks, the stored rows read in one query and everything written in one statement (the
    version included): the same count for two targets as for six, first save or later."""

    def statements(values, version) -> int:
        with CaptureQueriesContext(connection) as queries:
            self_assessment_save(
                **as_person(world, "ann"), appraisal=world["appraisal"], values=values, expected_version=version
            )
        return len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    with tenant_scope(world["org"]):
        small = statements(full_values(world), 1)
        more = [
            factories.AppraisalTargetFactory(organization=world["org"], appraisal=world["appraisal"], order=5 + n)
            for n in range(4)
        ]
        values = {**full_values(world), name_of("competency_rating", world["competency_key"]): "5"}
        values.update({name_of("achievement", t.public_id): f"Done {n}." for n, t in enumerate(more)})
        values.update({name_of("target_rating", t.public_id): "2" for t in more})
        large = statements(values, 2)
    assert small == large == 4


def test_a_rating_off_the_scale_is_refused_at_its_field_with_nothing_written(world):
    values = full_values(world)
    field = name_of("target_rating", world["targets"][0].public_id)
    values[field] = "7"
    with tenant_scope(world["org"]):
        with pytest.raises(ValidationError) as refused:
            self_assessment_save(
                **as_person(world, "ann"), appraisal=world["appraisal"], values=values, expected_version=1
            )
        assert "not a level" in refused.value.message_dict[field][0]
        assert AppraisalTarget.objects.get(pk=world["targets"][0].pk).achievement == ""
        assert not CompetencyRating.objects.exists()
    assert version_of(world) == 1


def test_a_stale_version_writes_nothing(world):
    with tenant_scope(world["org"]):
        with pytest.raises(ValidationError) as refused:
            self_assessment_save(
                **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=0
            )
        assert "nothing was saved" in refused.value.message_dict["__all__"][0]
        assert not SectionResponse.objects.exists()


def test_only_the_appraisee_writes_it(world):
    with tenant_scope(world["org"]):
        for name in ("otto", "alice", "zed"):
            with pytest.raises(PermissionDenied):
                self_assessment_save(
                    **as_person(world, name),
                    appraisal=world["appraisal"],
                    values=full_values(world),
                    expected_version=1,
                )


def test_saving_after_the_phase_closed_says_so_and_writes_nothing(world):
    with tenant_scope(world["org"]):
        Cycle.objects.filter(pk=world["appraisal"].cycle_id).update(current_phase=PhaseKind.COUNTERSIGNING)
        with pytest.raises(ValidationError) as refused:
            self_assessment_save(
                **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
            )
        assert "phase has closed" in refused.value.message_dict["__all__"][0]
        assert not SectionResponse.objects.exists()


# --- Submit ----------------------------------------------------------------------------------


def test_submit_saves_keeps_the_handed_in_texts_and_locks_it(world):
    with tenant_scope(world["org"]):
        moved = self_assessment_submit(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        assert moved.state == AppraisalState.WITH_OFFICER
        handed_in = RatingChange.objects.filter(reason=HANDED_IN)
        assert sorted(handed_in.values_list("field", flat=True)) == ["achievement", "achievement", "appraisee_text"]
        with pytest.raises(ValidationError) as refused:
            self_assessment_save(
                **as_person(world, "ann"),
                appraisal=world["appraisal"],
                values=full_values(world),
                expected_version=moved.version,
            )
        assert "handed in" in refused.value.message_dict["__all__"][0]


def test_submit_without_an_achievement_is_refused_at_the_target_and_saves_nothing(world):
    values = full_values(world)
    field = name_of("achievement", world["targets"][1].public_id)
    values[field] = "  "
    with tenant_scope(world["org"]):
        with pytest.raises(ValidationError) as refused:
            self_assessment_submit(
                **as_person(world, "ann"), appraisal=world["appraisal"], values=values, expected_version=1
            )
        assert field in refused.value.message_dict
        assert Appraisal.objects.get(pk=world["appraisal"].pk).state == AppraisalState.SELF_ASSESSMENT
        assert not RatingChange.objects.exists()
    assert version_of(world) == 1


# --- The page --------------------------------------------------------------------------------


def test_the_appraisee_sees_an_editable_page_with_levels_and_descriptors(client, world):
    response = client_for(client, world, "ann").get(url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="submit"' in page and 'hx-trigger="input changed delay:1s, blur"' in page
    assert "Builds teams others want to join" in page  # the competency's own descriptor for level 5
    assert "Outstanding" in page and "js/autosave.js" in page
    assert "Officer&#x27;s comments" not in page and "Officer's comments" not in page


def test_the_page_saves_without_javascript(client, world):
    data = {**full_values(world), "version": 1, "save": "1"}
    response = client_for(client, world, "ann").post(url(world), data)
    assert response.status_code == 302
    with tenant_scope(world["org"]):
        assert SectionResponse.objects.get(section_key=world["training_key"]).appraisee_text == "Advanced Excel."


def test_the_page_shows_an_off_scale_rating_at_its_field(client, world):
    field = name_of("competency_rating", world["competency_key"])
    data = {**full_values(world), field: "9", "version": 1, "save": "1"}
    response = client_for(client, world, "ann").post(url(world), data)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.content.decode()
    assert version_of(world) == 1


def test_a_refused_post_shows_every_field_with_what_was_posted(client, world):
    """The post's form has the fields it names; refused, the page shows every field of the frozen
    template again, the posted values kept, the message at its field and the stored version."""
    first = str(world["targets"][0].public_id)
    field = name_of("competency_rating", world["competency_key"])
    data = {field: "9", name_of("achievement", first): "Half written", "target-x-bogus": "1", "version": 1, "save": "1"}
    response = client_for(client, world, "ann").post(url(world), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {"version", *(f.name for f in form.sa_fields)}
    with tenant_scope(world["org"]):
        expected = self_assessment_fields(world["appraisal"].cycle_template.snapshot, world["targets"])
    assert form.sa_fields == expected
    assert form.errors[field] and form[name_of("achievement", first)].value() == "Half written"
    assert form["version"].value() == 1
    assert "Half written" in response.content.decode()


def test_a_post_names_its_fields(world):
    key = str(world["targets"][0].public_id)
    names = [
        f"target-{key}-achievement",
        f"target-{key}-self_rating",
        "competency-teamwork-self_rating",
        "section-training-text",
        "version",
        "save",
        "target--achievement",
        "section-x-self_rating",
        "competency-" + "k" * 65 + "-self_rating",
    ]
    assert [(f.kind, f.key) for f in fields_named(names)] == [
        ("achievement", key),
        ("target_rating", key),
        ("competency_rating", "teamwork"),
        ("section_text", "training"),
    ]


def test_a_stale_save_on_the_page_says_so(client, world):
    data = {**full_values(world), "version": 0, "save": "1"}
    response = client_for(client, world, "ann").post(url(world), data)
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    with tenant_scope(world["org"]):
        assert not SectionResponse.objects.exists()


def test_submit_on_the_page_locks_it_and_shows_it_read_only(client, world):
    ann = client_for(client, world, "ann")
    response = ann.post(url(world), {**full_values(world), "version": 1, "submit": "1"}, follow=True)
    page = response.content.decode()
    assert "handed in your self-assessment" in page
    assert "<textarea" not in page and "Advanced Excel." in page
    # A late Save from a stale tab: a clear message, nothing written.
    again = ann.post(url(world), {**full_values(world), "version": 3, "save": "1"})
    assert again.status_code == 200 and "nothing was saved" in again.content.decode()


def test_the_officer_reads_it_after_submission_but_not_the_draft(client, world):
    otto = client_for(client, world, "otto")
    assert "has not handed in" in otto.get(url(world)).content.decode()
    assert otto.post(url(world), {**full_values(world), "version": 1}).status_code == 403
    with tenant_scope(world["org"]):
        self_assessment_submit(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
    page = otto.get(url(world)).content.decode()
    assert "Both clerks trained." in page and "<textarea" not in page


def test_a_stranger_gets_404(client, world):
    assert client_for(client, world, "zed").get(url(world)).status_code == 404
    assert client_for(client, world, "zed").post(url(world), {"version": 1}).status_code == 404


def test_the_cached_page_shows_every_change_at_once_and_roles_stay_each_persons(client, world):
    """The appraisal, its rows and the phase are read through generations.cached: a bare UPDATE
    (no service, no signal) shows on the next request; the roles are worked out per request,
    so a stranger after the appraisee still gets 404."""
    ann = client_for(client, world, "ann")
    page = ann.get(url(world)).content.decode()
    assert "<textarea" in page and "Written behind the page" not in page
    target = world["targets"][0]
    with tenant_scope(world["org"]):
        AppraisalTarget.objects.filter(pk=target.pk).update(achievement="Written behind the page")
    assert "Written behind the page" in ann.get(url(world)).content.decode()
    with tenant_scope(world["org"]):
        Appraisal.objects.filter(pk=world["appraisal"].pk).update(state=AppraisalState.WITH_OFFICER)
    page = ann.get(url(world)).content.decode()
    assert "<textarea" not in page and "handed in your self-assessment" in page
    assert client_for(client, world, "zed").get(url(world)).status_code == 404


def test_saves_and_autosaves_leave_hrs_overview_cached_a_submit_does_not(client, world):
    """A save moves only the appraisal's version and edit stamp (and its own rows): HR's overview,
    which reads the appraisal rows' states only, stays cached (generations.APPRAISAL_STATES); the
    submit changes the state and the overview reads again."""
    url_overview = org_reverse("cycles:cycle_overview", world["org"], cycle_id=world["appraisal"].cycle.public_id)
    hr = Client()
    hr.force_login(world["users"]["alice"])

    def overview_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert hr.get(url_overview).status_code == 200
        return len(queries)

    overview_queries()
    warm = overview_queries()
    with tenant_scope(world["org"]):
        self_assessment_save(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        self_assessment_autosave(
            **as_person(world, "ann"),
            appraisal=world["appraisal"],
            kind="section",
            key=world["training_key"],
            text="Advanced Excel, and SQL.",
        )
    assert overview_queries() == warm
    with tenant_scope(world["org"]):
        self_assessment_submit(
            **as_person(world, "ann"),
            appraisal=world["appraisal"],
            values=full_values(world),
            expected_version=version_of(world),
        )
    assert overview_queries() > warm


def test_one_appraisees_save_leaves_anothers_page_cached(client, world):
    """The save and the autosave write Ann's rows only and say so (generations.writes_of_appraisal):
    Zed's self-assessment page, in the same cycle, stays cached; Ann's shows what she saved."""
    with tenant_scope(world["org"]):
        zeds = factories.AppraisalFactory(
            organization=world["org"],
            cycle_template=world["appraisal"].cycle_template,
            employee=world["users"]["zed"].employments.get(),
            appraising_officer=world["appraisal"].appraising_officer,
            state=AppraisalState.SELF_ASSESSMENT,
        )
    zed = client_for(Client(), world, "zed")
    zeds_url = org_reverse("cycles:self_assessment", world["org"], appraisal_id=zeds.public_id)

    def zeds_page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert zed.get(zeds_url).status_code == 200
        return len(queries)

    zeds_page_queries()
    warm = zeds_page_queries()
    with tenant_scope(world["org"]):
        self_assessment_save(
            **as_person(world, "ann"), appraisal=world["appraisal"], values=full_values(world), expected_version=1
        )
        self_assessment_autosave(
            **as_person(world, "ann"),
            appraisal=world["appraisal"],
            kind="section",
            key=world["training_key"],
            text="Written after the save.",
        )
    assert zeds_page_queries() == warm
    assert "Written after the save." in client_for(client, world, "ann").get(url(world)).content.decode()
    with tenant_scope(world["org"]):  # any other write to the appraisal rows reaches every page
        AppraisalTarget.objects.filter(pk=world["targets"][0].pk).update(achievement="Behind the page")
    assert zeds_page_queries() > warm
