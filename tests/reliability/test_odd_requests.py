"""Odd requests get answers, not 500s: dates far outside any report period, output paths that
cannot be written, unknown export formats, and `next` pointing off the site."""

import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse

RANGE_MESSAGE = "Ngày phải nằm trong khoảng 01/01/2000 – 31/12/2100."


# --- coverage period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"since": "01/01/0001"}, {"until": "31/12/9999"}, {"since": "0001-01-01"}],
)
def test_dashboard_refuses_dates_outside_the_range_with_a_located_message(
    client, officer, coverage_scenario, params
):
    client.force_login(officer)

    response = client.get(reverse("coverage:dashboard"), params)

    assert response.status_code == 400
    (field,) = params
    assert response.context["form"].errors[field] == [RANGE_MESSAGE]
    assert RANGE_MESSAGE in response.content.decode()


def test_dashboard_accepts_the_ends_of_the_range(client, officer, coverage_scenario):
    client.force_login(officer)

    response = client.get(
        reverse("coverage:dashboard"), {"since": "01/01/2000", "until": "31/12/2100"}
    )

    assert response.status_code == 200


def test_export_refuses_dates_outside_the_range(client, officer, coverage_scenario):
    client.force_login(officer)

    response = client.post(reverse("coverage:export"), {"format": "csv", "until": "31/12/9999"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("option", "value"), [("--since", "01/01/0001"), ("--until", "9999-12-31")]
)
def test_coverage_report_refuses_dates_outside_the_range(
    tmp_path, coverage_scenario, option, value
):
    output = tmp_path / "x.csv"

    with pytest.raises(CommandError, match=f"{option} {value}: {RANGE_MESSAGE}"):
        call_command("coverage_report", "--format", "csv", "--output", str(output), option, value)
    assert not output.exists()


def test_rerender_certificates_refuses_a_since_outside_the_range(db):
    with pytest.raises(CommandError, match=f"--since 01/01/0001: {RANGE_MESSAGE}"):
        call_command("rerender_certificates", "--since", "01/01/0001")


# --- coverage_report --output ------------------------------------------------------------


def test_coverage_report_output_to_a_directory_is_a_clear_error(tmp_path, coverage_scenario):
    with pytest.raises(CommandError, match="is a directory; give a file name"):
        call_command("coverage_report", "--format", "csv", "--output", str(tmp_path))


def test_coverage_report_unwritable_output_is_a_clear_error(coverage_scenario):
    # /dev/full refuses every write, even root's: the same path as a full disk or a read-only
    # mount.
    with pytest.raises(CommandError, match=r"--output /dev/full: cannot write \("):
        call_command("coverage_report", "--format", "xlsx", "--output", "/dev/full")


def test_coverage_report_output_in_a_missing_directory(tmp_path, coverage_scenario):
    with pytest.raises(CommandError, match="not found"):
        call_command(
            "coverage_report", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv")
        )


# --- attendance exports ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "exe", "CSV", "xlsx.csv"])
def test_unknown_attendance_export_format_is_404(client, trainer, class_session, fmt):
    client.force_login(trainer)
    session_url = f"/classes/sessions/{class_session.pk}/attendance.{fmt}"
    class_url = f"/classes/{class_session.training_class_id}/attendance.{fmt}"

    assert client.get(session_url).status_code == 404
    assert client.get(class_url).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_known_attendance_export_formats_still_download(client, trainer, class_session, fmt):
    client.force_login(trainer)

    response = client.get(f"/classes/sessions/{class_session.pk}/attendance.{fmt}")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


# --- next ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example/phishing",
        "//elsewhere.example/x",
        "javascript:alert(1)",
        "http://testserver.elsewhere.example/",
    ],
)
def test_revoke_never_redirects_off_the_site(client, officer, issued_certificate, target):
    client.force_login(officer)

    response = client.post(
        reverse("certificates:revoke", args=[issued_certificate.pk]),
        {"reason": "Cấp nhầm người", "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:manage")


def test_revoke_returns_to_the_page_it_came_from(client, officer, issued_certificate):
    client.force_login(officer)
    back = reverse("certificates:manage") + "?status=valid&page=2"

    response = client.post(
        reverse("certificates:revoke", args=[issued_certificate.pk]),
        {"reason": "Cấp nhầm người", "next": back},
    )

    assert response["Location"] == back
