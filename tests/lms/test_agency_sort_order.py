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
    import pandas as pd

    from lms.coverage.selectors import sort_by_coverage

    frame = pd.DataFrame(
        {
            "name": ["Xã Yên Lạc", "Xã Đại Đình", "Xã Dương Nội", "Sở Tư pháp"],
            "coverage_pct": [10.0, 10.0, 10.0, None],
        }
    )
    assert list(sort_by_coverage(frame)["name"]) == [
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
