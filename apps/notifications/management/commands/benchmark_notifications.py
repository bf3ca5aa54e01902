"""Time the notifications of a big cycle: N appraisees, each with a user account.

    python manage.py benchmark_notifications [--appraisees 1000 10000]

For each size a fresh organisation is generated and launched (apps/cycles/benchmark_data.py),
then timed, with the SQL statements each sends: the cycle-launched notices, a phase opening for
every appraisee and one for every officer, releasing every result, the bell's count and one
batch of e-mail (in-memory backend). Everything is rolled back at the end.
"""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings

from apps.cycles import notices
from apps.cycles.benchmark_data import build_launch_case, create_organization
from apps.cycles.management.commands.benchmark_launch import measure
from apps.cycles.models import Appraisal, AppraisalState, PhaseKind
from apps.cycles.services.launch import cycle_launch, run_launch
from apps.people.models import Employee
from apps.tenancy.scoping import tenant_scope

from ...models import Notification
from ...selectors import unread_count
from ...services.email import send_emails

EMAIL_BATCH = 2000  # services/notify.py queues e-mail in batches of this size


class Command(BaseCommand):
    help = "Time notifications for generated appraisees (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--appraisees", type=int, nargs="+", default=[1000, 10_000])

    def handle(self, *args, appraisees, **options):
        for size in appraisees:
            with transaction.atomic():
                self.stdout.write(self.style.MIGRATE_HEADING(f"{size:,} appraisees"))
                for name, figures in self.run(size).items():
                    self.stdout.write(f"  {name}: {figures}")
                transaction.set_rollback(True)

    def run(self, size: int) -> dict:
        slug = f"bench-notify-{uuid.uuid4().hex[:8]}"
        organization, membership = create_organization(slug)
        results = {}
        with tenant_scope(organization):
            cycle = build_launch_case(membership, size)
            _give_accounts(slug)
            cycle = cycle_launch(actor=membership.user, membership=membership, cycle=cycle)
            run_launch(cycle)  # notifies once active: the figures below time the notices alone
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

            def timed(name, call):
                result, seconds, statements = measure(call)
                results[name] = {"notifications": result, "s": round(seconds, 3), "statements": statements}

            appraisals = Appraisal.objects.filter(cycle=cycle)
            Notification.objects.all().delete()  # the launch's own, so the notices are timed afresh
            timed("cycle_launched", lambda: notices.cycle_launched(cycle))
            appraisals.update(state=AppraisalState.SELF_ASSESSMENT)
            timed(
                "phase_opened(self_assessment)",
                lambda: notices.phase_opened(cycle=cycle, phase_kind=PhaseKind.SELF_ASSESSMENT),
            )
            appraisals.update(state=AppraisalState.WITH_OFFICER)
            timed("phase_opened(appraisal)", lambda: notices.phase_opened(cycle=cycle, phase_kind=PhaseKind.APPRAISAL))
            appraisals.update(state=AppraisalState.RELEASED)
            timed("results_released", lambda: notices.results_released(appraisals))

            reader = Appraisal.objects.filter(cycle=cycle).values_list("employee__user_id", flat=True).first()
            user = get_user_model().objects.get(pk=reader)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            timed("bell unread_count", lambda: unread_count(user))
            query = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by().values("pk").query
            with connection.cursor() as cursor:
                sql, params = query.sql_with_params()
                cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) AS q", params)
                plan = [row[0].strip() for row in cursor.fetchall()]
                results["bell plan"] = " / ".join(line for line in plan if "Scan" in line or "Execution" in line)

            ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True)[:EMAIL_BATCH])
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                timed(f"send_emails (batch of {len(ids)})", lambda: send_emails(organization, ids))
            results["notifications in total"] = Notification.objects.count()
        return results


def _give_accounts(slug: str) -> None:
    """A user account for every generated employee (the launch case makes none)."""
    User = get_user_model()
    password = make_password(None)
    employees = list(Employee.objects.filter(user__isnull=True).order_by("pk"))
    users = User.objects.bulk_create(
        [User(email=f"person{e.pk}@{slug}.example", full_name=e.full_name, password=password) for e in employees],
        batch_size=2000,
    )
    for employee, user in zip(employees, users, strict=True):
        employee.user = user
    Employee.objects.bulk_update(employees, ["user"], batch_size=2000)
