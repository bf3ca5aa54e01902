"""Quiet hours and days off, on the organisation's wall clock, through clock changes."""

import datetime

import pytest

from apps.notifications.quiet_hours import is_quiet, next_working_moment
from apps.tenancy.models import Organization

UTC = datetime.UTC


def org(time_zone="Europe/London", quiet_from=(19, 0), quiet_until=(8, 0), working_days="12345"):
    return Organization(
        time_zone=time_zone,
        quiet_from=datetime.time(*quiet_from),
        quiet_until=datetime.time(*quiet_until),
        working_days=working_days,
    )


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (at(2026, 3, 11, 12, 0), False),  # Wednesday midday
        (at(2026, 3, 11, 7, 59), True),  # before 08:00 GMT
        (at(2026, 3, 11, 8, 0), False),  # the morning starts on the minute
        (at(2026, 3, 11, 19, 0), True),  # evening
        (at(2026, 3, 14, 12, 0), True),  # Saturday
        (at(2026, 3, 15, 12, 0), True),  # Sunday
    ],
)
def test_quiet_hours_and_weekend(moment, quiet):
    assert is_quiet(org(), moment) is quiet


def test_the_clocks_going_forward_move_the_morning_with_them():
    london = org()
    # 07:30 UTC is 07:30 GMT on the Friday before the change, 08:30 BST on the Monday after it.
    assert is_quiet(london, at(2026, 3, 27, 7, 30))
    assert not is_quiet(london, at(2026, 3, 30, 7, 30))
    # Friday evening waits until Monday 08:00 BST, which is 07:00 UTC.
    assert next_working_moment(london, at(2026, 3, 27, 20, 0)).astimezone(UTC) == at(2026, 3, 30, 7, 0)


def test_the_clocks_going_back_move_it_the_other_way():
    london = org()
    assert not is_quiet(london, at(2026, 10, 23, 7, 30))  # Friday, 08:30 BST
    assert is_quiet(london, at(2026, 10, 26, 7, 30))  # Monday, 07:30 GMT
    assert next_working_moment(london, at(2026, 10, 24, 12, 0)).astimezone(UTC) == at(2026, 10, 26, 8, 0)


def test_other_time_zones_and_working_weeks():
    # New York changes its clocks on 8 March 2026, three weeks before London.
    new_york = org("America/New_York")
    assert not is_quiet(new_york, at(2026, 3, 9, 12, 30))  # 08:30 EDT
    assert is_quiet(new_york, at(2026, 3, 6, 12, 30))  # 07:30 EST
    # Dubai works Monday to Friday since 2022 but an organisation may keep Sunday to Thursday.
    dubai = org("Asia/Dubai", working_days="71234")
    assert is_quiet(dubai, at(2026, 3, 13, 8, 0))  # Friday 12:00 local
    assert not is_quiet(dubai, at(2026, 3, 15, 8, 0))  # Sunday 12:00 local
    assert next_working_moment(dubai, at(2026, 3, 12, 16, 0)).astimezone(UTC) == at(2026, 3, 15, 4, 0)


def test_quiet_hours_within_a_day_and_none_at_all():
    lunch = org(quiet_from=(12, 0), quiet_until=(13, 0), working_days="1234567")
    assert is_quiet(lunch, at(2026, 3, 11, 12, 30))
    assert not is_quiet(lunch, at(2026, 3, 11, 13, 0))
    assert next_working_moment(lunch, at(2026, 3, 11, 12, 30)).astimezone(UTC) == at(2026, 3, 11, 13, 0)
    never = org(quiet_from=(0, 0), quiet_until=(0, 0), working_days="1234567")
    assert not is_quiet(never, at(2026, 3, 15, 3, 0))


def test_a_morning_the_clock_change_skips_lands_on_a_real_instant():
    # Every day a working day, quiet until 01:30; on 29 March 2026 London jumps 01:00 → 02:00.
    night_owls = org(quiet_from=(23, 0), quiet_until=(1, 30), working_days="1234567")
    moment = next_working_moment(night_owls, at(2026, 3, 29, 0, 30))
    assert moment.astimezone(UTC) == at(2026, 3, 29, 1, 30)  # 02:30 BST, the first waking minute
    assert not is_quiet(night_owls, moment)


def test_not_quiet_now_means_now():
    moment = at(2026, 3, 11, 12, 0)
    assert next_working_moment(org(), moment) == moment
