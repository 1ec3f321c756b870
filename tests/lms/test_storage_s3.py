"""Media through Django's storage API lands in a real S3-compatible server (moto in server mode)."""

import socket
import subprocess
import sys
import time

import pytest

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    pytest.importorskip("moto.server")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("moto server did not start")
    import boto3

    boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106
        region_name="us-east-1",
    ).create_bucket(Bucket="lms-media")
    yield url
    process.terminate()
    process.wait(timeout=10)


def _s3_storages(url):
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "lms-media",
                "endpoint_url": url,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_files_round_trip_through_the_s3_server(s3_server):
    with override_settings(STORAGES=_s3_storages(s3_server)):
        storage = storages.create_storage(_s3_storages(s3_server)["default"])
        name = storage.save("certificates/2026/11/chung-nhan.pdf", ContentFile(b"%PDF-1.4 test"))
        assert storage.exists(name)
        with storage.open(name) as handle:
            assert handle.read() == b"%PDF-1.4 test"
        second = storage.save("certificates/2026/11/chung-nhan.pdf", ContentFile(b"other"))
        assert second != name  # never overwrites an issued file
        assert storage.url(name).startswith(s3_server)


def test_production_settings_switch_media_to_s3_when_a_bucket_is_set():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s;"
            "print(s.STORAGES['default']['BACKEND'], s.STORAGES['staticfiles']['BACKEND'])",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "s3-media-settings-check-" + "0123456789abcdef" * 3,
            "ALLOWED_HOSTS": "iso.example.vn",
            "SITE_URL": "https://iso.example.vn",
            "AWS_STORAGE_BUCKET_NAME": "lms-media",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_certificate_background_is_printed_from_the_s3_bucket(
    s3_server, hong_nhung, course, complete_course, template_with_background
):
    from courses.certificates.services import certificate_issue, certificate_render_pdf
    from tests.fixtures.certificates import pdf_page_images

    with override_settings(STORAGES=_private_s3(s3_server)):
        template = template_with_background(course)
        image_file = template.background.file
        assert image_file.storage.exists(image_file.name)  # in the bucket, not on disk
        complete_course(hong_nhung, course)
        certificate = certificate_issue(user=hong_nhung, course=course)
        data = certificate_render_pdf(certificate_id=certificate.pk).pdf.read()

    images = pdf_page_images(data)
    assert [(image["/Width"], image["/Height"]) for image in images] == [(420, 297)]


def _private_s3(url):
    return {
        **_s3_storages(url),
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_storages(url)["default"]["OPTIONS"],
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
            },
        },
    }


@pytest.mark.django_db
def test_certificate_download_is_a_signed_address_valid_for_a_minute(
    s3_server, client, hong_nhung, other_trainee, issued_certificate
):
    import urllib.request

    from django.urls import reverse

    from courses.certificates.services import certificate_render_pdf

    url = reverse("certificates:download", args=[issued_certificate.code])
    with override_settings(STORAGES=_private_s3(s3_server)):
        certificate = certificate_render_pdf(certificate_id=issued_certificate.pk)
        client.force_login(hong_nhung)
        response = client.get(url)

        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith(f"{s3_server}/lms-media/private/{certificate.pdf.name}?")
        assert "X-Amz-Signature=" in location and "X-Amz-Expires=60&" in location
        with urllib.request.urlopen(location, timeout=30) as signed:  # noqa: S310
            assert signed.read().startswith(b"%PDF")

        client.force_login(other_trainee)
        assert client.get(url).status_code == 404


def test_production_settings_keep_private_files_private_on_s3():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; o = s.STORAGES['private']['OPTIONS'];"
            "print(o['location'], o['default_acl'], o['querystring_auth'],"
            " o['querystring_expire'])",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "s3-private-settings-check-" + "0123456789abcdef" * 3,
            "ALLOWED_HOSTS": "iso.example.vn",
            "SITE_URL": "https://iso.example.vn",
            "AWS_STORAGE_BUCKET_NAME": "lms-media",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["private", "private", "True", "60"]
