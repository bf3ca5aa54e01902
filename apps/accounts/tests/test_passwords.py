import re

from django.core import mail
from django.urls import reverse


def test_a_password_can_be_changed(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pmsys-test",
            "new_password1": "A-much-better-passphrase-42",
            "new_password2": "A-much-better-passphrase-42",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("A-much-better-passphrase-42")


def test_a_weak_new_password_is_refused_at_the_field(alice_client):
    response = alice_client.post(
        reverse("accounts:password_change"),
        {"old_password": "pmsys-test", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, alice):
    client.post(reverse("accounts:password_reset"), {"email": "alice@alpha.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Fresh-start-passphrase-7", "new_password2": "Fresh-start-passphrase-7"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Fresh-start-passphrase-7")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mail.outbox == []
