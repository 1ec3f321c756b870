"""The agency directory in the Wagtail admin: upload → preview → confirm, export, aliases."""

import io

import pytest
from openpyxl import load_workbook

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.accounts.models import Agency
from tests.lms.test_agency_directory import workbook

URL = "/admin/agencies/import/"


def upload(data=None, name="danh-muc.xlsx"):
    return SimpleUploadedFile(name, data if data is not None else workbook())


def test_officer_previews_then_confirms_the_directory(client, officer):
    client.force_login(officer)
    before = Agency.objects.count()
    preview = client.post(URL, {"file": upload()})
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "5 mục mới, 0 mục thay đổi" in content and "000.00.01.H62" in content
    assert Agency.objects.count() == before  # nothing written by the preview

    done = client.post(URL, {"token": preview.context["token"]})
    assert done.status_code == 302
    assert Agency.objects.get(code="000.00.02.H62").merged_into.code == "000.00.01.H62"
    again = client.post(URL, {"token": preview.context["token"]})  # double click
    assert again.status_code == 302 and Agency.objects.count() == before + 5

    unchanged = client.post(URL, {"file": upload()})
    assert "không có gì cần thay đổi" in unchanged.content.decode()


def test_broken_file_shows_located_errors_and_no_confirm(client, officer):
    client.force_login(officer)
    rows = [["X.1", "Sở X", "Bộ", "", "-3", "", "", ""]]
    response = client.post(URL, {"file": upload(workbook(rows))})
    content = response.content.decode()
    assert "Dòng 4" in content and "Bộ" in content and "-3" in content
    assert 'name="token"' not in content
    assert not Agency.objects.filter(code="X.1").exists()


def test_confirm_token_of_another_person_imports_nothing(client, officer, make_user):
    from lms.accounts import roles

    client.force_login(officer)
    token = client.post(URL, {"file": upload()}).context["token"]
    other = make_user(roles.DOST_OFFICER, is_staff=True)
    client.force_login(other)
    response = client.post(URL, {"token": token}, follow=True)
    assert "hết hạn" in response.content.decode()
    assert not Agency.objects.filter(code="000.00.01.H62").exists()


@pytest.mark.parametrize("who", ["trainer", "editor", "secretary"])
def test_only_officers_and_administrators_keep_the_directory(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code in (302, 403)
    assert client.post(URL, {"file": upload()}).status_code in (302, 403)
    assert client.get("/admin/agencies/export/").status_code in (302, 403)
    assert not Agency.objects.filter(code="000.00.01.H62").exists()


def test_export_downloads_the_directory(client, officer, agency_tree):
    client.force_login(officer)
    response = client.get("/admin/agencies/export/")
    assert response.status_code == 200
    assert "danh-muc-don-vi.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị" and {row[0] for row in rows[1:]} >= {"P", "P-STP"}


def test_aliases_are_edited_one_per_line(client, officer, agency_tree):
    client.force_login(officer)
    district = agency_tree["district"]
    url = reverse("wagtailsnippets_accounts_agency:edit", args=[district.pk])
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        {
            "code": district.code,
            "name": district.name,
            "kind": district.kind,
            "parent": district.parent_id,
            "target_headcount": 20,
            "is_active": "on",
            "aliases": "UBND huyện Tam Đảo\n\n  Huyện TĐ  \n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    district.refresh_from_db()
    assert district.aliases == ["UBND huyện Tam Đảo", "Huyện TĐ"]
    assert "UBND huyện Tam Đảo\nHuyện TĐ" in client.get(url).content.decode()
