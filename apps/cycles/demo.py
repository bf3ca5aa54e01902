"""The demo's appraisal configuration: one five-level scale and two templates (a classified
assessment system: managers and professionals are assessed differently from front-line staff).

Everything goes through the services with the organisation's HR admin as the actor, so the
audit trail reads as if HR had set it up. Idempotent: when the scale exists, nothing is added.
Run inside the organisation's tenant scope (seed_demo does).
"""

from decimal import Decimal

from apps.people.models import StaffClass
from apps.tenancy.models import Membership, Role

from .models import RatingScale, SectionKind
from .services.scales import scale_save
from .services.templates import competency_save, section_save, template_save

SCALE_NAME = "Five-level performance scale"

# (value, name, band_from, descriptor)
LEVELS = [
    (5, "Outstanding", "4.5", "Consistently far exceeds what the role requires and sets an example for others."),
    (4, "Very good", "3.5", "Often exceeds what the role requires, with results of reliably high quality."),
    (3, "Good", "2.5", "Fully meets what the role requires: the solid performance expected of a capable person."),
    (2, "Fair", "1.5", "Meets some of what the role requires; clear improvement is needed in parts of the job."),
    (1, "Unsatisfactory", "0", "Falls well short of what the role requires, even with guidance and support."),
]

# Competency: (name, description, descriptors from level 5 down to level 1)
MANAGER_COMPETENCIES = [
    (
        "Leadership",
        "Gives direction and motivates people towards shared goals.",
        [
            "Inspires people well beyond the team with a clear, compelling direction they adopt as their own.",
            "Sets a clear direction, wins commitment to it and keeps the team focused under pressure.",
            "Explains goals and priorities so the team knows what is expected and why.",
            "Gives direction only when asked; the team is sometimes unsure of priorities.",
            "Leaves the team without direction, or directs in ways that lose people's trust.",
        ],
    ),
    (
        "Planning and organising",
        "Turns goals into workable plans and uses time, money and people well.",
        [
            "Plans far ahead, anticipates risks and adjusts plans before problems arise.",
            "Makes realistic plans, sets milestones and keeps work on schedule and budget.",
            "Plans the main pieces of work and usually meets deadlines.",
            "Plans in part; deadlines are often missed or resources poorly used.",
            "Works without a plan; deadlines and budgets are regularly missed.",
        ],
    ),
    (
        "Decision making",
        "Makes sound, timely decisions and stands by them.",
        [
            "Makes difficult, well-judged decisions quickly, even with incomplete information.",
            "Weighs the options and their risks and decides in good time.",
            "Makes sound decisions on routine matters and escalates the rest appropriately.",
            "Delays decisions or often needs them revisited.",
            "Avoids decisions, or makes poor ones that others must undo.",
        ],
    ),
    (
        "Developing people",
        "Helps others grow through feedback, coaching and opportunities.",
        [
            "Builds a strong bench: people grow into bigger roles because of this person's coaching.",
            "Gives regular, useful feedback and creates development opportunities for each person.",
            "Holds development conversations and supports agreed training.",
            "Gives feedback rarely; development is left to chance.",
            "Neglects or discourages the development of others.",
        ],
    ),
]
FRONT_LINE_COMPETENCIES = [
    (
        "Customer focus",
        "Understands what customers need and puts it first.",
        [
            "Delights customers and turns complaints into lasting loyalty.",
            "Anticipates customers' needs and resolves issues before they escalate.",
            "Treats customers courteously and resolves their requests correctly.",
            "Serves customers adequately but sometimes leaves needs unmet.",
            "Is discourteous or leaves customers' requests unresolved.",
        ],
    ),
    (
        "Teamwork",
        "Works with colleagues to get the job done.",
        [
            "Brings the team together and helps colleagues far beyond their own duties.",
            "Shares work and knowledge readily and supports colleagues under pressure.",
            "Cooperates well with colleagues and does a fair share of the work.",
            "Cooperates only when asked; sometimes leaves work to others.",
            "Works against colleagues or refuses to share the load.",
        ],
    ),
    (
        "Reliability",
        "Can be counted on to do what was agreed, on time and correctly.",
        [
            "Always delivers, often early, and is trusted with the most critical tasks.",
            "Delivers on commitments with very few errors and little supervision.",
            "Completes assigned work on time and to the expected standard.",
            "Often needs reminders; work is sometimes late or incomplete.",
            "Regularly misses commitments or needs constant supervision.",
        ],
    ),
]

TEMPLATES = [
    ("Managers and professionals", ["SM", "MP"], Decimal("60"), Decimal("40"), MANAGER_COMPETENCIES, True),
    ("Front-line staff", ["FL"], Decimal("50"), Decimal("50"), FRONT_LINE_COMPETENCIES, False),
]


def seed_appraisal_configuration(organization) -> bool:
    """Create the demo scale and templates; False when they were already there."""
    if RatingScale.objects.filter(name=SCALE_NAME).exists():
        return False
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, role=Role.HR_ADMIN, is_active=True)
        .order_by("pk")
        .first()
    )
    actor = membership.user
    scale = scale_save(
        actor=actor,
        membership=membership,
        name=SCALE_NAME,
        description="The usual five levels, from 5 Outstanding to 1 Unsatisfactory.",
        levels=[
            {"value": Decimal(v), "label": str(v), "name": name, "descriptor": text, "band_from": Decimal(band)}
            for v, name, band, text in LEVELS
        ],
    )
    levels = {level.value: level for level in scale.levels.all()}
    for name, class_codes, targets_weight, competencies_weight, competencies, with_career in TEMPLATES:
        template = template_save(
            actor=actor,
            membership=membership,
            name=name,
            scale=scale,
            description=f"Assesses {name.lower()}: agreed work targets and the core competencies of the role.",
            staff_classes=StaffClass.objects.filter(code__in=class_codes),
        )
        _add_sections(actor, membership, template, targets_weight, competencies_weight, with_career)
        section = template.sections.get(kind=SectionKind.COMPETENCIES)
        for competency_name, description, texts in competencies:
            competency_save(
                actor=actor,
                membership=membership,
                section=section,
                name=competency_name,
                description=description,
                descriptors={levels[Decimal(v)]: text for (v, *_), text in zip(LEVELS, texts, strict=True)},
            )
    return True


def _add_sections(actor, membership, template, targets_weight, competencies_weight, with_career) -> None:
    def add(kind, title, guidance, **flags):
        section_save(
            actor=actor, membership=membership, template=template, kind=kind, title=title, guidance=guidance, **flags
        )

    add(
        SectionKind.WORK_TARGETS,
        "Work targets",
        "Rate each agreed target on what was achieved by the end of the period.",
        weight=targets_weight,
        appraisee_self_rates=True,
    )
    add(
        SectionKind.COMPETENCIES,
        "Core competencies",
        "Rate each competency against the descriptor that best matches the behaviour seen over the year.",
        weight=competencies_weight,
        appraisee_self_rates=True,
    )
    add(
        SectionKind.GENERAL_COMMENTS,
        "General comments",
        "The appraising officer sums up the year: strengths, what to improve, and any circumstances to note.",
        appraisee_fills=False,
    )
    add(
        SectionKind.TRAINING_NEEDS,
        "Training and development needs",
        "Agree the training and development that would help most over the coming year.",
        officer_rates=False,
    )
    if with_career:
        add(
            SectionKind.CAREER,
            "Career aspirations and posting preferences",
            "Where would you like your career to go, and which postings would interest you?",
            officer_rates=False,
        )
