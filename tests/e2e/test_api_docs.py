"""The API docs page works in a browser under the site's Content-Security-Policy, offline."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_every_endpoint_without_leaving_the_site(page, live_server):
    blocked, outside = [], []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() == 10
    assert page.get_by_text("/api/v1/coverage", exact=True).count() == 1
    assert blocked == [] and outside == []
