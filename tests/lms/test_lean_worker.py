"""A web worker that serves pages and never imports or exports stays small.

pandas (roster files), reportlab and segno (PDFs, QR codes), openpyxl, pyhanko
and python-docx cost a worker 10-60 MiB each: they load on first use (lms/core/lazy.py), not
when the WSGI application starts, resolves its URLs or renders the lesson and quiz templates.
A fresh interpreter is needed: in the test process other tests have imported them already.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "reportlab", "segno", "openpyxl", "pyhanko", "docx")

PROBE = """
import json, sys
import lms.wsgi
from django.template.loader import get_template
from django.urls import get_resolver

def walk(resolver):
    for pattern in resolver.url_patterns:  # imports every view module the URLs name
        if hasattr(pattern, "url_patterns"):
            walk(pattern)

walk(get_resolver())
for name in ("courses/lesson_page.html", "courses/course_page.html", "base.html"):
    get_template(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)))
"""


def test_wsgi_app_and_lesson_templates_import_no_heavy_library():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lms.settings.test", PYTHONPATH=str(ROOT))
    probe = f"HEAVY = {HEAVY!r}\n{PROBE}"
    run = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_lazy_module_imports_on_first_attribute():
    probe = (
        "import sys\n"
        "from lms.core.lazy import lazy_module\n"
        "pd = lazy_module('pandas')\n"
        "assert 'pandas' not in sys.modules\n"
        "assert pd.DataFrame({'a': [1]}).shape == (1, 1)\n"
        "assert 'pandas' in sys.modules\n"
    )
    subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
        timeout=120,
    )


# A fresh in-memory database with tables made from the models (no migrations: seconds, not a
# minute), a province with a district and a merged commune, and a DOST officer and a
# secretary. The shared-cache path is switched on, so the first GET builds the report and the
# second reads it back.
COVERAGE_PROBE = """
import json, sys
from django.conf import settings
class NoMigrations(dict):
    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None

settings.MIGRATION_MODULES = NoMigrations()
import django
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
from django.contrib.auth.models import Group
from django.test import Client
from lms.accounts import roles
from lms.accounts.models import Agency, User
from lms.coverage import cache as coverage_cache

province = Agency.objects.create(code="P", name="Tỉnh Thử", kind="province")
district = Agency.objects.create(
    code="P-TD", name="Huyện Tam Đảo", kind="district", parent=province, target_headcount=20
)
commune = Agency.objects.create(
    code="P-TD-DT", name="Xã Đại Đình", kind="commune", parent=district, target_headcount=5
)
Agency.objects.create(
    code="P-TD-MQ", name="Xã Minh Quang", kind="commune", parent=district,
    merged_into=commune, is_active=False,
)
coverage_cache.ENABLED = True
statuses = []
for role, agency in ((roles.DOST_OFFICER, province), (roles.SECRETARY, district)):
    user = User.objects.create_user(
        email=f"{role}@example.vn", password="secret-pass-123", full_name="Nguyễn Văn Thử",
        agency=agency,
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    for query in ({}, {}, {"track": "awareness", "all": "1"}):
        statuses.append(client.get("/coverage/", query).status_code)
    statuses.append(client.post("/coverage/export/", {"format": "csv"}).status_code)
print(json.dumps([statuses, sorted(m for m in ("pandas", "numpy") if m in sys.modules)]))
"""


def test_coverage_dashboard_and_its_cache_miss_import_no_pandas():
    """The dashboard, building its report (a cache miss) and a small export run in the web
    worker: pandas and numpy there would stay in its memory for good (+110-150 MiB)."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL="sqlite://:memory:",
        PYTHONPATH=str(ROOT),
    )
    run = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", COVERAGE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    statuses, heavy = json.loads(run.stdout.strip().splitlines()[-1])
    assert statuses == [200] * 8
    assert heavy == []
