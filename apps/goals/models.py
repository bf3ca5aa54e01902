"""The goal cascade: strategy → corporate goals → unit goals → position targets → individual
work targets, each knowing its parent so progress rolls up and anyone can see why a target
exists."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.tenancy.models import TenantModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class GoalPeriod(TenantModel):
    """The span a goal is set for: a year, or the period of an appraisal cycle."""

    name = models.CharField(max_length=80)
    starts_on = models.DateField()
    ends_on = models.DateField()
    is_closed = models.BooleanField(default=False, help_text="Closed periods take no new goals or check-ins.")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="goals_period_name_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="goals_period_dates"),
        ]

    def __str__(self):
        return self.name


class GoalLevel(models.TextChoices):
    """Ordered from the top of the cascade down; a parent sits on a higher level (a unit goal may
    also sit under a goal of a unit above its own)."""

    STRATEGIC = "strategic", "Strategic goal"
    CORPORATE = "corporate", "Corporate goal"
    UNIT = "unit", "Unit goal"
    POSITION = "position", "Position target"
    INDIVIDUAL = "individual", "Work target"


LEVEL_RANK = {level: rank for rank, level in enumerate(GoalLevel.values)}


class GoalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


# Goals in these states count in their parent's progress; drafts are not agreed yet and
# dropped goals no longer matter.
COUNTED_STATUSES = (GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.MISSED)
CLOSED_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED)


class Goal(TenantModel):
    period = models.ForeignKey(GoalPeriod, on_delete=models.PROTECT, related_name="goals")
    level = models.CharField(max_length=20, choices=GoalLevel.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # What the goal belongs to: the unit for unit goals (and position targets, from their post),
    # the post for position targets, the person for work targets.
    unit = models.ForeignKey("people.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="goals")
    position = models.ForeignKey(
        "people.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    employee = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="work_targets"
    )
    owner = models.ForeignKey(
        "people.Employee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_goals",
        help_text="The person responsible for it.",
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
        help_text="Share among the goals under the same parent, in percent.",
    )
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.DRAFT)
    # Kept up to date by services.progress: from indicators or manual_progress on a leaf, from
    # the weighted children on a parent.
    progress = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    manual_progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    measure = models.CharField(max_length=300, blank=True, help_text="How achievement will be judged.")
    # A work target proposed from a position target remembers where it came from.
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals")
    agreed_by = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    # Materialised path of ids, as for units: ancestors are a lookup away, cycles are refused.
    path = models.CharField(max_length=400, default="", editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["organization", "parent"], name="goals_goal_parent_idx"),
            models.Index(fields=["organization", "period", "level"], name="goals_goal_level_idx"),
            models.Index(fields=["organization", "unit"], name="goals_goal_unit_idx"),
            models.Index(fields=["organization", "position"], name="goals_goal_position_idx"),
            models.Index(fields=["organization", "employee"], name="goals_goal_employee_idx"),
            models.Index(
                fields=["organization", "path"],
                name="goals_goal_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="goals_goal_not_own_parent"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=100), name="goals_goal_weight_range"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class KeyIndicator(TenantModel):
    """A measurable indicator of a goal: from a baseline towards a target."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200)
    unit_of_measure = models.CharField(max_length=40, blank=True, help_text="%, days, customers, €…")
    baseline = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "goal"], name="goals_indicator_goal_idx")]

    def __str__(self):
        return self.name

    @property
    def progress(self) -> Decimal:
        """Share of the way from baseline to target, 0–100; direction is in the signs."""
        if self.actual is None or self.target == self.baseline:
            return Decimal("0")
        share = (self.actual - self.baseline) * 100 / (self.target - self.baseline)
        # Half-up like every other progress figure (Decimal's default would round half-even).
        return max(Decimal("0"), min(Decimal("100"), share)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class CheckIn(TenantModel):
    """A progress update by the goal's owner; the history is kept for the chart."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    indicator = models.ForeignKey(
        KeyIndicator, null=True, blank=True, on_delete=models.CASCADE, related_name="checkins"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    comment = models.TextField(blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (unlikely to be met) to 5 (sure to be met).",
    )
    progress_after = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "goal", "created_at"], name="goals_checkin_goal_idx")]

    def __str__(self):
        return f"Check-in on {self.goal} at {self.created_at:%Y-%m-%d}"
