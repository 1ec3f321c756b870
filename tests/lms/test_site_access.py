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


def test_language_switcher_is_a_button_named_in_the_other_language(client):
    content = client.get("/accounts/login/").content.decode()
    form = re.search(r'<form[^>]*class="language-switcher".*?</form>', content, re.S).group(0)
    assert "data-autosubmit" not in form
    assert "<select" not in form  # nothing submits on change (WCAG 3.2.2)
    button = r'<button type="submit" name="language" value="en"[^>]*lang="en">English<'
    assert re.search(button, form)


def test_browser_set_to_english_still_gets_vietnamese(client, site_tree):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
    assert "Accept-Language" not in response.get("Vary", "")


def test_english_only_when_the_switcher_chose_it(client, site_tree):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in content
    assert "Sign in" in content


def test_home_hero_and_catalogue_heading_follow_the_language(client, site_tree):
    catalogue = site_tree["catalogue"]
    catalogue.title_en = "Courses"
    catalogue.save_revision().publish()
    home = site_tree["home"]
    vietnamese = client.get("/").content.decode()
    assert f"<h1>{home.title}</h1>" in vietnamese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "<h1>ISO 9001 quality management training</h1>" in client.get("/").content.decode()
    assert "<h1>Courses</h1>" in client.get(catalogue.url).content.decode()


SIGNUP = {
    "full_name": "Trần Thị Đào",
    "email": "dao.tran@example.vn",
    "password1": "Mat-khau-manh-2026",
    "password2": "Mat-khau-manh-2026",
}
CONSOLE_NOTICE = "thư xác nhận được in ra cửa sổ dòng lệnh (console)"


def test_signup_on_the_console_backend_says_where_the_email_went(client, settings, agency_tree):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    response = client.post("/accounts/signup/", SIGNUP, follow=True)
    assert CONSOLE_NOTICE in response.content.decode()


def test_signup_with_real_mail_has_no_console_notice(client, agency_tree):
    response = client.post("/accounts/signup/", SIGNUP, follow=True)
    assert response.redirect_chain  # the account was created
    assert CONSOLE_NOTICE not in response.content.decode()
