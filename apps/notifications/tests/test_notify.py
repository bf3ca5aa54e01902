import pytest
from django.core import mail

from apps.notifications.models import EmailState, Kind, Notification
from apps.notifications.services.email import send_emails
from apps.notifications.services.notify import Message, notify_many
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
