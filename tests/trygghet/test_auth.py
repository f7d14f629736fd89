"""Login, throttling, password reset and the language switch."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_with_the_right_password_and_lands_on_the_municipality(client, coordinator):
    response = post_login(client, coordinator.username, PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == "/burlov/"


def test_a_wrong_password_gives_a_swedish_message_and_no_session(client, coordinator):
    response = post_login(client, coordinator.username, "wrong")
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(
    client, coordinator, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, coordinator.username, "wrong")
    response = post_login(client, coordinator.username, PASSWORD)
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, coordinator, django_capture_on_commit_callbacks, eager_celery
):
    # The mail goes through the outbox: queued in the request, sent by a task after commit.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": coordinator.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": "a-new-Pass-phrase-42", "new_password2": "a-new-Pass-phrase-42"},
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("a-new-Pass-phrase-42")


def test_password_change_requires_login_and_changes_it(client, login, coordinator):
    assert client.get(reverse("password_change")).status_code == 302
    login(coordinator)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-Pass-phrase-7",
            "new_password2": "another-Pass-phrase-7",
        },
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("another-Pass-phrase-7")


def test_the_interface_is_swedish_by_default_and_english_on_request(client, login, coordinator):
    login(coordinator)
    assert "Du är inloggad som samordnare" in client.get("/burlov/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/burlov/"})
    assert "You are signed in as coordinator" in client.get("/burlov/").content.decode()


def test_logout_needs_a_post_and_ends_the_session(client, login, coordinator):
    login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/burlov/").status_code == 302
