"""Appraisal configuration: rating scales and assessment templates (a classified assessment
system: each staff class or grade is assessed on its own template).

Cycles, their phases and the appraisals themselves build on these. A launched cycle keeps a
frozen copy of its scale and templates (services.freeze), so editing them later never
rewrites past appraisals.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.tenancy.models import TenantModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class RatingScale(TenantModel):
    """Ordered levels (5 Outstanding … 1 Unsatisfactory, or A–E) and the bands that map an
    overall score onto a level."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="cycles_scale_name_unique")]

    def __str__(self):
        return self.name


class ScaleLevel(TenantModel):
    """One level of a scale. `value` is what a rating on this level scores; `band_from` is the
    lowest overall score that lands on this level (the lowest level takes everything below)."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    label = models.CharField(max_length=40, help_text="Short label shown on ratings: “5”, “A”, “Outstanding”.")
    name = models.CharField(max_length=80, blank=True, help_text="Longer name, e.g. “Outstanding”.")
    descriptor = models.TextField(blank=True, help_text="What performance at this level looks like.")
    band_from = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        help_text="An overall score from this value up (to the next level's) lands here.",
    )

    class Meta:
        ordering = ["-value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="cycles_level_value_unique"),
            models.UniqueConstraint(fields=["scale", "label"], name="cycles_level_label_unique"),
        ]
        indexes = [models.Index(fields=["organization", "scale"], name="cycles_level_scale_idx")]

    def __str__(self):
        return f"{self.label} {self.name}".strip()


class AppraisalTemplate(TenantModel):
    """An assessment scheme: its sections and their weights, assigned to staff classes or
    grades (a grade's own template wins over its class's)."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="templates")
    staff_classes = models.ManyToManyField("people.StaffClass", blank=True, related_name="appraisal_templates")
    grades = models.ManyToManyField("people.Grade", blank=True, related_name="appraisal_templates")
    # Schemes differ on whether the appraisee reads the countersigning officer's remarks: some
    # keep them as a private check on the appraising officer's standards.
    appraisee_sees_countersigning = models.BooleanField(
        default=True,
        help_text="The appraisee reads the countersigning officer's view and remarks in the released report.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="cycles_template_name_unique")]

    def __str__(self):
        return self.name


class SectionKind(models.TextChoices):
    WORK_TARGETS = "work_targets", "Work targets"
    COMPETENCIES = "competencies", "Core competencies"
    GENERAL_COMMENTS = "general_comments", "General comments"
    TRAINING_NEEDS = "training_needs", "Training and development needs"
    CAREER = "career", "Career aspirations and posting preferences"


# Sections whose ratings make the overall score; the others are written, not scored.
SCORED_KINDS = (SectionKind.WORK_TARGETS, SectionKind.COMPETENCIES)


class TemplateSection(TenantModel):
    template = models.ForeignKey(AppraisalTemplate, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=30, choices=SectionKind.choices)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="Shown to whoever fills or rates the section.")
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
        help_text="Share of the overall score, in percent (scored sections only).",
    )
    appraisee_fills = models.BooleanField(default=True, help_text="The appraisee writes in this section.")
    appraisee_self_rates = models.BooleanField(default=False, help_text="The appraisee rates themselves here.")
    officer_rates = models.BooleanField(default=True, help_text="The appraising officer rates this section.")
    countersigning_sees = models.BooleanField(default=True, help_text="The countersigning officer sees this section.")
    targets_need_goal = models.BooleanField(
        default=True, help_text="Each work target must serve a goal of the cascade (work-target sections)."
    )

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["organization", "template"], name="cycles_section_template_idx")]

    def __str__(self):
        return self.title

    @property
    def is_scored(self) -> bool:
        return self.kind in SCORED_KINDS


class Competency(TenantModel):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "competencies"
        indexes = [models.Index(fields=["organization", "section"], name="cycles_competency_section_idx")]

    def __str__(self):
        return self.name


class CompetencyDescriptor(TenantModel):
    """What a competency looks like at one level of the scale (behavioural anchor)."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(ScaleLevel, on_delete=models.CASCADE, related_name="descriptors")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="cycles_descriptor_unique"),
        ]
        indexes = [models.Index(fields=["organization", "competency"], name="cycles_descriptor_comp_idx")]

    def __str__(self):
        return f"{self.competency} at {self.level}"


# --- Cycles -------------------------------------------------------------------------------------


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    LAUNCHING = "launching", "Launching"
    ACTIVE = "active", "Under way"
    CLOSED = "closed", "Closed"


class PhaseKind(models.TextChoices):
    """The dated phases of a cycle, in the order they run."""

    PLANNING = "planning", "Planning (targets agreed)"
    MIDTERM = "midterm", "Mid-term review"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"
    APPRAISAL = "appraisal", "Appraisal by the appraising officer"
    COUNTERSIGNING = "countersigning", "Countersigning"
    RELEASE = "release", "Release of results"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"


PHASE_ORDER = {kind: rank for rank, kind in enumerate(PhaseKind.values)}


class Cycle(TenantModel):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    period = models.ForeignKey("goals.GoalPeriod", on_delete=models.PROTECT, related_name="cycles")
    status = models.CharField(max_length=20, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    current_phase = models.CharField(max_length=30, choices=PhaseKind.choices, blank=True)
    templates = models.ManyToManyField(AppraisalTemplate, through="CycleTemplate", related_name="cycles")
    # Who takes part: people in these units (and their sub-units) at these grades, hired on or
    # before the cut-off, less the exclusions. Empty unit or grade lists mean "all".
    units = models.ManyToManyField("people.OrgUnit", blank=True, related_name="+")
    grades = models.ManyToManyField("people.Grade", blank=True, related_name="+")
    hired_on_or_before = models.DateField(null=True, blank=True)
    excluded = models.ManyToManyField("people.Employee", blank=True, related_name="+")
    appeal_window_days = models.PositiveSmallIntegerField(default=14)
    # Launch progress, written by the launch task in batches and read by the page's progress bar.
    launch_total = models.PositiveIntegerField(default=0)
    launch_done = models.PositiveIntegerField(default=0)
    launch_error = models.TextField(blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="cycles_cycle_name_unique")]

    def __str__(self):
        return self.name


class CycleTemplate(TenantModel):
    """A template a cycle assesses with, and the frozen copy it keeps from launch on."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="cycle_templates")
    template = models.ForeignKey(AppraisalTemplate, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "template"], name="cycles_cycletemplate_unique")]

    def __str__(self):
        return f"{self.cycle}: {self.template}"


class CyclePhase(TenantModel):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=30, choices=PhaseKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="cycles_phase_kind_unique"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="cycles_phase_dates"),
        ]
        indexes = [models.Index(fields=["organization", "ends_at"], name="cycles_phase_due_idx")]

    def __str__(self):
        return f"{self.cycle}: {self.get_kind_display()}"


# --- Appraisals -----------------------------------------------------------------------------------


class AppraisalState(models.TextChoices):
    PLANNING = "planning", "Planning"
    MIDTERM = "midterm", "Mid-term review"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment"
    WITH_OFFICER = "with_officer", "With the appraising officer"
    WITH_COUNTERSIGNING = "with_countersigning", "With the countersigning officer"
    COUNTERSIGNED = "countersigned", "Countersigned"
    RELEASED = "released", "Released"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Appraisal(TenantModel):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appraisals")
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="appraisals")
    cycle_template = models.ForeignKey(CycleTemplate, on_delete=models.PROTECT, related_name="appraisals")
    appraising_officer = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisals_as_officer"
    )
    countersigning_officer = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisals_as_countersigning"
    )
    state = models.CharField(max_length=30, choices=AppraisalState.choices, default=AppraisalState.PLANNING)
    # Bumped on every save through the services: a form posted with an older version is told
    # what changed instead of overwriting it.
    version = models.PositiveIntegerField(default=1)
    targets_seeded = models.BooleanField(default=False, editable=False)
    overall_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    overall_level = models.CharField(max_length=40, blank=True)
    # Written by the appraising officer.
    overall_assessment = models.TextField(blank=True)
    training_recommendations = models.TextField(blank=True)
    # Written by the countersigning officer: agreement, or a differing view with reasons.
    countersigning_agrees = models.BooleanField(null=True, blank=True)
    countersigning_remarks = models.TextField(blank=True)
    # Meetings and the appraisee's last word.
    midterm_meeting_on = models.DateField(null=True, blank=True)
    feedback_interview_on = models.DateField(null=True, blank=True)
    acknowledgement_comment = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "employee"], name="cycles_appraisal_unique")]
        indexes = [
            models.Index(fields=["organization", "cycle", "state"], name="cycles_appraisal_state_idx"),
            models.Index(fields=["organization", "appraising_officer"], name="cycles_appraisal_ao_idx"),
            models.Index(fields=["organization", "countersigning_officer"], name="cycles_appraisal_co_idx"),
            models.Index(fields=["organization", "employee"], name="cycles_appraisal_employee_idx"),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.employee}"


class AppraisalTarget(TenantModel):
    """A work target inside one appraisal: proposed at launch from the person's goals, agreed
    in planning, rated at the end."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="targets")
    goal = models.ForeignKey("goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300)
    measure = models.CharField(max_length=300, blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT)
    order = models.PositiveSmallIntegerField(default=0)
    # Planning: both sides agree the target before the phase ends.
    agreed_by_appraisee_at = models.DateTimeField(null=True, blank=True)
    agreed_by_officer_at = models.DateTimeField(null=True, blank=True)
    midterm_note = models.TextField(blank=True)
    # Self-assessment, then the appraising officer's rating (values of the cycle's frozen scale).
    achievement = models.TextField(blank=True)
    self_rating = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    officer_rating = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    officer_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["organization", "appraisal"], name="cycles_target_appraisal_idx")]

    def __str__(self):
        return self.title


class AppraisalEvent(TenantModel):
    """Append-only: every transition of an appraisal, who made it and why."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "appraisal", "created_at"], name="cycles_event_appraisal_idx")]

    def __str__(self):
        return f"{self.appraisal}: {self.from_state} → {self.to_state}"


class CompetencyRating(TenantModel):
    """One competency of the frozen template, rated in one appraisal (keys refer to the snapshot)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="competency_ratings")
    competency_key = models.CharField(max_length=40)
    self_rating = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    officer_rating = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    officer_comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "competency_key"], name="cycles_competency_rating_unique")
        ]
        indexes = [models.Index(fields=["organization", "appraisal"], name="cycles_comprating_appr_idx")]

    def __str__(self):
        return f"{self.appraisal}: {self.competency_key}"


class SectionResponse(TenantModel):
    """What is written in a non-scored section (general comments, training needs, career wishes)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="section_responses")
    section_key = models.CharField(max_length=40)
    appraisee_text = models.TextField(blank=True)
    officer_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "section_key"], name="cycles_section_response_unique")
        ]
        indexes = [models.Index(fields=["organization", "appraisal"], name="cycles_response_appr_idx")]

    def __str__(self):
        return f"{self.appraisal}: {self.section_key}"


class RatingChange(TenantModel):
    """Append-only history of every rating and comment of an appraisal: nothing is overwritten
    silently, a moderation or appeal change included."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="rating_changes")
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(
        max_length=80, help_text="What changed: a target, a competency, a section or the appraisal."
    )
    subject_key = models.CharField(max_length=40, blank=True)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "appraisal", "created_at"], name="cycles_change_appr_idx")]

    def __str__(self):
        return f"{self.appraisal}: {self.subject} {self.field}"


# --- Phase changes --------------------------------------------------------------------------------


class PhaseChangeKind(models.TextChoices):
    ADVANCED = "advanced", "Moved on"
    EXTENDED = "extended", "Extended"


class PhaseChange(TenantModel):
    """Append-only: every move of a cycle from one phase to the next (by its schedule, or by HR
    ahead of it) and every extension of a phase's end, with who did it and why.

    `to_phase` is blank when the last phase ended and the cycle closed. `actor` is null when
    the schedule moved the cycle; `due_at` is then the phase end that made it due, so a late
    tick (a worker that was down) shows how late it caught up."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phase_changes")
    kind = models.CharField(max_length=20, choices=PhaseChangeKind.choices, default=PhaseChangeKind.ADVANCED)
    from_phase = models.CharField(max_length=30, choices=PhaseKind.choices, blank=True)
    to_phase = models.CharField(max_length=30, choices=PhaseKind.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    previous_ends_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "cycle", "created_at"], name="cycles_phasechange_cycle_idx")]

    def __str__(self):
        return f"{self.cycle}: {self.from_phase} → {self.to_phase or 'closed'}"


# Improvement plans have their own module; imported here so the app registers the model.
from .models_plans import CLOSED_STATUSES, ImprovementPlan, PlanStatus  # noqa: E402, F401
