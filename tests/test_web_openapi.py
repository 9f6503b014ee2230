"""The OpenAPI document is valid and describes what the API really does."""
from __future__ import annotations

import io

import jsonschema
import pytest
from openapi_spec_validator import validate

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def spec(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def check(spec, path, method, response):
    """Validate ``response`` against what ``spec`` documents for it."""
    op = spec["paths"][path][method]
    documented = op["responses"].get(str(response.status_code))
    assert documented is not None, f"{method.upper()} {path} -> {response.status_code} is not documented"
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    if response.status_code == 204:
        assert "content" not in documented and response.data == b""
        return
    assert response.mimetype in {m.split(";")[0] for m in documented["content"]}
    if response.mimetype == "application/json":
        schema = documented["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, "components": spec["components"]},
                                        format_checker=jsonschema.FormatChecker()).validate(response.get_json())


def test_spec_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_api_route_is_documented(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.removeprefix("/api/v1")
            path = path.replace("<int:assessment_id>", "{assessment_id}").replace(
                "<int:document_id>", "{document_id}").replace("<int:review_id>", "{review_id}").replace("<set_id>", "{set_id}").replace("<fmt>", "{format}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert routes == documented


def test_real_responses_match_the_spec(client, spec, draft_text, make_app):
    paths = spec["paths"]
    a = "/assessments"
    check(spec, a, "post", client.post("/api/v1/assessments", json={"text": draft_text, "title": "T"}))
    check(spec, a, "post", client.post("/api/v1/assessments", json={"text": draft_text, "store": False}))
    check(spec, a, "post", client.post("/api/v1/assessments", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(draft_text.encode()), "d.txt")}))
    check(spec, a, "post", client.post("/api/v1/assessments", data="{", content_type="application/json"))
    check(spec, a, "post", client.post("/api/v1/assessments", data="x", content_type="text/plain"))
    check(spec, a, "post", client.post("/api/v1/assessments", json={"text": ""}))
    check(spec, a, "post", client.post("/api/v1/assessments", json={"text": "x", "rule_sets": ["no"]}))
    check(spec, a, "post", client.post("/api/v1/assessments", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(PNG), "x.png")}))
    small = make_app(MAX_CONTENT_LENGTH=100).test_client()
    check(spec, a, "post", small.post("/api/v1/assessments", json={"text": draft_text}))
    locked = make_app(API_TOKEN="t").test_client()
    check(spec, a, "post", locked.post("/api/v1/assessments", json={"text": draft_text}))

    one = "/assessments/{assessment_id}"
    check(spec, one, "get", client.get("/api/v1/assessments/1"))
    check(spec, one, "get", client.get("/api/v1/assessments/99"))
    dl = "/assessments/{assessment_id}.{format}"
    for fmt in paths[dl]["get"]["parameters"][1]["schema"]["enum"]:
        check(spec, dl, "get", client.get(f"/api/v1/assessments/1.{fmt}"))
    check(spec, dl, "get", client.get("/api/v1/assessments/1.docx"))
    check(spec, "/rule-sets", "get", client.get("/api/v1/rule-sets"))
    check(spec, "/rule-sets/{set_id}", "get", client.get("/api/v1/rule-sets/tot-2025"))
    check(spec, "/rule-sets/{set_id}", "get", client.get("/api/v1/rule-sets/nope"))
    check(spec, "/documents/{document_id}", "delete", client.delete("/api/v1/documents/1"))
    check(spec, "/documents/{document_id}", "delete", client.delete("/api/v1/documents/1"))
    check(spec, "/openapi.json", "get", client.get("/api/v1/openapi.json"))


def test_request_schema_matches_what_the_api_accepts(client, spec, draft_text):
    schema = spec["components"]["schemas"]["AssessmentRequest"]
    body = {"text": draft_text, "title": "t", "rule_sets": ["tot-2025"], "document_kind": "statement", "store": False}
    jsonschema.validate(body, schema)
    assert client.post("/api/v1/assessments", json=body).status_code == 200
    bad = {"text": "x", "document_kind": "treaty"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert client.post("/api/v1/assessments", json=bad).status_code == 422
