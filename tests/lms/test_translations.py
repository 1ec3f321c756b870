"""The English catalogue: complete, faithful to its placeholders, and used by the pages.

Vietnamese is the source language (msgids are Vietnamese), so an entry left untranslated
would show Vietnamese to an English reader; the catalogue is checked entry by entry.
"""

import ast
import re
from collections import Counter
from gettext import GNUTranslations
from pathlib import Path

import pytest

from django.conf import settings

from lms.accounts import roles

CATALOGUE_DIR = Path(settings.BASE_DIR) / "lms" / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0-9.]*[sdifr]"  # %(name)s
    r"|%[-+ #0-9.]*[sdifr]"  # %s, %d
    r"|%%"
    r"|\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}"  # {name}
    r"|</?[A-Za-z][^<>]*>"  # HTML tags
)


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (list), flags."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and entry["msgid"] is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            entry[field] = _unquote(line[len(field) :])
        elif line.startswith("msgid "):
            field = "msgid"
            entry[field] = _unquote(line[len(field) :])
        elif line.startswith("msgctxt "):
            field = "msgctxt"
            entry[field] = _unquote(line[len(field) :])
        elif line.startswith("msgstr"):
            match = re.match(r"msgstr(?:\[(\d+)\])? (.*)", line)
            field = int(match.group(1) or 0)
            entry["msgstr"][field] = _unquote(match.group(2))
        elif line.startswith('"'):
            if isinstance(field, int):
                entry["msgstr"][field] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return entries


@pytest.fixture(scope="module")
def english_entries():
    entries = parse_po(CATALOGUE_DIR / "django.po")
    header = entries[0]
    assert header["msgid"] == ""
    return entries[1:]


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries(english_entries):
    assert len(english_entries) > 500
    fuzzy = [e["msgid"] for e in english_entries if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"]
        for e in english_entries
        if not all(e["msgstr"].get(n) for n in (range(2) if e["msgid_plural"] else range(1)))
    ]
    assert fuzzy == []
    assert untranslated == []


def test_english_catalogue_is_english(english_entries):
    """A msgstr still holding Vietnamese letters was copied, not translated.

    Vietnamese proper names and the quoted Vietnamese column heading are the exceptions.
    """
    vietnamese = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]")
    allowed = re.compile(r"“Thư điện tử”")
    leftovers = [
        e["msgid"]
        for e in english_entries
        for text in e["msgstr"].values()
        if vietnamese.search(allowed.sub("", text))
    ]
    assert leftovers == []


def test_every_translation_keeps_the_placeholders_of_its_source(english_entries):
    broken = []
    for entry in english_entries:
        for n, text in entry["msgstr"].items():
            source = entry["msgid_plural"] if n and entry["msgid_plural"] else entry["msgid"]
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(text)):
                broken.append((entry["msgid"], text))
    assert broken == []


def test_compiled_english_catalogue_matches_the_po_file(english_entries):
    with (CATALOGUE_DIR / "django.mo").open("rb") as handle:
        compiled = GNUTranslations(handle)
    stale = []
    for entry in english_entries:
        context = entry.get("msgctxt")
        if entry["msgid_plural"]:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr"][0], entry["msgstr"][1]]
        elif context is not None:
            got, want = compiled.pgettext(context, entry["msgid"]), entry["msgstr"][0]
        else:
            got, want = compiled.gettext(entry["msgid"]), entry["msgstr"][0]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == [], "run msgfmt again: the .mo file is older than the .po file"


def _english(client, user=None):
    if user is not None:
        client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_navigation_and_home_page_in_english(client, site_tree, trainee):
    content = _get(_english(client, trainee), "/")
    assert '<html lang="en">' in content
    for label in ("Courses", "My learning", "Certificates", "Sign out", "Browse courses"):
        assert label in content
    for source in (">Khóa học<", "Học tập của tôi", "Đăng xuất", "Xem các khóa học"):
        assert source not in content


@pytest.mark.django_db
def test_course_and_lesson_pages_in_english(client, course, trainee):
    _english(client, trainee)
    content = _get(client, course.url)
    assert "Enrol in this course" in content
    assert "Ghi danh khóa học" not in content
    assert "Duration:" in content and "Thời lượng" not in content

    client.post(f"/courses/{course.pk}/enrol/")
    content = _get(client, course.get_children().first().url)
    assert "Mark as done" in content
    assert "Đánh dấu đã học xong" not in content
    content = _get(client, "/courses/my-learning/")
    assert "My learning" in content
    assert "Học tập của tôi" not in content


@pytest.mark.django_db
def test_certificate_status_labels_follow_the_request_language(client, course, trainee):
    """Status labels are built at import time; they must still be translated per request."""
    from courses.certificates.services import certificate_issue

    certificate_issue(user=trainee, course=course)
    content = _get(_english(client, trainee), "/certificates/")
    assert "My certificates" in content
    assert "Valid" in content and "Còn hiệu lực" not in content

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Còn hiệu lực" in _get(client, "/certificates/")


@pytest.mark.django_db
def test_officer_pages_in_english(client, officer, site_tree, agency_tree):
    _english(client, officer)
    content = _get(client, "/coverage/")
    assert "ISO 9001 training coverage" in content
    assert "Coverage by agency" in content
    assert "Độ bao phủ theo đơn vị" not in content
    assert "Chưa tham gia" not in content

    content = _get(client, "/certificates/manage/")
    assert "Manage certificates" in content
    for status in ("Valid", "Expired", "Revoked"):
        assert status in content
    for source in ("Còn hiệu lực", "Đã hết hạn", "Đã bị thu hồi", "Quản lý chứng nhận"):
        assert source not in content


@pytest.mark.django_db
def test_quiz_results_page_in_english(client, make_user, agency_tree, site_tree):
    trainer = make_user(roles.TRAINER, agency=agency_tree["province"], is_staff=True)
    content = _get(_english(client, trainer), "/quizzes/results/")
    assert "Quiz results" in content
    assert "Kết quả kiểm tra" not in content


@pytest.mark.django_db
def test_sign_in_page_stays_vietnamese_by_default(client, site_tree):
    content = _get(client, "/accounts/login/")
    assert "Đăng nhập" in content
    assert "Quên mật khẩu?" in content
    assert "Forgot your password?" not in content
