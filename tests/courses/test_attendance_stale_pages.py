"""A save changes only what the person changed on that page: unchanged pages, pages loaded
before a QR check-in or another device's save, and double clicks keep every newer mark."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from courses.classes.attendance import attendance_check_in, attendance_mark, session_roster
from courses.models import Attendance
from lms.core.models import AuditEvent


class _FormReader(HTMLParser):
    """The fields a browser would send for each POST form of a page, as it was loaded."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._current = {}
            self.forms.append(self._current)
        if self._current is None or tag != "input" or not attrs.get("name"):
            return
        kind = attrs.get("type", "text")
        if kind in ("radio", "checkbox"):
            if "checked" in attrs:
                self._current[attrs["name"]] = attrs.get("value") or "on"
        elif kind != "submit":
            self._current[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def loaded_form(client, url) -> dict:
    """The attendance form of the page (the one carrying the rows as loaded)."""
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.content.decode())
    (form,) = [form for form in reader.forms if "loaded" in form]
    return form


def statuses() -> dict[int, str]:
    return dict(Attendance.objects.values_list("user_id", "status"))


def page_messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def kept_message(response) -> str:
    return " ".join(
        str(message) for message in response.context["messages"] if message.level_tag == "warning"
    )


@pytest.fixture
def people(class_session, make_user, agency_tree, add_member):
    names = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn Đức", "Phạm Thị Hoa"]
    users = [make_user(full_name=name, agency=agency_tree["department"]) for name in names]
    add_member(class_session.training_class, *users)
    return dict(zip(["binh", "anh", "duc", "hoa"], users, strict=True))


@pytest.fixture
def marked(class_session, people, trainer):
    """Bình checked in late by QR, Ánh excused, Đức present; Hoa not marked yet."""
    late = class_session.starts_at + timedelta(minutes=class_session.late_after_minutes + 5)
    attendance_check_in(session=class_session, user=people["binh"], now=late)
    attendance_mark(
        session=class_session,
        marks={people["anh"].pk: ("excused", "Ốm"), people["duc"].pk: ("present", "")},
        actor=trainer,
    )
    return statuses()


def test_saving_an_unchanged_paper_page_keeps_late_excused_and_qr_marks(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/paper/"
    events = AuditEvent.objects.count()

    response = client.post(url, loaded_form(client, url), follow=True)

    assert "0 thay đổi" in page_messages(response)
    assert statuses() == marked
    assert Attendance.objects.get(user=people["binh"]).method == "qr"
    assert AuditEvent.objects.count() == events


def test_paper_tick_adds_presence_and_untick_records_absence(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/paper/"
    form = loaded_form(client, url)
    form[f"signed_{people['anh'].pk}"] = "on"  # excused, but signed the sheet after all
    del form[f"signed_{people['duc'].pk}"]  # shown as present, the trainer unticks

    response = client.post(url, form, follow=True)

    assert "2 thay đổi" in page_messages(response)
    assert statuses() == {**marked, people["anh"].pk: "present", people["duc"].pk: "absent"}
    assert Attendance.objects.get(user=people["binh"]).status == "late"


def test_paper_records_unmarked_people_absent_only_when_asked(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/paper/"

    client.post(url, loaded_form(client, url))
    assert people["hoa"].pk not in statuses()

    client.post(url, {**loaded_form(client, url), "absent_unmarked": "on"})
    assert statuses() == {**marked, people["hoa"].pk: "absent"}


def test_saving_an_unchanged_marking_page_reports_no_change(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/attendance/"
    events = AuditEvent.objects.count()

    response = client.post(url, loaded_form(client, url), follow=True)

    assert "0 thay đổi" in page_messages(response)
    assert statuses() == marked
    assert AuditEvent.objects.count() == events


def test_marking_page_loaded_before_a_qr_check_in_keeps_the_check_in(
    client, trainer, class_session, people
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/attendance/"
    form = loaded_form(client, url)  # nobody marked yet
    late = class_session.starts_at + timedelta(minutes=class_session.late_after_minutes + 5)
    attendance_check_in(session=class_session, user=people["hoa"], now=late)
    form.update({f"status_{user.pk}": "absent" for user in people.values()})

    response = client.post(url, form, follow=True)

    assert "3 thay đổi" in page_messages(response)
    kept = kept_message(response)
    assert "Phạm Thị Hoa" in kept and "Trần Văn Bình" not in kept
    hoa = Attendance.objects.get(user=people["hoa"])
    assert (hoa.status, hoa.method) == ("late", "qr")
    assert statuses()[people["binh"].pk] == "absent"


def test_a_second_device_save_is_not_overwritten_by_an_older_page(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/attendance/"
    first, second = loaded_form(client, url), loaded_form(client, url)
    second[f"status_{people['duc'].pk}"] = "excused"
    second[f"note_{people['duc'].pk}"] = "Về sớm có phép"
    client.post(url, second)
    first[f"status_{people['duc'].pk}"] = "late"
    first[f"status_{people['hoa'].pk}"] = "present"

    response = client.post(url, first, follow=True)

    assert "1 thay đổi" in page_messages(response)
    assert "Lê Văn Đức" in kept_message(response)
    duc = Attendance.objects.get(user=people["duc"])
    assert (duc.status, duc.note) == ("excused", "Về sớm có phép")
    assert statuses()[people["hoa"].pk] == "present"


def test_the_same_post_twice_changes_nothing_the_second_time(
    client, trainer, class_session, people, marked
):
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/attendance/"
    form = loaded_form(client, url)
    form[f"status_{people['hoa'].pk}"] = "present"
    form[f"status_{people['binh'].pk}"] = "present"
    client.post(url, form)
    events = AuditEvent.objects.count()

    response = client.post(url, form, follow=True)

    assert "0 thay đổi" in page_messages(response)
    assert kept_message(response) == ""
    assert AuditEvent.objects.count() == events
    assert statuses() == {**marked, people["hoa"].pk: "present", people["binh"].pk: "present"}


def test_a_mark_made_between_reading_and_writing_is_kept(class_session, people, trainer):
    """The write is a compare-and-set on the row as read, not only on the page's hidden fields."""
    roster = session_roster(session=class_session)  # read: nobody marked
    attendance_mark(session=class_session, marks={people["anh"].pk: ("late", "")}, actor=trainer)

    result = attendance_mark(
        session=class_session,
        marks={people["anh"].pk: ("absent", ""), people["duc"].pk: ("present", "")},
        actor=trainer,
        roster=roster,
    )

    assert result.changed == 1
    assert [entry.user_id for entry in result.kept] == [people["anh"].pk]
    assert statuses() == {people["anh"].pk: "late", people["duc"].pk: "present"}
