import pytest


@pytest.fixture
def token_for(db):
    """A bearer secret for `user` made through the service, as the command and page make it."""
    from lms.api.tokens import api_token_create

    def make(user, **options):
        _token, raw = api_token_create(owner=user, **options)
        return raw

    return make


@pytest.fixture
def api_get(client):
    def get(path, token=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return client.get(f"/api/v1{path}", **headers, **extra)

    return get


@pytest.fixture
def api_post(client):
    def post(path, token, data=None, content_type="application/json", **extra):
        return client.post(
            f"/api/v1{path}",
            data=data,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **extra,
        )

    return post
