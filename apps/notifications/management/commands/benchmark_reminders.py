"""Measure the reminder sweep on generated data.

    DATABASE_URL=postgres://…/pmsys_bench python manage.py benchmark_reminders --appraisals 100000

Builds a new organisation (slug bench-reminders-<time>) with one pending action per
appraisal, then sweeps it twice: the first sweep sends everything due, the second (nothing
new due) shows what a routine tick costs. Prints seconds and SQL statements of each. The data
stays in the database (use a database kept for benchmarks).
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from apps.notifications.benchmark_data import build_reminder_case, create_organization
from apps.notifications.models import Notification, ReminderKind, ReminderLog
from apps.notifications.services.reminders import sweep_reminders
from apps.tenancy.scoping import tenant_scope


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time the reminder sweep over generated pending actions."

    def add_arguments(self, parser):
        parser.add_argument("--appraisals", type=int, default=100_000, help="Pending actions (one per appraisal).")
        parser.add_argument("--batch-size", type=int, default=None, help="Log rows per transaction.")

    def handle(self, *args, appraisals, batch_size, **options):
        slug = f"bench-reminders-{int(time.time())}"
        organization, _membership = create_organization(slug)
        now = timezone.now()
        with tenant_scope(organization):
            started = time.perf_counter()
            build_reminder_case(organization, appraisals, now=now)
            self.stdout.write(f"Built {appraisals} pending actions in {time.perf_counter() - started:.1f} s ({slug}).")
            for label in ("first sweep (everything due)", "second sweep (nothing new)"):
                counter = StatementCounter()
                started = time.perf_counter()
                with connection.execute_wrapper(counter):
                    result = sweep_reminders(organization, now=now, batch_size=batch_size)
                seconds = time.perf_counter() - started
                self.stdout.write(
                    f"{label}: {seconds:.2f} s, {counter.count} SQL statements; due {result.due}, "
                    f"logged {result.sent}, notifications {result.notifications}, batches {result.batches}"
                )
            by_kind = {kind: ReminderLog.objects.filter(kind=kind).count() for kind in ReminderKind.values}
            self.stdout.write(f"Log by kind: {by_kind}; notifications in all: {Notification.objects.count()}")
