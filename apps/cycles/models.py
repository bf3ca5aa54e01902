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
