"""The e-mail that follows a notification: templates per kind with a plain-text alternative,
an absolute link, the person's preference, one connection and a fixed number of queries per
batch, and never the same mail twice."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.models import EmailState, Kind, Notification
from apps.notifications.services.email import send_emails
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


class CountingBackend(EmailBackend):
    """The in-memory backend, counting the connections opened and failing on request."""

    opened = 0
    fail_for: set = set()

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if any(address in self.fail_for for m in messages for address in m.to):
            raise ConnectionResetError("the server hung up")
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    CountingBackend.fail_for = set()
    return CountingBackend


def _notify(org, user, **fields):
    with tenant_scope(org):
        return factories.NotificationFactory(organization=org, recipient=user, **fields)


def _send(org, notifications):
    with tenant_scope(org):
        return send_emails(org, [n.pk for n in notifications])


def _state(org, notification):
    with tenant_scope(org):
        return Notification.objects.get(pk=notification.pk).email_state


def test_a_notification_mails_html_and_text_with_the_absolute_link(org_a, bob, settings):
    settings.SITE_URL = "https://pmsys.example.com"
    n = _notify(
        org_a,
        bob,
        kind=Kind.SELF_ASSESSMENT_SUBMITTED,
        title="Ann Example submitted their self-assessment",
        body="Read it & rate it.",
        url="/o/alpha/cycles/tasks/",
    )
    assert _send(org_a, [n]) == 1
    (message,) = mail.outbox
    assert message.subject == "Ann Example submitted their self-assessment" and message.to == ["bob@alpha.test"]
    link = "https://pmsys.example.com" + reverse(
        "notifications:open", kwargs={"org_slug": "alpha", "notification_id": n.public_id}
    )
    assert "Hello Bob," in message.body and "Read it & rate it." in message.body  # plain text: not escaped
    assert f"Rate the appraisal:\n{link}" in message.body
    assert "turn off e-mail about events" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html and "Read it &amp; rate it." in html
    assert ">Rate the appraisal</a>" in html and 'lang="en"' in html and "Alpha Works" in html
    assert _state(org_a, n) == EmailState.SENT


def test_every_kind_has_its_templates(org_a, bob):
    notifications = [_notify(org_a, bob, kind=kind, url="/o/alpha/") for kind in Kind.values]
    assert _send(org_a, notifications) == len(Kind.values)
    assert all(m.alternatives for m in mail.outbox)


def test_an_unknown_kind_falls_back_to_the_default_templates(org_a, bob):
    n = _notify(org_a, bob, kind="something_new", title="Something new", url="/o/alpha/")
    assert _send(org_a, [n]) == 1 and "Open it in pmsys" in mail.outbox[0].body


def test_event_mail_turned_off_is_skipped_but_deadlines_always_come(org_a, bob, alice):
    factories.PreferenceFactory(organization=org_a, user=bob, email_non_essential=False)
    event = _notify(org_a, bob, kind=Kind.PHASE_OPENED)
    deadline = _notify(org_a, bob, kind=Kind.REMINDER, essential=True, title="Your self-assessment is due Friday")
    for_alice = _notify(org_a, alice, kind=Kind.PHASE_OPENED)  # Bob's choice is Bob's only
    assert _send(org_a, [event, deadline, for_alice]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@alpha.test", "bob@alpha.test"]
    bob_mail = next(m for m in mail.outbox if m.to == ["bob@alpha.test"])
    assert bob_mail.subject == "Your self-assessment is due Friday"
    assert "deadline you are responsible for" in bob_mail.body
    assert _state(org_a, event) == EmailState.SKIPPED
    assert _state(org_a, deadline) == _state(org_a, for_alice) == EmailState.SENT


def test_a_preference_in_another_organisation_does_not_count_here(org_a, org_b, bob):
    factories.MembershipFactory(organization=org_b, user=bob)
    factories.PreferenceFactory(organization=org_b, user=bob, email_non_essential=False)
    assert _send(org_a, [_notify(org_a, bob)]) == 1


def test_no_address_or_inactive_account_is_skipped(org_a, bob, alice):
    bob.is_active = False
    bob.save()
    n = _notify(org_a, bob)
    assert _send(org_a, [n]) == 0 and _state(org_a, n) == EmailState.SKIPPED


def test_a_batch_goes_over_one_connection_in_constant_queries(org_a, bob, alice, counting):
    def run(count):
        batch = [_notify(org_a, bob if i % 2 else alice) for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert _send(org_a, batch) == count
        return len(captured)

    few = run(2)
    assert run(12) == few
    assert counting.opened == 2  # one per batch


def test_a_repeated_task_sends_nothing_twice(org_a, bob):
    n = _notify(org_a, bob)
    assert _send(org_a, [n]) == 1
    assert _send(org_a, [n]) == 0
    assert len(mail.outbox) == 1


def test_a_mail_server_that_refuses_leaves_the_batch_for_the_retry(org_a, bob, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    n = _notify(org_a, bob)
    with pytest.raises(ConnectionRefusedError):
        _send(org_a, [n])
    assert _state(org_a, n) == EmailState.PENDING


def test_one_failed_message_is_marked_and_the_rest_still_go(org_a, bob, alice, counting):
    counting.fail_for = {"bob@alpha.test"}
    to_bob, to_alice = _notify(org_a, bob), _notify(org_a, alice)
    assert _send(org_a, [to_bob, to_alice]) == 1
    assert _state(org_a, to_bob) == EmailState.FAILED and _state(org_a, to_alice) == EmailState.SENT
