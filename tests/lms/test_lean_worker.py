"""A web worker that serves pages and never imports or exports stays small.

pandas (coverage tables, roster files), reportlab and segno (PDFs, QR codes), openpyxl, pyhanko
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
