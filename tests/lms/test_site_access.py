"""What a person sees: the phone menu, the language switcher and the default language."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_phone_menu_is_a_button_that_controls_the_navigation(client):
    content = client.get("/accounts/login/").content.decode()
    button = re.search(r"<button[^>]*data-nav-toggle[^>]*>", content).group(0)
    assert 'aria-controls="site-nav"' in button
    assert 'aria-expanded="true"' in button  # without script the menu is shown open
    assert 'id="site-nav"' in content
    assert 'type="checkbox" id="nav-toggle"' not in content
    assert 'aria-hidden="true">☰</label>' not in content


def test_language_switcher_waits_for_its_button(client):
    content = client.get("/accounts/login/").content.decode()
    form = re.search(r'<form[^>]*class="language-switcher".*?</form>', content, re.S).group(0)
    assert "data-autosubmit" not in form
    assert "<noscript>" not in form
    assert re.search(r'<button type="submit"[^>]*>Đổi</button>', form)
