"""When an organisation may be reminded: not in its quiet hours, not on a day off.

Everything is decided on the wall clock of the organisation's time zone, so a change to or
from daylight-saving time moves the quiet hours with the clocks (08:00 stays 08:00 local).
"""

import datetime
import zoneinfo

WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]


def local_time(organization, moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(organization.time_zone))


def _quiet_at(organization, local: datetime.datetime) -> bool:
    if str(local.isoweekday()) not in organization.working_days:
        return True
    start, end, now = organization.quiet_from, organization.quiet_until, local.time()
    if start == end:
        return False
    if start < end:  # e.g. 12:00–13:00, within one day
        return start <= now < end
    return now >= start or now < end  # across midnight, e.g. 19:00–08:00


def is_quiet(organization, moment: datetime.datetime) -> bool:
    """True while reminders must wait: a non-working day or inside the quiet hours."""
    return _quiet_at(organization, local_time(organization, moment))


def next_working_moment(organization, moment: datetime.datetime) -> datetime.datetime:
    """The first moment from `moment` on when reminders may go out (the next working morning
    when it is quiet now), as an aware datetime in the organisation's time zone."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    local = moment.astimezone(zone)
    if not _quiet_at(organization, local):
        return local
    # Quiet ends either at quiet_until or at midnight (a day off ending); look a week ahead.
    candidates = []
    for offset in range(9):
        day = local.date() + datetime.timedelta(days=offset)
        for at in (organization.quiet_until, datetime.time(0)):
            # Through UTC and back, so a wall time that a clock change skips lands on a real instant.
            candidate = datetime.datetime.combine(day, at, tzinfo=zone).astimezone(datetime.UTC).astimezone(zone)
            if candidate > local:
                candidates.append(candidate)
    for candidate in sorted(candidates):
        if not _quiet_at(organization, candidate):
            return candidate
    return local  # no working day at all: the model refuses that, so never reached
