from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lms.accounts import roles
from lms.core import pagecache

# (url name, label, roles that see it; None = every signed-in user)
NAVIGATION = [
    ("courses:catalogue", _("Khóa học"), None),
    ("courses:my_learning", _("Học tập của tôi"), None),
    ("certificates:mine", _("Chứng nhận"), None),
    # Officers and editors open classes from this page ("Lớp mới"), so they see it too.
    ("classes:list", _("Lớp học"), {roles.TRAINER, roles.DOST_OFFICER, roles.EDITOR}),
    (
        "quizzes:results_index",
        _("Kết quả kiểm tra"),
        {roles.TRAINER, roles.DOST_OFFICER, roles.EDITOR},
    ),
    ("coverage:dashboard", _("Độ bao phủ"), {roles.DOST_OFFICER, roles.SECRETARY}),
]


def _reverse_or_none(name):
    if name == "courses:catalogue":
        # The catalogue is a Wagtail page; link to it directly rather than via the redirect.
        from courses.learning.selectors import catalogue_url

        live_url = catalogue_url()
        if live_url:
            return live_url
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request):
    """Menu entries for the signed-in user's roles; entries whose app is absent are skipped."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = [("courses:catalogue", _("Khóa học"), None)]
        user_role_names = frozenset()
    else:
        items = NAVIGATION
        user_role_names = roles.user_roles(user)
    menu = []
    for name, label, allowed in items:
        if allowed and not (user.is_superuser or allowed & user_role_names):
            continue
        url = _reverse_or_none(name)
        if url:
            menu.append({"url": url, "label": label, "active": False, "staff": bool(allowed)})
    # Only people who can open the Wagtail admin see its link (a trainer does not).
    admin = bool(
        user
        and user.is_authenticated
        and (user.is_superuser or (user.is_staff and user.has_perm("wagtailadmin.access_admin")))
    )
    if admin:
        menu.append({"url": "/admin/", "label": _("Quản trị"), "active": False, "staff": True})
    # Only the longest matching entry is current: /courses/my-learning/ is not the catalogue.
    matches = [item for item in menu if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    staff = [item for item in menu if item["staff"]]
    if len(staff) < 2:
        # One work link sits beside the others; two or more share one "Quản lý" entry so the
        # header stays on one line at 1 280 px.
        staff = []
    return {
        "nav_items": [item for item in menu if item not in staff],
        "nav_staff_items": staff,
        "nav_staff_active": any(item["active"] for item in staff),
        "nav_show_admin": admin,
    }


def organisation(request):
    """The issuing body's name for every page's footer, kept per host and page-tree version.

    Saving a site or the organisation settings starts a new version, so the name is keyed by
    the host the site is found from: a page served from the cache looks no site up.
    """
    from wagtail.models import Site

    from lms.core.models import OrganisationSettings

    key = pagecache.versioned_key("organisation-name", request._get_raw_host(), request.get_port())
    name = pagecache.get_immutable(key)
    if name is None:
        site = Site.find_for_request(request)
        name = OrganisationSettings.for_site(site).organisation_name if site else ""
        pagecache.set_immutable(key, name)
    return {"organisation_name": name}
