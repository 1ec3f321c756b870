"""The OpenAPI schema lists every endpoint; the docs page loads nothing from another site."""

import re

import pytest

from lms.api.api import api

ENDPOINTS = {
    ("get", "/api/v1/agencies"),
    ("post", "/api/v1/agencies/import"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/courses"),
    ("get", "/api/v1/enrolments"),
    ("post", "/api/v1/enrolments/bulk"),
    ("get", "/api/v1/completions"),
    ("get", "/api/v1/certificates"),
    ("get", "/api/v1/certificates/verify/{code}"),
    ("get", "/api/v1/coverage"),
}


def _routes():
    """Every (method, path) the API serves, read from its routers, not from the schema."""
    routes = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api/v1/" + "/".join(filter(None, [prefix.strip("/"), path.strip("/")]))
                    routes.add((method.lower(), re.sub(r"\{\w+:(\w+)\}", r"{\1}", full)))
    return routes


@pytest.mark.django_db
def test_schema_lists_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    listed = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert _routes() == ENDPOINTS
    assert listed == ENDPOINTS
    security = schema["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in security.values()} == {"bearer"}
    upload = schema["paths"]["/api/v1/agencies/import"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data", "application/json"}


@pytest.mark.django_db
def test_docs_page_is_served_from_the_site_itself(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    assert "/api/v1/openapi.json" in page
