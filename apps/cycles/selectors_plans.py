"""Reads of improvement plans that pages share."""

from .models import ImprovementPlan
from .permissions_plans import may_lead, may_read
from .services.improvement_plans import RESULT_STATES, is_below_standard


def plan_panel(appraisal, *, employee, membership) -> dict:
    """What an appraisal's result page shows of its improvement plan: the plan when the person
    may read it (`plan`), else whether they may start one (`can_start_plan`). One query."""
    plan = ImprovementPlan.objects.filter(appraisal=appraisal).select_related("appraisal").first()
    if plan is not None:
        return {"plan": plan if may_read(plan, employee=employee, membership=membership) else None}
    can_start = (
        appraisal.state in RESULT_STATES
        and may_lead(appraisal, employee=employee, membership=membership)
        and is_below_standard(appraisal)
    )
    return {"plan": None, "can_start_plan": can_start}
