"""Time a cycle launch: N appraisees with 4 work targets each and a 3-competency template.

    python manage.py benchmark_launch [--appraisees 1000 10000] [--keep]

For each size, a fresh organisation is generated, then timed: the launch button's service
(check + freeze + hand-off) and the launch task's work (every appraisal, proposed target and
event in the database), with the SQL statements each sends. Everything is rolled back at the
end unless --keep.
"""

import time
import uuid

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from apps.tenancy.scoping import tenant_scope

from ...benchmark_data import build_launch_case, create_organization
from ...models import Appraisal, AppraisalTarget
from ...services.launch import cycle_launch, run_launch


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(call):
    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = call()
    return result, time.perf_counter() - started, counter.count


class Command(BaseCommand):
    help = "Time launching a cycle for generated appraisees (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--appraisees", type=int, nargs="+", default=[1000, 10_000])
        parser.add_argument("--keep", action="store_true", help="Commit the generated organisations.")

    def handle(self, *args, appraisees, keep, **options):
        for size in appraisees:
            with transaction.atomic():
                self.stdout.write(self.style.MIGRATE_HEADING(f"{size:,} appraisees"))
                self.stdout.write(str(self.launch(size)))
                if not keep:
                    transaction.set_rollback(True)

    def launch(self, size: int) -> dict:
        organization, membership = create_organization(f"bench-launch-{uuid.uuid4().hex[:8]}")
        with tenant_scope(organization):
            started = time.perf_counter()
            cycle = build_launch_case(membership, size)
            built = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            cycle, checked, check_statements = measure(
                lambda: cycle_launch(actor=membership.user, membership=membership, cycle=cycle)
            )
            created, ran, run_statements = measure(lambda: run_launch(cycle))
            targets = AppraisalTarget.objects.filter(appraisal__cycle=cycle).count()
            assert created == size == Appraisal.objects.filter(cycle=cycle).count(), (created, size)
        total = checked + ran
        return {
            "appraisees": size,
            "targets": targets,
            "data_built_s": round(built, 2),
            "check_and_freeze_s": round(checked, 3),
            "check_statements": check_statements,
            "create_s": round(ran, 3),
            "create_statements": run_statements,
            "total_s": round(total, 3),
            "ms_per_appraisal": round(1000 * total / size, 3),
            "statements_per_appraisal": round((check_statements + run_statements) / size, 4),
        }
