"""A member's journey through the discussions, in a real browser with JavaScript off, and by
email: follow a space, get a new post by email, reply by email, read the reply on the site."""

import pytest
from django.core import mail
from django.core.management import call_command

from discussions import services
from discussions.models import Post, Space
from tests.conftest import PASSWORD
from tests.discussions.conftest import old_account, representative

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_follows_a_space_replies_by_email_and_on_the_site(
    browser, live_server, screenshot, tmp_path
):
    call_command("loaddemo", verbosity=0)
    reader = old_account(representative(first_name="Amina", last_name="Tesfaye"))
    context = browser.new_context(
        locale="en-GB", java_script_enabled=False, viewport={"width": 1024, "height": 800}
    )
    page = context.new_page()
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill('input[name="login"]', reader.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('main form button[type="submit"]').click()

    page.goto(live_server.url + "/en/discussions/")
    page.get_by_role("link", name="Andes", exact=True).click()
    page.get_by_role("button", name="Follow this space by email").click()
    assert "You follow this space" in page.locator(".messages").inner_text()
    screenshot(page, "discussions-1-following")

    # Someone else replies in one of the space's topics; the notification is sent.
    andes = Space.objects.get(slug="andes")
    topic = andes.topics.first()
    colleague = old_account(representative(first_name="Hugo", last_name="Cisneros"))
    services.reply_post(
        topic=topic, user=colleague, body="The Cusco case study is ready.", language="en"
    )
    [notification] = [message for message in mail.outbox if message.to == [reader.email]]
    assert "The Cusco case study is ready." in notification.body

    # The reader answers from their mail program; the mail server pipes it to the portal.
    answer = tmp_path / "answer.eml"
    answer.write_bytes(
        (
            f"From: Amina Tesfaye <{reader.email}>\n"
            f"To: {notification.reply_to[0]}\n"
            f"Subject: Re: {notification.subject}\n\n"
            "Wonderful, we will add the Bale Mountains for comparison.\n\n"
            "On Mon, 1 Mar 2027, Mountain Partnership wrote:\n"
            "> The Cusco case study is ready.\n"
        ).encode()
    )
    call_command("receive_reply", file=str(answer))

    page.goto(live_server.url + topic.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "Wonderful, we will add the Bale Mountains for comparison." in main
    assert "by email" in main and "Amina Tesfaye" in main

    # And on the site, with the keyboard only.
    page.get_by_role("textbox", name="Your message").focus()
    page.keyboard.type("And a second thought, typed on the site.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Post your reply"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "And a second thought, typed on the site." in page.locator("main").inner_text()
    screenshot(page, "discussions-2-topic")
    assert Post.objects.filter(author=reader).count() == 2
    context.close()
