"""Certificate PDFs, roster uploads and exports are private: never under /media/, only through
views that check who asks, and unconfirmed roster uploads do not pile up."""

import importlib
import os
import time

import pytest

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, reverse

from courses.certificates.services import certificate_render_pdf
from courses.classes.roster import ROSTER_UPLOADS, roster_upload_keep
from courses.classes.tasks import remove_stale_roster_uploads
from courses.models import Certificate
from lms.core.storage import private

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings):
    """The URLs of the default run (`make run`, DEBUG on), which serve MEDIA_ROOT."""
    import lms.urls

    settings.DEBUG = True
    importlib.reload(lms.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(lms.urls)
    clear_url_caches()


@pytest.fixture
def rendered(issued_certificate):
    return certificate_render_pdf(certificate_id=issued_certificate.pk)


def test_certificate_pdf_is_not_served_under_media(client, debug_urls, rendered, officer):
    public = default_storage.save("kiem-tra/cong-khai.txt", ContentFile(b"public"))
    assert client.get(f"/media/{public}").status_code == 200  # the media route is on

    client.force_login(officer)
    assert client.get(f"/media/{rendered.pdf.name}").status_code == 404
    assert not default_storage.exists(rendered.pdf.name)
    assert private.exists(rendered.pdf.name)


def _download(client, certificate):
    return client.get(reverse("certificates:download", args=[certificate.code]))


@pytest.mark.parametrize(("who", "status"), [("hong_nhung", 200), ("officer", 200),
                                            ("other_trainee", 404)])  # fmt: skip
def test_pdf_only_through_the_checked_view(client, request, rendered, who, status):
    client.force_login(request.getfixturevalue(who))
    response = _download(client, rendered)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_pdf_stored_before_private_storage_is_still_served_and_moved(client, rendered, hong_nhung):
    name = "certificates/2025/01/cu.pdf"
    with private.open(rendered.pdf.name, "rb") as handle:
        data = handle.read()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(data))
    Certificate.objects.filter(pk=rendered.pk).update(pdf=name)
    client.force_login(hong_nhung)

    response = _download(client, rendered)

    assert b"".join(response.streaming_content) == data
    assert not default_storage.exists(name) and private.exists(name)
    private.delete(name)


def test_private_files_are_outside_media_root():
    private_root = os.path.realpath(private.location)
    media_root = os.path.realpath(django_settings.MEDIA_ROOT)
    assert not private_root.startswith(media_root + os.sep) and private_root != media_root


def test_cleanup_removes_unconfirmed_uploads_older_than_a_day():
    old = roster_upload_keep(data=b"Email\nmot@example.vn\n", suffix=".csv")
    fresh = roster_upload_keep(data=b"Email\nhai@example.vn\n", suffix=".csv")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(private.path(old), (two_days_ago, two_days_ago))

    removed = remove_stale_roster_uploads.delay().get()

    assert removed >= 1
    assert not private.exists(old)
    assert private.exists(fresh)
    assert fresh.startswith(f"{ROSTER_UPLOADS}/")
    private.delete(fresh)


def test_cleanup_is_on_the_beat_schedule():
    from lms.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["roster-upload-cleanup"]
    assert entry["task"] in app.tasks
    assert entry["task"] == remove_stale_roster_uploads.name


def test_rerendering_a_legacy_pdf_removes_its_public_copy(
    rendered, django_capture_on_commit_callbacks
):
    from courses.certificates.services import certificate_rerender_pdf

    name = "certificates/2025/01/cu-lai.pdf"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"%PDF-1.4 old"))
    Certificate.objects.filter(pk=rendered.pk).update(pdf=name)

    with django_capture_on_commit_callbacks(execute=True):
        fresh = certificate_rerender_pdf(certificate_id=rendered.pk)

    assert private.exists(fresh.pdf.name)
    assert not default_storage.exists(name)
