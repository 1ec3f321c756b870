"""Coverage charts a screen reader can read, in the page's number format, nothing cut off."""

import re

from django.utils import translation

from lms.coverage import charts

KINDS = [("Huyện, thị xã, thành phố", 3.3), ("Xã, phường, thị trấn", None)]
MONTHS = [("09/26", 10.0), ("10/26", 12.5), ("11/26", 3.3)]


def _chart(items=KINDS):
    return str(charts.bar_chart(items, title="Theo loại", chart_id="k", label_heading="Loại"))


def test_chart_has_a_text_alternative_and_a_table_with_the_same_numbers():
    with translation.override("vi"):
        html = _chart()
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="k-title k-desc"', html)
    assert '<title id="k-title">Theo loại</title>' in html
    assert (
        '<desc id="k-desc">Huyện, thị xã, thành phố: 3,3%; Xã, phường, thị trấn: –</desc>' in html
    )
    table = html[html.index("<details") :]
    assert '<th scope="row">Huyện, thị xã, thành phố</th><td>3,3%</td>' in table


def test_chart_numbers_follow_the_active_language():
    with translation.override("vi"):
        assert ">3,3%</text>" in _chart()
    with translation.override("en"):
        assert ">3.3%</text>" in _chart()


def test_long_agency_kind_label_is_written_in_full():
    with translation.override("vi"):
        assert ">Huyện, thị xã, thành phố</text>" in _chart()


def test_last_month_label_fits_inside_the_chart():
    html = str(charts.line_chart(MONTHS, title="Theo tháng", chart_id="t", label_heading="Tháng"))
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', html).group(1))
    x, label = re.findall(r'<text x="([\d.]+)" y="\d+" font-size="9"[^>]*>([^<]+)</text>', html)[-1]
    assert label == "11/26"
    # A 9px digit is at most ~0.6em wide; the label is centred on x.
    assert float(x) + len(label) * 9 * 0.6 / 2 <= width
