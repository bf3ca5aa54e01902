"""The row locks appraisal writers take.

Each writer locks its appraisal's row (FOR UPDATE OF the appraisal only): the rows it reads
alongside (cycle, frozen template, appraisee) are read, not locked. Locking them too, as a plain
select_for_update() with select_related() does, made every save, autosave and step of a cycle's
appraisals wait for each other on the one cycle row (and ratings on their template's row).

A writer whose rule depends on the cycle's phase (the self-assessment, the workflow's steps)
first locks the cycle's row FOR SHARE: writers of a cycle's appraisals still do not wait for each
other, a phase move (which locks the cycle FOR UPDATE) waits for those under way, and they read
the phase it has not yet changed.
"""

from django.db import connection

from ..models import Appraisal


def lock_appraisal(appraisal: Appraisal, *related: str, phase_bound: bool = False) -> Appraisal:
    """`appraisal` read again, its row locked until the transaction ends, with `related` read
    alongside. `phase_bound`: the cycle's row is share-locked first (see the module note)."""
    if phase_bound:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM cycles_cycle WHERE id = %s AND organization_id = %s FOR SHARE",
                [appraisal.cycle_id, appraisal.organization_id],
            )
    return Appraisal.objects.select_for_update(of=("self",)).select_related(*related).get(pk=appraisal.pk)
