from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from apps.tenancy.models import Role
from apps.tests_support import factories

LOGIN = reverse("accounts:login")


def test_a_member_of_one_organisation_lands_on_its_dashboard(client, alice, org_a):
    response = client.post(LOGIN, {"username": "alice@alpha.test", "password": "pmsys-test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", kwargs={"org_slug": org_a.slug})
    assert b"Welcome, Alice" in response.content


def test_the_email_is_matched_whatever_its_case(client, alice, org_a):
    response = client.post(LOGIN, {"username": "ALICE@Alpha.test", "password": "pmsys-test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", kwargs={"org_slug": org_a.slug})


def test_a_member_of_several_organisations_chooses_one(client, alice, org_a, org_b):
    factories.MembershipFactory(organization=org_b, user=alice, role=Role.MEMBER)
    response = client.post(LOGIN, {"username": "alice@alpha.test", "password": "pmsys-test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tenancy:choose")
    assert b"Alpha Works" in response.content and b"Beta Corp" in response.content


def test_a_switcher_offers_the_other_organisation(alice_client, alice, org_a, org_b):
    factories.MembershipFactory(organization=org_b, user=alice, role=Role.MEMBER)
    page = alice_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug}))
    assert reverse("dashboard", kwargs={"org_slug": org_b.slug}).encode() in page.content


def test_a_wrong_password_says_so_at_the_form(client, alice):
    response = client.post(LOGIN, {"username": "alice@alpha.test", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_sign_in_is_throttled_after_repeated_failures(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "alice@alpha.test", "password": "wrong"})
    response = client.post(LOGIN, {"username": "alice@alpha.test", "password": "pmsys-test"})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content


def test_signing_out_ends_the_session(alice_client, org_a):
    alice_client.post(reverse("accounts:logout"))
    response = alice_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug}))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_activity_slides_the_session_expiry(alice_client, org_a, settings):
    alice_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug}))
    assert alice_client.session.get_expiry_age() == settings.SESSION_INACTIVITY_TIMEOUT


def test_an_idle_session_expires(alice_client, org_a):
    # The session lives in the database and, for reading, in Redis with the same lifetime (the
    # cached_db engine): both expire at once, which the test plays by moving one and dropping the other.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    cache.delete(cached_db.KEY_PREFIX + alice_client.session.session_key)
    response = alice_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug}))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
