"""Roster import service and `import_roster` command on real files."""

import unicodedata
from io import StringIO
from pathlib import Path

import pytest

from django.core.management import CommandError, call_command

from courses.classes.roster import roster_import
from courses.models import ClassMember, Enrolment
from lms.accounts.models import User

FILES = Path(__file__).parent / "files"


def _import(session, name, **options):
    return roster_import(
        session=session,
        data=(FILES / name).read_bytes(),
        filename=name,
        actor=session.training_class.trainers.first(),
        **options,
    )


@pytest.mark.parametrize("name", ["import_bom.csv", "import_nobom.csv", "import_title_rows.xlsx"])
def test_roster_import_creates_users_enrols_and_adds_members(class_session, agency_tree, name):
    result = _import(class_session, name)

    assert result.errors == []
    assert result.written
    assert (result.created, result.enrolled, result.added) == (3, 3, 3)
    user = User.objects.get(email="hung.tran@vinhphuc.gov.vn")  # e-mail lower-cased
    assert user.full_name == "Trần Văn Hùng"
    assert user.agency == agency_tree["department"]  # "sở tư pháp" matched case-insensitively
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    assert User.objects.get(email="ha.nguyen@vinhphuc.gov.vn").phone == "0912345678"
    enrolment = Enrolment.objects.get(user=user, course=class_session.training_class.course)
    assert enrolment.source == "roster"
    assert ClassMember.objects.filter(training_class=class_session.training_class).count() == 3


def test_roster_import_twice_links_instead_of_duplicating(class_session, agency_tree):
    _import(class_session, "import_bom.csv")
    again = _import(class_session, "import_bom.csv")

    assert (again.created, again.linked, again.enrolled, again.added) == (0, 3, 0, 0)
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 3


def test_roster_import_links_existing_user_by_email(class_session, agency_tree, make_user):
    existing = make_user(email="ha.nguyen@vinhphuc.gov.vn", full_name="Nguyễn Thị Thu Hà")

    result = _import(class_session, "import_nobom.csv")

    assert (result.created, result.linked) == (2, 1)
    assert existing.class_memberships.filter(training_class=class_session.training_class).exists()
    assert existing.has_usable_password()  # the person's own password is left alone


def test_roster_import_nfd_names_are_stored_nfc(class_session, agency_tree):
    result = _import(class_session, "import_nfd.csv")

    assert result.errors == []
    names = set(
        User.objects.filter(email__endswith="@vinhphuc.gov.vn").values_list("full_name", flat=True)
    )
    assert "Lê Thị Minh Nguyệt" in names  # literal in this file is NFC


def test_roster_import_wrong_encoding_is_a_clear_error(class_session, agency_tree):
    result = _import(class_session, "import_cp1258.csv")

    assert not result.written
    assert len(result.errors) == 1
    assert "UTF-8" in result.errors[0].message
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0


def test_roster_import_duplicates_fail_whole_file(class_session, agency_tree):
    result = _import(class_session, "import_duplicates.csv")

    assert [error.row for error in result.errors] == [5]
    assert "ha.nguyen@vinhphuc.gov.vn" in result.errors[0].message
    assert "2" in result.errors[0].message  # first seen on row 2
    assert not result.written
    assert ClassMember.objects.count() == 0
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0


def test_roster_import_blank_rows_are_skipped(class_session, agency_tree):
    result = _import(class_session, "import_blanks.csv")

    assert result.errors == []
    assert result.created == 2


def test_roster_import_unknown_agency_reported_and_nothing_written(class_session, agency_tree):
    result = _import(class_session, "import_unknown_agency.csv")

    assert [str(error) for error in result.errors] == [
        "row 5: không tìm thấy cơ quan, đơn vị “Sở Không Tồn Tại”"
    ]
    assert not result.written
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0


def test_roster_import_skip_invalid_writes_valid_rows(class_session, agency_tree):
    result = _import(class_session, "import_unknown_agency.csv", skip_invalid=True)

    assert result.written
    assert result.created == 3
    assert not User.objects.filter(email="duc.pham@vinhphuc.gov.vn").exists()


def test_roster_import_dry_run_writes_nothing(class_session, agency_tree):
    result = _import(class_session, "import_bom.csv", dry_run=True)

    assert result.created == 3
    assert not result.written
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0
    assert Enrolment.objects.count() == 0


def test_roster_import_is_atomic_when_a_late_row_fails(class_session, agency_tree, monkeypatch):
    from courses.learning import enrolment

    real = enrolment.enrolments_bulk_ensure

    def fail_after_writing(**kwargs):
        # Users and enrolments are written by now; the failure must roll them back too.
        real(**kwargs)
        raise RuntimeError("database went away")

    monkeypatch.setattr(enrolment, "enrolments_bulk_ensure", fail_after_writing)
    with pytest.raises(RuntimeError):
        _import(class_session, "import_bom.csv")

    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0
    assert Enrolment.objects.count() == 0


def test_import_roster_command_prints_counts(class_session, agency_tree):
    out = StringIO()
    call_command(
        "import_roster", str(FILES / "import_title_rows.xlsx"), session=class_session.pk, stdout=out
    )

    assert "users created: 3, linked: 0; enrolled: 3" in out.getvalue()
    assert ClassMember.objects.count() == 3


def test_import_roster_command_errors_exit_nonzero_and_write_nothing(class_session, agency_tree):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_roster",
            str(FILES / "import_unknown_agency.csv"),
            session=class_session.pk,
            stderr=err,
        )

    assert "row 5: không tìm thấy cơ quan, đơn vị “Sở Không Tồn Tại”" in err.getvalue()
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0


def test_import_roster_command_dry_run_writes_nothing(class_session, agency_tree):
    out = StringIO()
    call_command(
        "import_roster",
        str(FILES / "import_bom.csv"),
        session=class_session.pk,
        dry_run=True,
        stdout=out,
    )

    assert "Dry run" in out.getvalue()
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0


def test_import_roster_command_unknown_session(db):
    with pytest.raises(CommandError, match="no class session with this id"):
        call_command("import_roster", str(FILES / "import_bom.csv"), session=999999)


def test_roster_upload_preview_then_confirm(client, trainer, class_session, agency_tree):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/roster/"
    with open(FILES / "import_title_rows.xlsx", "rb") as upload:
        preview = client.post(url, {"file": upload})

    assert preview.status_code == 200
    assert "Lê Thị Minh Nguyệt" in preview.content.decode()
    assert User.objects.filter(email__endswith="@vinhphuc.gov.vn").count() == 0

    confirmed = client.post(url, {"token": preview.context["token"]})

    assert confirmed.status_code == 302
    assert ClassMember.objects.filter(training_class=class_session.training_class).count() == 3


def test_roster_upload_bad_file_shows_message(client, trainer, class_session, agency_tree):
    client.force_login(trainer)
    with open(FILES / "import_cp1258.csv", "rb") as upload:
        response = client.post(f"/classes/sessions/{class_session.pk}/roster/", {"file": upload})

    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()


def _roster(session, text: str):
    return roster_import(
        session=session,
        data=text.encode("utf-8"),
        filename="ds.csv",
        actor=session.training_class.trainers.first(),
    )


def test_roster_matches_agencies_by_alias_in_any_spelling(class_session, agency_tree):
    district = agency_tree["district"]  # Huyện Tam Đảo
    district.aliases = ["UBND huyện Tam Đảo"]
    district.save()
    nfd = unicodedata.normalize("NFD", "ubnd  HUYỆN tam đảo ")
    result = _roster(
        class_session,
        "Họ và tên,Email,Đơn vị\n"
        f"Lê Thị Hoa,hoa@vp.gov.vn,{nfd}\n"
        "Phạm Văn Nam,nam@vp.gov.vn,UBND huyện Tam Đảo\n",
    )
    assert result.errors == []
    assert set(
        User.objects.filter(email__endswith="@vp.gov.vn").values_list("agency", flat=True)
    ) == {district.pk}


def test_roster_agency_code_column_wins_over_the_name(class_session, agency_tree):
    result = _roster(
        class_session,
        "Họ và tên,Email,Đơn vị,Mã đơn vị\nLê Thị Hoa,hoa@vp.gov.vn,Sở Tư pháp,p-td-hs\n",
    )
    assert result.errors == []
    assert User.objects.get(email="hoa@vp.gov.vn").agency == agency_tree["commune_a"]


def test_unknown_agency_is_reported_with_the_closest_names(class_session, agency_tree):
    result = _roster(class_session, "Họ và tên,Email,Đơn vị\nLê Thị Hoa,hoa@vp.gov.vn,Sở Tư Phap\n")
    assert [error.row for error in result.errors] == [2]
    assert "Sở Tư Phap" in result.errors[0].message
    assert "Sở Tư pháp" in result.errors[0].message  # the suggestion
    assert not User.objects.filter(email="hoa@vp.gov.vn").exists()


def test_a_name_two_agencies_share_is_reported_with_their_codes(class_session, agency_tree):
    from lms.accounts.models import Agency

    other = Agency.objects.create(
        code="P-BX", name="Huyện Bình Xuyên", kind="district", parent=agency_tree["province"]
    )
    Agency.objects.create(code="P-BX-HS", name="Xã Hồ Sơn", kind="commune", parent=other)
    result = _roster(class_session, "Họ và tên,Email,Đơn vị\nLê Thị Hoa,hoa@vp.gov.vn,Xã Hồ Sơn\n")
    assert [error.row for error in result.errors] == [2]
    assert "(P-TD-HS)" in result.errors[0].message and "(P-BX-HS)" in result.errors[0].message
    assert not User.objects.filter(email="hoa@vp.gov.vn").exists()
