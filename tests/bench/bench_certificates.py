"""Certificates per second on one core: our renderer vs a bare reportlab canvas, same text.

Run: .venv/bin/python tests/bench/bench_certificates.py [N]   (not part of the test suite)
"""

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
django.setup()

from courses.certificates.pdf import CertificateLayout, render_certificate  # noqa: E402
from tests.bench.pdf_floor import bare_page  # noqa: E402

LAYOUT = CertificateLayout(
    title_vi="GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC",
    title_en="CERTIFICATE OF COMPLETION",
    issuer_name="Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc",
    signatory_name="Nguyễn Văn Bình",
    signatory_title="Giám đốc",
)
NAMES = ["Nguyễn Thị Hồng Nhung", "Trần Quang Huy", "Lê Minh Đức", "Phạm Thu Hà", "Đỗ Văn Khánh"]


def fields(index: int) -> dict:
    code = f"ABCDE{index:05d}"[-10:]
    return {
        "language": "vi",
        "full_name": NAMES[index % len(NAMES)],
        "agency_name": "Sở Tư pháp tỉnh Vĩnh Phúc",
        "course_title": "Nhận thức về hệ thống quản lý chất lượng TCVN ISO 9001:2015",
        "track": "awareness",
        "edition": "9001:2015",
        "issued_on": "26/11/2026",
        "expires_on": "26/11/2029",
        "code": code,
        "display_code": f"{code[:5]}-{code[5:]}",
        "verify_url": f"https://daotao.example.vn/verify/{code}/",
    }


def bare(index: int) -> bytes:
    data = fields(index)
    return bare_page(
        LAYOUT.title_vi, data["full_name"], [LAYOUT.issuer_name, *map(str, data.values())]
    )


def ours(index: int) -> bytes:
    return render_certificate(layout=LAYOUT, **fields(index))


def rate(function, count: int) -> float:
    function(0)  # warm-up: font registration, imports
    start = time.perf_counter()
    for index in range(count):
        function(index)
    return count / (time.perf_counter() - start)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    ours_rate, bare_rate = rate(ours, count), rate(bare, count)
    print(f"certificate renderer: {ours_rate:7.1f} certificates/second")
    print(f"bare reportlab canvas: {bare_rate:7.1f} pages/second (same text, same font)")
    print(f"ratio: {ours_rate / bare_rate:.2f}")
