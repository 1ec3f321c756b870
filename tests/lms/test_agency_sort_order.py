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
    select = re.search(r'<select name="agency".*?</select>', content, re.S).group(0)
    names = re.findall(r'<option value="\d+">([^<]+)</option>', select)
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

    form = SignupForm(data={"full_name": "Trần Thị Đào", "agency": agency_tree["commune_b"].pk})
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
