import re

import pytest

from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(db):
    call_command("load_demo", verbosity=0)


def test_home_page_is_in_vietnamese(client, demo_site):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
    # Every script, stylesheet and image comes from the site itself (no CDN).
    assert re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', content) == []


def test_language_switch_to_english(client, demo_site):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/").content.decode()
    assert '<html lang="en">' in content
    assert "Sign in" in content


def test_not_found_page_is_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_load_demo_twice_changes_nothing(demo_site):
    from lms.accounts.models import Agency, User

    counts = (Agency.objects.count(), User.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Agency.objects.count(), User.objects.count()) == counts
    assert Agency.objects.filter(merged_into__isnull=False).exists()


def test_demo_logins_can_sign_in(client, demo_site):
    response = client.post("/accounts/login/", {"login": "canbo@demo.vn", "password": "Demo@2026"})
    assert response.status_code == 302
