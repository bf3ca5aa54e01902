"""What a reminder says and where it leads. One notification per person and kind of
reminder in a batch: an officer with twelve ratings due gets one reminder naming twelve
people, not twelve reminders."""

import uuid
from dataclasses import dataclass, field

from django.utils.formats import date_format

from apps.cycles.models import AppraisalState as S
from apps.tenancy.urls_helpers import org_reverse

from .models import Kind
from .models_reminders import ReminderKind, ReminderRole
from .quiet_hours import local_time
from .services.notify import Message

R = ReminderRole

# (state, role) → what the person has to do; {name} is the appraisee.
TODO = {
    (S.PLANNING, R.APPRAISEE): "agree your work targets",
    (S.PLANNING, R.OFFICER): "agree work targets with {name}",
    (S.MIDTERM, R.OFFICER): "hold the mid-term review with {name}",
    (S.SELF_ASSESSMENT, R.APPRAISEE): "submit your self-assessment",
    (S.WITH_OFFICER, R.OFFICER): "rate {name}",
    (S.WITH_COUNTERSIGNING, R.COUNTERSIGNING): "countersign {name}'s appraisal",
    (S.COUNTERSIGNED, R.HR): "release {name}'s result",
    (S.RELEASED, R.APPRAISEE): "read and acknowledge your result",
}
# (state, role) → what is late, told to the person it is escalated to.
LATE = {
    (S.PLANNING, R.APPRAISEE): "{name}'s agreement of their work targets",
    (S.PLANNING, R.OFFICER): "the appraising officer's agreement of {name}'s work targets",
    (S.MIDTERM, R.OFFICER): "{name}'s mid-term review",
    (S.SELF_ASSESSMENT, R.APPRAISEE): "{name}'s self-assessment",
    (S.WITH_OFFICER, R.OFFICER): "the appraising officer's rating of {name}",
    (S.WITH_COUNTERSIGNING, R.COUNTERSIGNING): "countersigning of {name}'s appraisal",
    (S.RELEASED, R.APPRAISEE): "{name}'s acknowledgement of their result",
}
NAMES_SHOWN = 10


@dataclass
class Group:
    """Due reminders of one batch that go to one person as one notification."""

    recipient_id: int
    kind: str
    action: str
    role: str
    cycle_id: int
    deadline: object
    rows: list = field(default_factory=list)  # due rows (reminders_due.COLUMNS)

    @property
    def appraisals(self) -> list[int]:
        return [row[0] for row in self.rows]


def group_rows(rows) -> list[Group]:
    """Due rows (reminders_due.COLUMNS) → groups, in the order the rows come."""
    groups: dict[tuple, Group] = {}
    for row in rows:
        appraisal_id, cycle_id, action, role, _rule_id, kind, deadline, _occasion, recipient_id = row
        key = (recipient_id, kind, action, role, cycle_id, deadline)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(recipient_id, kind, action, role, cycle_id, deadline)
        group.rows.append(row)
    return list(groups.values())


class Writer:
    """Builds messages; URLs are reversed once per sweep (a reverse per row adds up at 100,000)."""

    PLACEHOLDER = uuid.UUID(int=0)

    def __init__(self, organization):
        self.organization = organization
        self.appraisal_url = org_reverse("cycles:appraisal_detail", organization, appraisal_id=self.PLACEHOLDER)
        self.release_url = org_reverse("cycles:cycle_release", organization, cycle_id=self.PLACEHOLDER)
        self.tasks_url = org_reverse("cycles:my_tasks", organization)
        self._dates = {}

    def _due(self, deadline) -> str:
        # Formatting a date is slow next to everything else here, and a sweep meets few deadlines.
        if deadline not in self._dates:
            self._dates[deadline] = date_format(local_time(self.organization, deadline), "j M Y, H:i")
        return self._dates[deadline]

    def _fill(self, url, public_id):
        return url.replace(str(self.PLACEHOLDER), str(public_id))

    def message(self, group: Group, appraisals: dict, cycles: dict) -> Message:
        """`appraisals`: id → (public_id, name); `cycles`: id → (public_id, name)."""
        people = [appraisals[pk] for pk in group.appraisals]
        names = [name for _public_id, name in people]
        cycle_public_id, cycle_name = cycles[group.cycle_id]
        due = self._due(group.deadline)
        count = len(people)
        key = (group.action, group.role)
        if group.kind == ReminderKind.ESCALATION:
            late = LATE.get(key, "an action").format(name=names[0])
            title = f"Overdue since {due}: {late}" if count == 1 else f"{count} appraisals overdue since {due}"
            kind = Kind.ESCALATION
        else:
            todo = TODO.get(key, "act on {name}'s appraisal")
            what = todo.format(name=names[0]) if count == 1 else todo.format(name=f"{count} people")
            what = what[0].upper() + what[1:]
            title = f"{what} by {due}" if group.kind == ReminderKind.BEFORE else f"Overdue since {due}: {what}"
            kind = Kind.REMINDER
        if group.role == R.HR and group.kind != ReminderKind.ESCALATION:
            url = self._fill(self.release_url, cycle_public_id)
        elif count == 1:
            url = self._fill(self.appraisal_url, people[0][0])
        else:
            url = self.tasks_url
        body = f"{cycle_name}."
        if count > 1:
            shown = ", ".join(names[:NAMES_SHOWN])
            more = f" and {count - NAMES_SHOWN} more" if count > NAMES_SHOWN else ""
            body = f"{cycle_name}: {shown}{more}."
        return Message(recipient_id=group.recipient_id, kind=kind, title=title, url=url, body=body)
