"""factory_boy factories for the foundation's models. Build them outside a scope (the
conftest does that for fixtures) or inside the scope of their organisation."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from apps.appeals import models as appeals
from apps.committees import models as committees
from apps.cycles import models as cycles
from apps.goals import models as goals
from apps.notifications import models as notifications
from apps.people import models as people
from apps.people.services import tree
from apps.tenancy.models import AuditEvent, Membership, Organization, Role


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    time_zone = "Europe/London"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password("pmsys-test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.OrgUnit
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = people.UnitKind.DEPARTMENT
    parent = None

    @factory.post_generation
    def placed(obj, create, extracted, **kwargs):
        if create:
            tree.place(obj)


class StaffClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.StaffClass

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"SC{n}")
    name = factory.Sequence(lambda n: f"Staff class {n}")


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.Grade

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"Grade {n}")
    staff_class = factory.SubFactory(StaffClassFactory, organization=factory.SelfAttribute("..organization"))
    rank = 1


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.Position

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Officer {n}")
    unit = factory.SubFactory(OrgUnitFactory, organization=factory.SelfAttribute("..organization"))
    grade = None


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.Employee

    organization = factory.SubFactory(OrganizationFactory)
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.staff_number.lower()}@example.test")
    unit = factory.SubFactory(OrgUnitFactory, organization=factory.SelfAttribute("..organization"))
    hire_date = factory.Faker("date_between", start_date="-10y", end_date="-30d")


def member(organization, unit, *, role=Role.MEMBER, email, first_name="Test", manager=None, **employee_fields):
    """A user with a membership and an employee record in `organization`."""
    user = UserFactory(email=email, full_name=f"{first_name} Example")
    MembershipFactory(organization=organization, user=user, role=role)
    EmployeeFactory(
        organization=organization,
        unit=unit,
        user=user,
        email=email,
        first_name=first_name,
        last_name="Example",
        manager=manager,
        **employee_fields,
    )
    return user


class CsvImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.CsvImport

    organization = factory.SubFactory(OrganizationFactory)
    kind = people.CsvImport.Kind.EMPLOYEES
    status = people.CsvImport.Status.READY
    file_name = "people.csv"
    content = "staff_number,first_name,last_name,email,unit_code\n"
    row_count = 0


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    organization = factory.SubFactory(OrganizationFactory)
    action = "test.event"


class GoalPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goals.GoalPeriod

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"{2026 + n}")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal placed in the tree (path set). Defaults to an active strategic goal."""

    class Meta:
        model = goals.Goal
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    period = factory.SubFactory(GoalPeriodFactory, organization=factory.SelfAttribute("..organization"))
    level = goals.GoalLevel.STRATEGIC
    title = factory.Sequence(lambda n: f"Goal {n}")
    status = goals.GoalStatus.ACTIVE
    weight = Decimal("0")

    @factory.post_generation
    def placed(obj, create, extracted, **kwargs):
        if create:
            tree.place(obj)


class KeyIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goals.KeyIndicator

    organization = factory.SubFactory(OrganizationFactory)
    goal = factory.SubFactory(GoalFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Indicator {n}")
    baseline = Decimal("0")
    target = Decimal("100")


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goals.CheckIn

    organization = factory.SubFactory(OrganizationFactory)
    goal = factory.SubFactory(GoalFactory, organization=factory.SelfAttribute("..organization"))
    percentage = Decimal("10")
    comment = "Under way"


class RatingScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.RatingScale

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Scale {n}")


class ScaleLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.ScaleLevel

    organization = factory.SubFactory(OrganizationFactory)
    scale = factory.SubFactory(RatingScaleFactory, organization=factory.SelfAttribute("..organization"))
    value = factory.Sequence(lambda n: Decimal(n + 1))
    label = factory.LazyAttribute(lambda o: str(o.value))
    band_from = factory.LazyAttribute(lambda o: o.value - Decimal("0.5"))


class AppraisalTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.AppraisalTemplate

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    scale = factory.SubFactory(RatingScaleFactory, organization=factory.SelfAttribute("..organization"))


class TemplateSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.TemplateSection

    organization = factory.SubFactory(OrganizationFactory)
    template = factory.SubFactory(AppraisalTemplateFactory, organization=factory.SelfAttribute("..organization"))
    kind = cycles.SectionKind.COMPETENCIES
    title = factory.Sequence(lambda n: f"Section {n}")
    weight = Decimal("40")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.Competency

    organization = factory.SubFactory(OrganizationFactory)
    section = factory.SubFactory(TemplateSectionFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Competency {n}")


class CompetencyDescriptorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.CompetencyDescriptor

    organization = factory.SubFactory(OrganizationFactory)
    competency = factory.SubFactory(CompetencyFactory, organization=factory.SelfAttribute("..organization"))
    level = factory.SubFactory(
        ScaleLevelFactory,
        organization=factory.SelfAttribute("..organization"),
        scale=factory.SelfAttribute("..competency.section.template.scale"),
    )
    text = "Shows it every day"


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.Cycle

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Cycle {n}")
    period = factory.SubFactory(GoalPeriodFactory, organization=factory.SelfAttribute("..organization"))


class CycleTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.CycleTemplate

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    template = factory.SubFactory(AppraisalTemplateFactory, organization=factory.SelfAttribute("..organization"))


class AppraisalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.Appraisal

    organization = factory.SubFactory(OrganizationFactory)
    cycle_template = factory.SubFactory(CycleTemplateFactory, organization=factory.SelfAttribute("..organization"))
    cycle = factory.SelfAttribute("cycle_template.cycle")
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))


class CyclePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.CyclePhase

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    kind = cycles.PhaseKind.PLANNING
    starts_at = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC))
    ends_at = factory.LazyFunction(lambda: datetime.datetime(2026, 2, 5, 17, tzinfo=datetime.UTC))


class AppraisalTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.AppraisalTarget

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Target {n}")


class AppraisalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.AppraisalEvent

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    to_state = cycles.AppraisalState.PLANNING


class CompetencyRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.CompetencyRating

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    competency_key = factory.Sequence(lambda n: f"competency-{n}")


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.ImprovementPlan

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    employee = factory.SelfAttribute("appraisal.employee")
    counselled_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    areas = "Meet the agreed deadlines."
    actions = "Plan each week with the team lead."
    review_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))


class SectionResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.SectionResponse

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    section_key = factory.Sequence(lambda n: f"section-{n}")


class RatingChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.RatingChange

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(AppraisalFactory, organization=factory.SelfAttribute("..organization"))
    subject = "target"
    field = "officer_rating"


class PhaseChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cycles.PhaseChange

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    from_phase = cycles.PhaseKind.PLANNING
    to_phase = cycles.PhaseKind.MIDTERM


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = notifications.Notification

    organization = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = notifications.Kind.PHASE_OPENED
    title = factory.Sequence(lambda n: f"Notification {n}")


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = notifications.Preference

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)


class ReminderRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = notifications.ReminderRule

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))


class ReminderLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = notifications.ReminderLog

    organization = factory.SubFactory(OrganizationFactory)
    rule = factory.SubFactory(ReminderRuleFactory, organization=factory.SelfAttribute("..organization"))
    cycle = factory.SelfAttribute("rule.cycle")
    appraisal = factory.SubFactory(
        AppraisalFactory,
        organization=factory.SelfAttribute("..organization"),
        cycle_template__cycle=factory.SelfAttribute("...cycle"),
    )
    recipient = factory.SubFactory(UserFactory)
    action = cycles.AppraisalState.SELF_ASSESSMENT
    role = notifications.ReminderRole.APPRAISEE
    kind = notifications.ReminderKind.BEFORE
    deadline = factory.LazyFunction(lambda: datetime.datetime(2026, 2, 5, 17, tzinfo=datetime.UTC))
    occasion = 0


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.Committee

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = committees.CommitteeKind.PROMOTION_GROUP


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.CommitteeMember

    organization = factory.SubFactory(OrganizationFactory)
    committee = factory.SubFactory(CommitteeFactory, organization=factory.SelfAttribute("..organization"))
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.ProgressReport

    organization = factory.SubFactory(OrganizationFactory)
    to_committee = factory.SubFactory(
        CommitteeFactory, organization=factory.SelfAttribute("..organization"), kind=committees.CommitteeKind.PMC
    )
    group = factory.SubFactory(
        CommitteeFactory,
        organization=factory.SelfAttribute("..organization"),
        reports_to=factory.SelfAttribute("..to_committee"),
    )
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    period_label = factory.Sequence(lambda n: f"Period {n}")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.Issue

    organization = factory.SubFactory(OrganizationFactory)
    committee = factory.SubFactory(CommitteeFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Issue {n}")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.TrainingSession

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Training {n}")
    held_on = datetime.date(2026, 1, 20)


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.TrainingAttendance

    organization = factory.SubFactory(OrganizationFactory)
    session = factory.SubFactory(TrainingSessionFactory, organization=factory.SelfAttribute("..organization"))
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.Announcement

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Please read."
    published_from = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.Lesson

    organization = factory.SubFactory(OrganizationFactory)
    committee = factory.SubFactory(CommitteeFactory, organization=factory.SelfAttribute("..organization"))
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Lesson {n}")


class ModerationSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.ModerationSession

    organization = factory.SubFactory(OrganizationFactory)
    panel = factory.SubFactory(
        CommitteeFactory,
        organization=factory.SelfAttribute("..organization"),
        kind=committees.CommitteeKind.MODERATION_PANEL,
    )
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))


class ModerationAdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.ModerationAdjustment

    organization = factory.SubFactory(OrganizationFactory)
    session = factory.SubFactory(ModerationSessionFactory, organization=factory.SelfAttribute("..organization"))
    appraisal = factory.SubFactory(
        AppraisalFactory,
        organization=factory.SelfAttribute("..organization"),
        cycle_template__cycle=factory.SelfAttribute("...session.cycle"),
    )
    original_level = "4"
    new_level = "3"
    reason = "Out of line with the unit"


class ModerationGuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = committees.ModerationGuideline

    organization = factory.SubFactory(OrganizationFactory)
    cycle = factory.SubFactory(CycleFactory, organization=factory.SelfAttribute("..organization"))
    shares = factory.LazyFunction(lambda: {"5": "10", "4": "20", "3": "40", "2": "20", "1": "10"})


# --- Appeals ------------------------------------------------------------------------------------


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.Appeal

    organization = factory.SubFactory(OrganizationFactory)
    appraisal = factory.SubFactory(
        AppraisalFactory, organization=factory.SelfAttribute("..organization"), state=cycles.AppraisalState.RELEASED
    )
    appellant = factory.SelfAttribute("appraisal.employee")
    grounds = "The rating does not reflect the year's results."


class AppealAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.AppealAttachment

    organization = factory.SubFactory(OrganizationFactory)
    appeal = factory.SubFactory(AppealFactory, organization=factory.SelfAttribute("..organization"))
    # A stored name only: no file is written for a factory row (the download view answers 404).
    file = "appeals/factory/evidence.pdf"
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = 1024


class AppealExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.AppealExclusion

    organization = factory.SubFactory(OrganizationFactory)
    appeal = factory.SubFactory(AppealFactory, organization=factory.SelfAttribute("..organization"))
    employee = factory.SubFactory(EmployeeFactory, organization=factory.SelfAttribute("..organization"))
    reason = appeals.ExclusionReason.REPORTING_LINE


class AppealEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.AppealEvent

    organization = factory.SubFactory(OrganizationFactory)
    appeal = factory.SubFactory(AppealFactory, organization=factory.SelfAttribute("..organization"))
    action = "lodge"
    to_state = appeals.AppealState.LODGED


class AppealNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.AppealNote

    organization = factory.SubFactory(OrganizationFactory)
    appeal = factory.SubFactory(AppealFactory, organization=factory.SelfAttribute("..organization"))
    text = "The board notes the targets changed mid-year."


class CommentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = appeals.CommentRequest

    organization = factory.SubFactory(OrganizationFactory)
    appeal = factory.SubFactory(AppealFactory, organization=factory.SelfAttribute("..organization"))
    party = appeals.Party.APPELLANT
    addressee = factory.SelfAttribute("appeal.appellant")
    question = "What evidence of the sales figures do you have?"
    due_at = factory.LazyFunction(lambda: datetime.datetime(2026, 12, 1, 17, tzinfo=datetime.UTC))
