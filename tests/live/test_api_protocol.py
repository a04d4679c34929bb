"""The API as a developer's program meets it: JSON errors with stable codes, CORS preflight,
read-only methods, and a description (OpenAPI) that every answer fits."""

import json

import jsonschema
import pytest
from django.test import RequestFactory
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from liveblog.live.api import error_403

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE


def api_urls(session, post=None) -> list[str]:
    return ["/api/lives/", f"/api/lives/{session.slug}/", f"/api/lives/{session.slug}/posts/"]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == code
    assert body["error"]
    return body


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_the_api_is_a_json_405_that_says_what_is_allowed(client, session, method):
    for url in [*api_urls(session), "/api/openapi.json"]:
        response = getattr(client, method)(url)
        assert_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_an_unknown_api_address_is_a_json_404_whatever_the_method(client):
    for path in ["/api/", "/api/nothing", "/api/lives/a/b/c/", "/api/v2/lives/"]:
        assert_error(client.get(path), 404, "not_found")
        assert_error(client.post(path), 404, "not_found")


def test_an_unknown_live_and_bad_paging_have_their_own_codes(client, session):
    body = assert_error(client.get("/api/lives/nexiste-pas/"), 404, "not_found")
    assert body["error"] == "Aucun direct n'a cette adresse."
    assert_error(client.get(f"/api/lives/{session.slug}/posts/?limit=0"), 400, "invalid_parameter")


def test_a_request_for_another_host_is_a_json_400(client, session):
    assert_error(client.get("/api/lives/", HTTP_HOST="ailleurs.example"), 400, "bad_request")


def test_a_refusal_under_api_is_json_and_elsewhere_a_page():
    factory = RequestFactory()
    assert_error(error_403(factory.get("/api/lives/"), None), 403, "forbidden")
    page = error_403(factory.get("/editor/"), None)
    assert page.status_code == 403
    assert "application/json" not in page["Content-Type"]


def test_a_browser_s_preflight_from_another_site_is_answered(client, session):
    for url in [*api_urls(session), "/api/openapi.json"]:
        response = client.options(
            url,
            HTTP_ORIGIN="https://partenaire.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        )
        assert response.status_code == 204, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert "If-None-Match" in response["Access-Control-Allow-Headers"]
        assert int(response["Access-Control-Max-Age"]) > 0
    answer = client.get(api_urls(session)[1], HTTP_ORIGIN="https://partenaire.example")
    assert "ETag" in answer["Access-Control-Expose-Headers"]


def test_the_description_is_served_and_its_304_works(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert description["openapi"].startswith("3.1")
    assert description["servers"] == [{"url": f"{SITE}/api"}]
    assert set(description["paths"]) == {"/lives/", "/lives/{slug}/", "/lives/{slug}/posts/"}
    assert client.get("/api/openapi.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_every_answer_of_the_api_fits_its_description(
    client, session, make_post, make_photo, make_session, editor
):
    session.lead_photo = make_photo()
    session.save(update_fields=["lead_photo"])
    make_session(slug="election", status="scheduled", headline="Soirée électorale")
    make_post(
        session,
        blocks=[
            ("paragraph", {"text": "Les coureurs passent le pont."}),
            ("photo", {"photo": make_photo()}),
            ("quote", {"text": "Quelle course !", "attribution": "Une coureuse"}),
        ],
    )
    description = client.get("/api/openapi.json").json()
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents(description, default_specification=DRAFT202012)
    )

    def check(url: str, path: str, status: str) -> None:
        response = client.get(url)
        assert str(response.status_code) == status, url
        pointer = f"/paths/{escape(path)}/get/responses/{status}/content/application~1json/schema"
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"urn:api#{pointer}"}, registry=registry
        )
        validator.validate(response.json())

    check("/api/lives/", "/lives/", "200")
    check(f"/api/lives/{session.slug}/", "/lives/{slug}/", "200")
    check(f"/api/lives/{session.slug}/posts/", "/lives/{slug}/posts/", "200")
    check("/api/lives/nexiste-pas/", "/lives/{slug}/", "404")
    check(f"/api/lives/{session.slug}/posts/?before=x", "/lives/{slug}/posts/", "400")


def escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")
