from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.accounts import views as account_views
from lms.api import views as api_views
from lms.api.api import api
from lms.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Both admin logins go through allauth's (MFA, rate limits, lockout, verified e-mail);
    # these must come before the admin includes.
    path("django-admin/login/", account_views.django_admin_login),
    path("admin/login/", account_views.wagtail_admin_login),
    # admin.site is lms.core.admin_site.SystemAdminSite: system administrators only.
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/api-tokens/", api_views.api_tokens, name="api_tokens"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("lms.accounts.urls")),
    # Learning actions live beside the catalogue; unmatched /courses/<slug>/ paths fall
    # through to the Wagtail page tree below.
    path("courses/", include(("courses.learning.urls", "courses"))),
    path("quizzes/", include(("quizzes.urls", "quizzes"))),
    path("scorm/", include(("courses.scorm.urls", "scorm"))),
    path("classes/", include(("courses.classes.urls", "classes"))),
    path("checkin/", include(("courses.classes.checkin_urls", "checkin"))),
    path("certificates/", include(("courses.certificates.urls", "certificates"))),
    path("verify/", include(("courses.certificates.verify_urls", "verify"))),
    path("coverage/", include(("lms.coverage.urls", "coverage"))),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves "/" and the course pages; it must come last.
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "lms.core.errors.page_not_found"
handler500 = "lms.core.errors.server_error"
