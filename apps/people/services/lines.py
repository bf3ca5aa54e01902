"""Reporting lines: who manages whom, and the checks that keep the lines a tree."""

from django.core.exceptions import ValidationError

from ..models import Employee


def check_manager(employee: Employee, manager: Employee | None) -> None:
    """Refuse a manager that is the employee or reports (directly or not) to them.

    Walks up from the proposed manager with one query per level; reporting lines are
    rarely more than a dozen levels deep.
    """
    if manager is None:
        return
    if employee.pk is not None and manager.pk == employee.pk:
        raise ValidationError({"manager": "A person cannot be their own manager."})
    if not manager.is_active:
        raise ValidationError({"manager": f"{manager.full_name} is no longer active."})
    if employee.pk is None:
        return
    seen = set()
    current_id = manager.manager_id
    while current_id is not None:
        if current_id == employee.pk:
            raise ValidationError(
                {"manager": f"{manager.full_name} already reports to {employee.full_name}: that would make a loop."}
            )
        if current_id in seen:
            break
        seen.add(current_id)
        current_id = Employee.objects.filter(pk=current_id).values_list("manager_id", flat=True).first()
