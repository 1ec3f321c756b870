"""Agency and person lists in Vietnamese alphabetical order: Đ comes after D, not after Z."""

import re

import pytest

from django.urls import reverse

from lms.core.text import vietnamese_title_key

pytestmark = pytest.mark.django_db


def test_title_key_reads_names_from_the_first_word():
    names = ["Xã Yên Lạc", "Xã Đại Đình", "Sở Tư pháp", "Xã Dương Nội", "Xã Eo Gió"]
    assert sorted(names, key=vietnamese_title_key) == [
        "Sở Tư pháp",
        "Xã Dương Nội",
        "Xã Đại Đình",
        "Xã Eo Gió",
        "Xã Yên Lạc",
    ]


def test_signup_lists_agencies_in_vietnamese_order(client, agency_tree):
    from lms.accounts.models import Agency

    Agency.objects.create(code="P-YL", name="Xã Yên Lạc", kind="commune")
    content = client.get(reverse("account_signup")).content.decode()
    datalist = re.search(r"<datalist .*?</datalist>", content, re.S).group(0)
    names = re.findall(r'<option value="([^"]+)">', datalist)
    assert names == [
        "Huyện Tam Đảo",
        "Sở Tư pháp",
        "Tỉnh Thử",
        "Xã Đại Đình",
        "Xã Hồ Sơn",
        "Xã Yên Lạc",
    ]


def test_signup_still_accepts_a_listed_agency(agency_tree):
    from lms.accounts.forms import SignupForm

    form = SignupForm(data={"full_name": "Trần Thị Đào", "agency": "Xã Đại Đình"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == agency_tree["commune_b"]


def test_coverage_ties_sort_agencies_in_vietnamese_order():
    from lms.coverage.selectors import CoverageRow, sort_by_coverage

    rows = [
        CoverageRow(id=i, code=str(i), name=name, kind="commune", parent="", coverage_pct=pct)
        for i, (name, pct) in enumerate(
            [
                ("Xã Yên Lạc", 10.0),
                ("Xã Đại Đình", 10.0),
                ("Xã Dương Nội", 10.0),
                ("Sở Tư pháp", None),
            ]
        )
    ]
    assert [row.name for row in sort_by_coverage(rows)] == [
        "Xã Dương Nội",
        "Xã Đại Đình",
        "Xã Yên Lạc",
        "Sở Tư pháp",
    ]


@pytest.mark.parametrize(
    "typed",
    ["UBND huyện Tam Đảo", "  ubnd  HUYỆN tam đảo ", "UBND huye\u0323\u0302n Tam Đảo", "p-td"],
)
def test_signup_finds_an_agency_by_alias_code_or_another_spelling(agency_tree, typed):
    from lms.accounts.forms import SignupForm

    district = agency_tree["district"]
    district.aliases = ["UBND huyện Tam Đảo"]
    district.save()
    form = SignupForm(data={"full_name": "Trần Thị Đào", "agency": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == district


def test_signup_lists_aliases_and_joins_the_successor_of_a_merged_agency(client, agency_tree):
    from lms.accounts.forms import SignupForm
    from lms.accounts.services import agency_merge

    commune, district = agency_tree["commune_a"], agency_tree["district"]
    commune.aliases = ["UBND xã Hồ Sơn"]
    commune.save()
    content = client.get(reverse("account_signup")).content.decode()
    assert '<option value="UBND xã Hồ Sơn">Xã Hồ Sơn</option>' in content
    agency_merge(agency=commune, into=district)
    form = SignupForm(data={"full_name": "Trần Thị Đào", "agency": "UBND xã Hồ Sơn"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == district


def test_signup_names_the_closest_agencies_for_an_unknown_one(client, agency_tree):
    from lms.accounts.models import User

    data = {
        "full_name": "Trần Thị Đào",
        "email": "dao.tran@example.vn",
        "agency": "Sở Tư phap",
        "password1": "Mat-khau-manh-2026",
        "password2": "Mat-khau-manh-2026",
    }
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Không tìm thấy cơ quan, đơn vị “Sở Tư phap”" in content
    assert "Có phải là: Sở Tư pháp?" in content
    assert not User.objects.filter(email="dao.tran@example.vn").exists()


def _signup_form(agency_text):
    from lms.accounts.forms import SignupForm

    return SignupForm(data={"full_name": "Trần Thị Đào", "agency": agency_text})


def test_a_name_two_agencies_share_asks_for_the_code(agency_tree):
    """Commune names repeat across districts: the first one found is not the person's."""
    from lms.accounts.models import Agency

    district, province = agency_tree["district"], agency_tree["province"]
    other_district = Agency.objects.create(
        code="P-BX", name="Huyện Bình Xuyên", kind="district", parent=province
    )
    Agency.objects.create(code="P-BX-HS", name="Xã Hồ Sơn", kind="commune", parent=other_district)
    form = _signup_form("xã hồ sơn")
    assert not form.is_valid()
    error = form.errors["agency"][0]
    assert "Xã Hồ Sơn – Huyện Tam Đảo (P-TD-HS)" in error
    assert "Xã Hồ Sơn – Huyện Bình Xuyên (P-BX-HS)" in error
    assert _signup_form("P-BX-HS").is_valid()
    # An alias two agencies list is no better.
    for agency in (district, other_district):
        agency.aliases = ["UBND huyện"]
        agency.save()
    assert not _signup_form("UBND huyện").is_valid()


def test_a_name_shared_along_a_merge_finds_the_surviving_agency(agency_tree):
    from lms.accounts.models import Agency
    from lms.accounts.services import agency_merge

    commune_a, commune_b = agency_tree["commune_a"], agency_tree["commune_b"]
    renamed = Agency.objects.create(
        code="P-TD-HS2", name="Xã Hồ Sơn", kind="commune", parent=agency_tree["district"]
    )
    agency_merge(agency=commune_a, into=renamed)
    agency_merge(agency=renamed, into=commune_b)
    form = _signup_form("Xã Hồ Sơn")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == commune_b


def test_markup_typed_as_an_agency_is_shown_as_text(client, agency_tree):
    data = {"full_name": "Trần Thị Đào", "email": "x@example.vn", "agency": "<b>Sở</b>"}
    content = client.post(reverse("account_signup"), data).content.decode()
    assert "<b>Sở</b>" not in content
    assert "&lt;b&gt;Sở&lt;/b&gt;" in content
