"""A token acts with its owner's role and scope: the site's own permission functions decide."""

import pytest

from lms.accounts import roles
from lms.api.models import ApiToken
from lms.api.tokens import token_hash

OK, UNAUTH, DENIED, NOT_FOUND = 200, 401, 403, 404
PEOPLE = ["anonymous", "trainee", "trainer", "secretary", "officer", "editor"]
# GET endpoints × the people above; the site's answer for each (coverage pages, certificate
# managers, course enrolment pages).
EXPECTED = {
    "/agencies": [UNAUTH, DENIED, OK, OK, OK, OK],
    "/people": [UNAUTH, DENIED, DENIED, OK, OK, OK],
    "/courses": [UNAUTH, DENIED, OK, OK, OK, OK],
    "/enrolments": [UNAUTH, DENIED, OK, OK, OK, OK],
    "/completions": [UNAUTH, DENIED, OK, OK, OK, OK],
    "/certificates": [UNAUTH, DENIED, DENIED, OK, OK, OK],
    "/coverage": [UNAUTH, DENIED, DENIED, OK, OK, OK],
    "/certificates/verify/COV00000000": [NOT_FOUND] * 6,
}


@pytest.fixture
def tokens(trainee, trainer, secretary, officer, editor, token_for):
    # A trainee cannot be given a token; this one stands for a token made before a role change.
    ApiToken.objects.create(owner=trainee, prefix="trainee0", token_hash=token_hash("lms_t"))
    return {
        "anonymous": None,
        "trainee": "lms_t",
        "trainer": token_for(trainer),
        "secretary": token_for(secretary),
        "officer": token_for(officer),
        "editor": token_for(editor),
    }


@pytest.mark.django_db
def test_role_endpoint_matrix(tokens, api_get):
    observed = {
        path: [api_get(path, tokens[person]).status_code for person in PEOPLE] for path in EXPECTED
    }
    assert observed == EXPECTED


# POST endpoints with a body each role may send: the refusals come before anything is written.
POST_EXPECTED = {
    "/enrolments/bulk": [UNAUTH, DENIED, NOT_FOUND, NOT_FOUND, DENIED, DENIED],
    "/agencies/import": [UNAUTH, DENIED, DENIED, DENIED, 400, DENIED],
}
POST_BODIES = {
    "/enrolments/bulk": {"course": "khong-co", "emails": ["a@example.vn"]},
    "/agencies/import": {"rows": []},
}


@pytest.mark.django_db
def test_role_endpoint_matrix_for_writes(tokens, client):
    observed = {
        path: [
            client.post(
                f"/api/v1{path}",
                POST_BODIES[path],
                content_type="application/json",
                **({"HTTP_AUTHORIZATION": f"Bearer {tokens[person]}"} if tokens[person] else {}),
            ).status_code
            for person in PEOPLE
        ]
        for path in POST_EXPECTED
    }
    assert observed == POST_EXPECTED


def test_matrix_covers_every_endpoint():
    from tests.api.test_api_schema import ENDPOINTS

    rows = {("get", "/api/v1" + path) for path in EXPECTED} | {
        ("post", "/api/v1" + path) for path in POST_EXPECTED
    }
    templated = {(m, p.replace("{code}", "COV00000000")) for m, p in ENDPOINTS}
    assert rows == templated


@pytest.mark.django_db
def test_refusals_are_json_in_the_owners_language(trainer, token_for, api_get):
    secret = token_for(trainer)
    response = api_get("/people", secret)
    assert response.status_code == 403
    assert response.json() == {"detail": "Tài khoản của bạn không được phép xem trang này."}
    english = api_get("/people", secret, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Your account is not allowed to view this page."}
    trainer.preferred_language = "en"
    trainer.save()
    assert api_get("/people", secret).json()["detail"] == (
        "Your account is not allowed to view this page."
    )


def _emails(response):
    assert response.status_code == 200, response.content
    return sorted(item["email"] for item in response.json()["items"])


@pytest.mark.django_db
def test_secretary_sees_only_their_agency_tree(
    coverage_scenario, make_user, token_for, api_get, officer
):
    users = coverage_scenario["users"]
    district_secretary = make_user(roles.SECRETARY, agency=coverage_scenario["district"])
    secret = token_for(district_secretary)
    district_people = {users[key].email for key in ("u3", "u4", "u5", "u6", "u7")} | {
        district_secretary.email
    }

    assert set(_emails(api_get("/people", secret))) == district_people
    assert set(_emails(api_get("/enrolments", secret))) == district_people - {
        district_secretary.email
    }
    assert set(_emails(api_get("/completions", secret))) == {
        users["u3"].email,
        users["u4"].email,
        users["u5"].email,
    }
    assert set(_emails(api_get("/certificates", secret))) == {
        users["u3"].email,
        users["u4"].email,
        users["u5"].email,
    }
    coverage_codes = {row["code"] for row in api_get("/coverage", secret).json()["items"]}
    assert coverage_codes == {"P-TD", "P-TD-HS", "P-TD-DT"}

    # A narrower agency inside the tree works; one outside does not exist for them.
    assert _emails(api_get("/people?agency=P-TD-DT", secret)) == [users["u5"].email]
    for path in ("/people", "/enrolments", "/certificates", "/coverage"):
        assert api_get(f"{path}?agency=P-STP", secret).status_code == 404, path

    # The officer sees the province.
    everyone = _emails(api_get("/people?limit=500", token_for(officer)))
    assert set(users[key].email for key in users) <= set(everyone)


@pytest.mark.django_db
def test_training_filters(coverage_scenario, officer, token_for, api_get):
    secret = token_for(officer)
    users = coverage_scenario["users"]
    building = _emails(api_get("/certificates?track=building", secret))
    assert building == [users["u5"].email]
    recent = _emails(api_get("/completions?since=" + _days_ago(30), secret))
    assert recent == sorted([users["u2"].email, users["u5"].email])
    by_course = api_get("/enrolments?course=nhan-thuc-2008", secret).json()["items"]
    assert {item["course_slug"] for item in by_course} == {"nhan-thuc-2008"}
    assert len(by_course) == 2
    edition = api_get("/enrolments?edition=9001:2015&agency=P-STP", secret).json()["items"]
    assert [item["email"] for item in edition] == [users["u1"].email, users["u2"].email]
    assert api_get("/enrolments?track=nope", secret).status_code == 400


def _days_ago(days):
    import datetime as dt

    from django.utils import timezone

    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


@pytest.mark.django_db
def test_certificate_verification_needs_no_token(coverage_scenario, api_get):
    from courses.models import Certificate

    revoked = Certificate.objects.get(user=coverage_scenario["users"]["u2"])
    body = api_get(f"/certificates/verify/{revoked.code.lower()}").json()
    assert body["status"] == "revoked"
    assert set(body) == {
        "code",
        "status",
        "full_name",
        "course_title",
        "issued_at",
        "expires_at",
        "revoked_at",
    }
    expired = Certificate.objects.get(user=coverage_scenario["users"]["u3"])
    assert api_get(f"/certificates/verify/{expired.code}").json()["status"] == "expired"
    valid = Certificate.objects.get(user=coverage_scenario["users"]["u5"])
    assert api_get(f"/certificates/verify/{valid.code}").json()["status"] == "valid"
