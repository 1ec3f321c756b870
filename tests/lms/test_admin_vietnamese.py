"""The Wagtail admin a DOST officer and an editor use is Vietnamese, screen by screen.

Wagtail's own Vietnamese catalogue is incomplete upstream; lms/locale/wagtail completes it for
the screens staff use. This test signs in as each role, follows every item of the admin menu
and a few screens behind it, and looks for English left in the text a person reads.
"""

import ast
import json
import re
from html.parser import HTMLParser

import pytest

from django.core.files.base import ContentFile
from django.test import RequestFactory

from wagtail.admin.menu import admin_menu
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.fixtures.certificates import background_png

pytestmark = pytest.mark.django_db

# Words that only English has; a text with one of them was not translated.
_ENGLISH = """
    the and of your you this that with for are has have been was were will would page pages
    edit add delete search settings users user images image documents document reports
    report view new more all filter filters sort select choose upload save publish published
    unpublished live draft status title created updated owner action actions help dashboard
    explorer collection collections snippets snippet site sites account profile password log
    logout sign name email date type size file files previous next first last showing
    results items item no yes back cancel close menu recent recently changes history
    workflow workflows tasks moderation locked privacy public private preview copy move
    revisions revision children child unlock lock there these those here what which when
    where who any nothing edited editing added adding deleted uploaded by from into about
    show hide
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())
# Names and abbreviations a Vietnamese screen keeps as they are.
ALLOWED = re.compile(
    r"\b(Wagtail|ISO|PDF|CSV|XLSX|XLS|DOCX|GIFT|Aiken|Excel|Word|URL|ID|TCVN|DOST|"
    r"SVG|PNG|JPEG|JPG|GIF|WEBP|AVIF|HEIC|API|HTML|QR|OK|Email|e-mail|email)\b"
)


class VisibleText(HTMLParser):
    """Text nodes a reader sees, plus the titles/placeholders/labels they hover or hear."""

    SKIP = {"script", "style", "template", "noscript", "svg", "code", "pre", "textarea"}
    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0
        self._sidebar: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        if dict(attrs).get("id") == "wagtail-sidebar-props":
            self._sidebar = []
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        if tag == "script" and self._sidebar is not None:
            # The menu is drawn by script from these props; its labels are what staff read.
            self.texts.extend(_labels(json.loads("".join(self._sidebar))))
            self._sidebar = None

    def handle_data(self, data):
        if self._sidebar is not None:
            self._sidebar.append(data)
        elif not self._skipping and data.strip():
            self.texts.append(data)


def _labels(value) -> list[str]:
    if isinstance(value, dict):
        found = [value["label"]] if isinstance(value.get("label"), str) else []
        return found + [label for item in value.values() for label in _labels(item)]
    if isinstance(value, list):
        return [label for item in value for label in _labels(item)]
    return []


# Time zone names in the account form's list (America/New_York) are names, not sentences.
TIME_ZONE_NAME = re.compile(r"^[A-Z][A-Za-z_-]+(/[A-Za-z_+-]+)+$")


def english_left(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        text = " ".join(text.split())
        if TIME_ZONE_NAME.match(text):
            continue
        words = re.findall(r"[A-Za-z]+", ALLOWED.sub(" ", text))
        if any(word.lower() in ENGLISH_WORDS for word in words):
            found.append(text)
    return list(dict.fromkeys(found))


def menu_urls(request) -> list[str]:
    urls = []

    def walk(items):
        for item in items:
            if getattr(item, "menu_items", None) is not None or hasattr(item, "menu"):
                walk(item.menu.menu_items_for_request(request))
            elif item.url.startswith("/admin"):
                urls.append(item.url)

    walk(admin_menu.menu_items_for_request(request))
    return urls


def _screens(user, course) -> list[str]:
    """Every screen of the admin menu for `user`, and the screens behind the listings."""
    request = RequestFactory().get("/admin/")
    request.user = user
    image = get_image_model().objects.create(
        title="Sơ đồ quy trình", file=ContentFile(background_png(), name="so-do.png")
    )
    document = get_document_model().objects.create(
        title="Mẫu quy trình", file=ContentFile(b"%PDF-1.4", name="mau-quy-trinh.pdf")
    )
    lesson = course.get_children().first()
    behind = [
        f"/admin/pages/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{course.pk}/add_subpage/",
        f"/admin/pages/add/courses/lessonpage/{course.pk}/",
        f"/admin/pages/{course.pk}/history/",
        f"/admin/pages/{course.pk}/unpublish/",
        f"/admin/pages/{course.pk}/move/",
        "/admin/pages/search/?q=ISO",
        "/admin/images/multiple/add/",
        f"/admin/images/{image.pk}/",
        "/admin/images/?q=khong-co",
        "/admin/documents/multiple/add/",
        f"/admin/documents/edit/{document.pk}/",
        "/admin/documents/?q=khong-co",
        "/admin/snippets/quizzes/questionbank/add/",
        "/admin/snippets/courses/certificatetemplate/add/",
        "/admin/snippets/accounts/agency/add/",
        "/admin/account/",
    ]
    return ["/admin/", *menu_urls(request), *behind]


@pytest.mark.parametrize("role", ["officer", "editor"])
def test_admin_screens_a_role_uses_show_no_english(role, request, client, course):
    user = request.getfixturevalue(role)
    client.force_login(user)
    screens = _screens(user, course)
    assert len(screens) > 20
    left, opened = {}, 0
    for url in screens:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), url
        if response.status_code == 200 and response.redirect_chain == []:
            opened += 1
            found = english_left(response.content.decode())
            if found:
                left[url] = found
    assert opened > 12
    assert left == {}


def test_menu_lists_the_screens_each_role_uses(officer, editor, course):
    request = RequestFactory().get("/admin/")
    request.user = officer
    officer_urls = menu_urls(request)
    request.user = editor
    editor_urls = menu_urls(request)
    assert {"/admin/reports/coverage/", "/admin/images/"} <= set(officer_urls)
    assert {"/admin/pages/", "/admin/images/", "/admin/documents/"} <= set(editor_urls)


def test_the_detector_finds_english_and_keeps_names():
    html = (
        '<p>Trang tổng quan</p><button title="Close dialog">×</button>'
        "<p>Tải mẫu PDF, ISO 9001</p><option>America/New_York</option>"
        '<script id="wagtail-sidebar-props" type="application/json">'
        '{"items": [{"label": "Reports"}, {"label": "Báo cáo"}]}</script>'
    )
    assert english_left(html) == ["Close dialog", "Reports"]


def test_every_entry_of_the_wagtail_catalogue_is_a_current_wagtail_string():
    """After a Wagtail upgrade, an entry whose source string changed would silently stop
    applying; this lists such entries so they are translated again."""
    import glob
    from pathlib import Path

    from django.conf import settings

    import wagtail

    ours = Path(settings.BASE_DIR) / "lms/locale/wagtail/vi/LC_MESSAGES"
    wagtail_dir = Path(wagtail.__file__).parent
    sources = "\n".join(
        Path(path).read_text(encoding="utf-8")
        for path in glob.glob(str(wagtail_dir / "**/locale/en/LC_MESSAGES/*.po"), recursive=True)
    )
    msgids = set().union(*(_msgids(p.read_text(encoding="utf-8")) for p in ours.glob("*.po")))
    stale = sorted(msgids - _msgids(sources))
    assert len(msgids) > 300
    assert stale == []


def test_gravatar_is_off_so_no_avatar_comes_from_the_internet(client, editor, settings):
    from wagtail.users.utils import get_gravatar_url

    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert get_gravatar_url(editor.email) is None
    client.force_login(editor)
    html = client.get("/admin/account/").content.decode().lower()
    assert "gravatar" not in html and "https://www.gravatar" not in html


def _msgids(po_text: str) -> set[str]:
    """The msgids of a .po file, continuation lines joined."""
    found = set()
    for match in re.finditer(r'^msgid ((?:".*"\n)+)', po_text, re.MULTILINE):
        found.add("".join(ast.literal_eval(line) for line in match.group(1).splitlines()))
    return found - {""}


def test_page_editor_scripts_get_vietnamese_for_every_wagtail_script_string(client, editor):
    """The StreamField menu, comments and sidebar are drawn by script from this catalogue."""
    from pathlib import Path

    import wagtail

    source = Path(wagtail.__file__).parent / "admin/locale/en/LC_MESSAGES/djangojs.po"
    msgids = _msgids(source.read_text(encoding="utf-8"))
    client.force_login(editor)
    script = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    assert catalog["Insert a block"] == "Chèn khối nội dung"
    assert sorted(m for m in msgids if m not in catalog) == []
