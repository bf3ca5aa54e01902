import pytest
from django.core import mail
from django.db import connection

from apps.notifications.models import EmailState, Kind, Notification
from apps.notifications.services.email import send_emails
from apps.notifications.services.notify import ID_SEQUENCE, Message, notify_many, write_notifications
from apps.tenancy.scoping import tenant_scope

pytestmark = pytest.mark.django_db


def test_notify_many_writes_one_row_per_recipient_and_queues_mail_after_commit(
    org_a, alice, bob, django_capture_on_commit_callbacks
):
    with tenant_scope(org_a):
        with django_capture_on_commit_callbacks() as callbacks:
            created = notify_many(
                organization=org_a,
                messages=[
                    Message(recipient_id=alice.pk, kind=Kind.PHASE_OPENED, title="Self-assessment is open"),
                    Message(recipient_id=bob.pk, kind=Kind.REMINDER, title="Due Friday"),
                    Message(recipient_id=None, kind=Kind.REMINDER, title="Nobody to tell"),
                ],
            )
        assert len(created) == 2 and len(callbacks) == 1
        rows = {n.recipient_id: n for n in Notification.objects.all()}
        assert rows[bob.pk].essential and not rows[alice.pk].essential

        assert send_emails(org_a, [n.pk for n in created]) == 2
        assert send_emails(org_a, [n.pk for n in created]) == 0  # a repeated task sends nothing twice
        assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert sorted(m.subject for m in mail.outbox) == ["Due Friday", "Self-assessment is open"]


def test_write_notifications_uses_the_ids_drawn_and_queues_mail_after_commit(
    org_a, alice, bob, django_capture_on_commit_callbacks
):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ID_SEQUENCE} FROM generate_series(1, 3)")
        ids = [row[0] for row in cursor.fetchall()]
    long_title = "T" * 250
    with tenant_scope(org_a):
        with django_capture_on_commit_callbacks() as callbacks:
            written = write_notifications(
                organization=org_a,
                messages=[
                    Message(recipient_id=alice.pk, kind=Kind.PHASE_OPENED, title=long_title, url="/o/alpha/x/"),
                    Message(recipient_id=None, kind=Kind.REMINDER, title="Nobody to tell"),
                    Message(recipient_id=bob.pk, kind=Kind.REMINDER, title="Due Friday", body="Cycle 2026."),
                ],
                ids=ids,
            )
        assert written == 2 and len(callbacks) == 1
        rows = {n.pk: n for n in Notification.objects.all()}
        assert set(rows) == {ids[0], ids[2]}
        assert rows[ids[0]].title == long_title[:200] and rows[ids[0]].url == "/o/alpha/x/"
        assert not rows[ids[0]].essential and rows[ids[0]].email_state == EmailState.PENDING
        assert rows[ids[2]].essential and rows[ids[2]].body == "Cycle 2026." and rows[ids[2]].public_id
        assert send_emails(org_a, [ids[0], ids[2]]) == 2
