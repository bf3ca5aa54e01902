"""Who leads and who reads an improvement plan (models_plans). Derived from the appraisal's
relations, like the rest of permissions.py: HR admins and the appraising officer lead it; the
person it is for and their countersigning officer read it. Views never decide inline."""

from apps.tenancy.permissions import is_hr_admin


def may_lead(appraisal, *, employee, membership) -> bool:
    """Start, change and close a plan for `appraisal`."""
    if is_hr_admin(membership):
        return True
    return employee is not None and appraisal.appraising_officer_id == employee.pk


def may_read(plan, *, employee, membership) -> bool:
    if may_lead(plan.appraisal, employee=employee, membership=membership):
        return True
    if employee is None:
        return False
    return employee.pk in (plan.employee_id, plan.appraisal.countersigning_officer_id)


def may_acknowledge(plan, *, employee) -> bool:
    return employee is not None and plan.employee_id == employee.pk
