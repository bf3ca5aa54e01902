"""The bell, the notifications page, following a notification, marking read, the settings page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.models import Kind, Notification, Preference
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


def _url(org, name, **kwargs):
    return reverse(f"notifications:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _notify(org, user, count=1, **fields):
    with tenant_scope(org):
        return [factories.NotificationFactory(organization=org, recipient=user, **fields) for _ in range(count)]


def _unread(org, user):
    with tenant_scope(org):
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- The bell ----------------------------------------------------------------------------------


def test_every_tenant_page_has_the_bell_that_loads_its_count(bob_client, org_a):
    html = bob_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug})).content.decode()
    assert 'id="notification-bell"' in html
    assert f'hx-get="{_url(org_a, "count")}"' in html and 'hx-trigger="load, every 60s"' in html


def test_the_bell_counts_my_unread_notifications_only(bob_client, org_a, org_b, bob, alice):
    _notify(org_a, bob, 3)
    _notify(org_a, bob, 1, read_at="2026-01-01T00:00Z")
    _notify(org_a, alice, 2)
    other = factories.MembershipFactory(organization=org_b, user=bob)
    _notify(org_b, other.user, 4)
    response = bob_client.get(_url(org_a, "count"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'aria-label="Notifications: 3 unread"' in html
    assert '<span class="bell__count" aria-hidden="true">3</span>' in html
    # Polling goes on, but the swapped-in bell does not reload itself on load (no loop).
    assert 'hx-trigger="every 60s"' in html


def test_the_bell_with_nothing_unread_says_so(bob_client, org_a):
    html = bob_client.get(_url(org_a, "count")).content.decode()
    assert 'aria-label="Notifications: none unread"' in html and "bell__count" not in html


def test_the_count_is_one_query_whatever_the_number(bob_client, org_a, bob):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            bob_client.get(_url(org_a, "count"))
        return [q["sql"] for q in captured.captured_queries if '"notifications_notification"' in q["sql"]]

    _notify(org_a, bob, 1)
    queries()
    few = queries()
    _notify(org_a, bob, 30)
    assert queries() == few and len(few) == 1 and "COUNT(*)" in few[0]


# --- The page ------------------------------------------------------------------------------------


def test_the_page_lists_my_notifications_newest_first_with_links_to_act(bob_client, org_a, bob, alice):
    first, second = _notify(org_a, bob, 2, url="/o/alpha/cycles/tasks/")
    _notify(org_a, alice, 1, title="Alice's own")
    html = bob_client.get(_url(org_a, "list")).content.decode()
    assert html.index(second.title) < html.index(first.title)
    assert _url(org_a, "open", notification_id=first.public_id) in html
    assert "Alice's own" not in html
    assert "Mark all as read" in html


def test_the_unread_filter(bob_client, org_a, bob):
    (read,) = _notify(org_a, bob, 1, title="Seen before", read_at="2026-01-01T00:00Z")
    (unread,) = _notify(org_a, bob, 1, title="Still new")
    html = bob_client.get(_url(org_a, "list") + "?show=unread").content.decode()
    assert "Still new" in html and "Seen before" not in html
    html = bob_client.get(_url(org_a, "list") + "?show=nonsense").content.decode()
    assert "Still new" in html and "Seen before" in html


def test_the_page_reads_a_constant_number_of_queries(bob_client, org_a, bob):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert bob_client.get(_url(org_a, "list")).status_code == 200
        return len(captured)

    _notify(org_a, bob, 2)
    count()  # the session's first request reads more (session, user): warm it up
    few = count()
    _notify(org_a, bob, 40, essential=True, kind=Kind.REMINDER)
    assert count() == few


def test_a_page_beyond_the_last_shows_the_last(bob_client, org_a, bob):
    _notify(org_a, bob, 30)
    response = bob_client.get(_url(org_a, "list") + "?page=99")
    assert response.status_code == 200 and "Page 2 of 2" in response.content.decode()


def test_an_empty_page_says_what_will_show_here(bob_client, org_a):
    assert "No notifications yet" in bob_client.get(_url(org_a, "list")).content.decode()


# --- Following and marking read ---------------------------------------------------------------------


def test_following_a_notification_marks_it_read_and_goes_to_the_action(bob_client, org_a, bob):
    (n,) = _notify(org_a, bob, 1, url="/o/alpha/cycles/tasks/")
    response = bob_client.get(_url(org_a, "open", notification_id=n.public_id))
    assert response.status_code == 302 and response["Location"] == "/o/alpha/cycles/tasks/"
    assert _unread(org_a, bob) == 0
    with tenant_scope(org_a):
        first_read = Notification.objects.get(pk=n.pk).read_at
    bob_client.get(_url(org_a, "open", notification_id=n.public_id))
    with tenant_scope(org_a):
        assert Notification.objects.get(pk=n.pk).read_at == first_read  # the first reading is kept


@pytest.mark.parametrize(
    "stored",
    [
        "https://evil.example/o/alpha/",
        "//evil.example/o/alpha/",
        "/o/beta/cycles/",
        "/o/alpha\\..\\",
        "",
        "javascript:alert(1)",
    ],
)
def test_a_link_outside_the_organisation_goes_to_the_list_instead(bob_client, org_a, bob, stored):
    (n,) = _notify(org_a, bob, 1, url=stored)
    response = bob_client.get(_url(org_a, "open", notification_id=n.public_id))
    assert response.status_code == 302 and response["Location"] == _url(org_a, "list")


def test_someone_elses_notification_is_not_found(bob_client, org_a, alice):
    (n,) = _notify(org_a, alice, 1)
    assert bob_client.get(_url(org_a, "open", notification_id=n.public_id)).status_code == 404
    assert bob_client.post(_url(org_a, "read", notification_id=n.public_id)).status_code == 404
    assert _unread(org_a, alice) == 1


def test_marking_one_read_with_htmx_returns_the_item_and_the_bell(bob_client, org_a, bob):
    n, _other = _notify(org_a, bob, 2)
    response = bob_client.post(_url(org_a, "read", notification_id=n.public_id), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="notification-{n.public_id}"' in html and "notification--unread" not in html
    assert 'hx-swap-oob="true"' in html and "Notifications: 1 unread" in html
    assert _unread(org_a, bob) == 1


def test_marking_one_read_without_htmx_redirects_to_the_list(bob_client, org_a, bob):
    (n,) = _notify(org_a, bob, 1)
    response = bob_client.post(_url(org_a, "read", notification_id=n.public_id), {"show": "unread"})
    assert response.status_code == 302 and response["Location"] == _url(org_a, "list") + "?show=unread"
    assert _unread(org_a, bob) == 0


def test_mark_all_read_touches_only_mine_here(bob_client, org_a, org_b, bob, alice):
    _notify(org_a, bob, 3)
    _notify(org_a, alice, 2)
    response = bob_client.post(_url(org_a, "read_all"), {"show": "unread"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="notification-list"' in html and "All notifications are marked as read." in html
    assert "Nothing unread" in html and 'hx-swap-oob="true"' in html
    assert _unread(org_a, bob) == 0 and _unread(org_a, alice) == 2
    with tenant_scope(org_a):
        assert not AuditEvent.objects.filter(action__startswith="notifications.").exists()  # reading is not audited


def test_mark_all_read_without_htmx(bob_client, org_a, bob):
    _notify(org_a, bob, 2)
    response = bob_client.post(_url(org_a, "read_all"))
    assert response.status_code == 302 and _unread(org_a, bob) == 0


def test_reading_by_get_is_refused_where_it_must_be_a_post(bob_client, org_a, bob):
    (n,) = _notify(org_a, bob, 1)
    assert bob_client.get(_url(org_a, "read_all")).status_code == 405
    assert bob_client.get(_url(org_a, "read", notification_id=n.public_id)).status_code == 405
    assert _unread(org_a, bob) == 1


def test_anonymous_visitors_sign_in_first(client, org_a, bob):
    (n,) = _notify(org_a, bob, 1)
    for url in (_url(org_a, "list"), _url(org_a, "count"), _url(org_a, "open", notification_id=n.public_id)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert _unread(org_a, bob) == 1


def test_another_organisation_is_not_found(charlie_client, org_a):
    assert charlie_client.get(_url(org_a, "list")).status_code == 404
    assert charlie_client.get(_url(org_a, "count")).status_code == 404


# --- Settings ------------------------------------------------------------------------------------


def test_the_settings_page_explains_deadline_reminders_and_saves_with_audit(bob_client, org_a, bob):
    html = bob_client.get(_url(org_a, "preferences")).content.decode()
    assert "Deadline reminders always come by e-mail" in html and "checked" in html  # on by default
    response = bob_client.post(_url(org_a, "preferences"), {})
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert Preference.objects.get(user=bob).email_non_essential is False
        event = AuditEvent.objects.get(action="notifications.preference_save")
        assert event.actor == bob and event.changes == {"email_non_essential": [True, False]}
    html = bob_client.get(_url(org_a, "preferences")).content.decode()
    assert "checked" not in html
    bob_client.post(_url(org_a, "preferences"), {"email_non_essential": "on"})
    bob_client.post(_url(org_a, "preferences"), {"email_non_essential": "on"})  # no change: no audit row
    with tenant_scope(org_a):
        assert Preference.objects.get(user=bob).email_non_essential is True
        assert AuditEvent.objects.filter(action="notifications.preference_save").count() == 2
