"""Who may see and change which goals. Views and services ask these; none decides inline.

* Organisation goals (strategic, corporate): HR admins and senior management edit them.
* Unit goals and their indicators: the head of the unit, or of any unit above it, edits them.
* Position targets: the head of the post's unit (or above) edits them.
* Work targets: the person proposes and edits their own while they are drafts; their managers
  up the line edit and agree them; HR may do everything.
* Everybody in the organisation reads organisation, unit and position goals; a work target is
  visible to the person, their managers up the line and HR.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from apps.people.selectors import headed_unit_paths, manager_chain_ids, report_ids_under
from apps.tenancy.permissions import is_hr_admin

from .models import Goal, GoalLevel, GoalStatus

ORGANISATION_LEVELS = (GoalLevel.STRATEGIC, GoalLevel.CORPORATE)


@dataclass
class GoalActor:
    """The person asking, with the relations their rights derive from (computed once)."""

    user: object
    membership: object
    employee: object | None

    @classmethod
    def for_request(cls, request) -> "GoalActor":
        actor = getattr(request, "_goal_actor", None)
        if actor is None:
            employee = request.employee if request.employee else None
            actor = cls(user=request.user, membership=request.membership, employee=employee)
            request._goal_actor = actor
        return actor

    @property
    def is_hr(self) -> bool:
        return is_hr_admin(self.membership)

    @cached_property
    def is_senior_management(self) -> bool:
        employee = self.employee
        if employee is None or not employee.is_active:
            return False
        if employee.grade_id and employee.grade.staff_class.is_senior_management:
            return True
        # The head of the whole organisation is senior management whatever their grade.
        return any(path.count("/") == 1 for path in self.headed_paths)

    @property
    def visibility_key(self) -> str:
        """Who sees the same goals as this actor, for a cache key: HR all alike, anyone else by
        person (their own targets and their reports' make their lists theirs)."""
        if self.is_hr:
            return "hr"
        return f"employee-{self.employee.pk}" if self.employee is not None else "nobody"

    @cached_property
    def headed_paths(self) -> list[str]:
        return headed_unit_paths(self.employee)

    @cached_property
    def report_ids(self) -> set[int]:
        return report_ids_under(self.employee)

    def heads_unit_or_above(self, unit) -> bool:
        return unit is not None and any(unit.path.startswith(path) for path in self.headed_paths)

    def belongs_here(self, obj) -> bool:
        """Rights hold only in the actor's own organisation. Scoped lookups already keep other
        tenants' rows out of reach; this keeps the rules safe when called outside a request."""
        if obj is None:
            return True
        return self.membership is not None and obj.organization_id == self.membership.organization_id


def can_view_goal(actor: GoalActor, goal: Goal) -> bool:
    if not actor.belongs_here(goal):
        return False
    if goal.level != GoalLevel.INDIVIDUAL or actor.is_hr:
        return True
    if actor.employee is None:
        return False
    return goal.employee_id == actor.employee.pk or goal.employee_id in actor.report_ids


def visible_goals(actor: GoalActor, queryset):
    """The queryset form of can_view_goal, for lists."""
    if actor.membership is None:
        return queryset.none()
    queryset = queryset.filter(organization_id=actor.membership.organization_id)
    if actor.is_hr:
        return queryset
    own = Q(employee=actor.employee) if actor.employee else Q(pk__in=[])
    reports = Q(employee_id__in=actor.report_ids) if actor.report_ids else Q(pk__in=[])
    return queryset.filter(~Q(level=GoalLevel.INDIVIDUAL) | own | reports)


def can_create_goal(actor: GoalActor, *, level, unit=None, position=None, employee=None) -> bool:
    if actor.membership is None or not all(actor.belongs_here(obj) for obj in (unit, position, employee)):
        return False
    if actor.is_hr:
        return True
    if level in ORGANISATION_LEVELS:
        return actor.is_senior_management
    if level == GoalLevel.UNIT:
        return actor.heads_unit_or_above(unit)
    if level == GoalLevel.POSITION:
        return position is not None and actor.heads_unit_or_above(position.unit)
    if level == GoalLevel.INDIVIDUAL:
        return (
            employee is not None
            and actor.employee is not None
            and (employee.pk == actor.employee.pk or employee.pk in actor.report_ids)
        )
    return False


def can_edit_goal(actor: GoalActor, goal: Goal) -> bool:
    if not actor.belongs_here(goal):
        return False
    if goal.level == GoalLevel.INDIVIDUAL and actor.employee is not None and goal.employee_id == actor.employee.pk:
        # People shape their own targets until they are agreed; after that the manager does.
        return goal.status == GoalStatus.DRAFT or actor.is_hr
    return can_create_goal(actor, level=goal.level, unit=goal.unit, position=goal.position, employee=goal.employee)


def can_check_in(actor: GoalActor, goal: Goal) -> bool:
    """The owner records progress; so may whoever edits the goal."""
    if not actor.belongs_here(goal):
        return False
    if actor.employee is not None and actor.employee.pk in (goal.owner_id, goal.employee_id):
        return True
    return can_edit_goal(actor, goal)


def can_agree(actor: GoalActor, goal: Goal) -> bool:
    """A work target is agreed by a manager up the person's line (or HR), never by the person."""
    if not actor.belongs_here(goal) or goal.level != GoalLevel.INDIVIDUAL or goal.status != GoalStatus.DRAFT:
        return False
    if actor.employee is not None and goal.employee_id == actor.employee.pk:
        return False
    return actor.is_hr or (actor.employee is not None and goal.employee_id in actor.report_ids)


def can_see_alignment_gaps(actor: GoalActor) -> bool:
    return actor.is_hr or bool(actor.headed_paths)


def require(allowed: bool, message: str = "You may not do this with this goal.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_in_manager_chain(manager, employee) -> bool:
    """One-object check without computing the manager's whole team."""
    return manager is not None and manager.pk in manager_chain_ids(employee)
