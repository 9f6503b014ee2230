"""The OpenAPI 3.1 document of /api/v1, built from the marshmallow schemas the API uses."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .. import __version__
from . import schemas, service

COMPONENTS = (
    schemas.AssessmentRequestSchema, schemas.ReasonSchema,
    schemas.EvidenceSchema, schemas.ResultSchema, schemas.SummarySchema, schemas.FlagSchema,
    schemas.DocumentInfoSchema, schemas.SpeakerOutSchema, schemas.SpeakerInSchema, schemas.EngineSchema,
    schemas.RuleSetRefSchema,
    schemas.AssessmentSchema, schemas.UrlsSchema, schemas.StoredAssessmentSchema,
    schemas.ExampleSchema, schemas.DemandSchema, schemas.RuleSetSummarySchema,
    schemas.RuleSetSchema, schemas.RuleSetListSchema, schemas.ErrorSchema,
    schemas.ReliedOnSchema, schemas.CurrentReviewSchema, schemas.AuditEntrySchema,
    schemas.ReviewRequestSchema, schemas.ReviewSchema, schemas.ReviewListSchema,
    schemas.CompareRequestSchema, schemas.DiffOpSchema, schemas.ProvisionChangeSchema, schemas.ReviewMarkSchema,
    schemas.DemandChangeSchema, schemas.NotComparedSchema, schemas.DirectionCountsSchema,
    schemas.ComparisonSummarySchema, schemas.ProvisionPairSchema, schemas.ComparisonSchema,
)


def name_of(schema_class) -> str:
    return schema_class.__name__.removesuffix("Schema")


def field_schema(field: fields.Field) -> dict:
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        out = {"$ref": f"#/components/schemas/{name_of(nested)}"}
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer"}
    elif isinstance(field, fields.Float):
        out = {"type": "number"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.String):
        out = {"type": "string"}
    else:  # pragma: no cover - a field type the API does not use
        raise TypeError(f"no JSON Schema for {type(field).__name__}")
    for v in field.validators:
        if isinstance(v, validate.OneOf):
            out["enum"] = list(v.choices)
        elif isinstance(v, validate.Equal):
            out["const"] = v.comparable
        elif isinstance(v, validate.Length):
            key = ("minItems", "maxItems") if out.get("type") == "array" else ("minLength", "maxLength")
            if v.min is not None:
                out[key[0]] = v.min
            if v.max is not None:
                out[key[1]] = v.max
    if field.allow_none:
        if "$ref" in out:
            out = {"anyOf": [out, {"type": "null"}]}
        else:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"].append(None)
    if field.metadata.get("description"):
        out["description"] = field.metadata["description"]
    return out


def schema_object(schema_class: type[Schema]) -> dict:
    schema = schema_class()
    out = {"type": "object", "properties": {}, "additionalProperties": False}
    required = []
    for name, field in schema.fields.items():
        out["properties"][field.data_key or name] = field_schema(field)
        if field.required:
            required.append(field.data_key or name)
    if required:
        out["required"] = required
    if schema_class.__doc__:
        out["description"] = " ".join(schema_class.__doc__.split())
    return out


def _ref(schema_class) -> dict:
    return {"$ref": f"#/components/schemas/{name_of(schema_class)}"}


def _json(schema_class, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_class)}}}


def _responses(ok: dict, *statuses: int) -> dict:
    out = dict(ok)
    for s in statuses:
        out[str(s)] = {"$ref": f"#/components/responses/Error{s}"}
    return out


ERROR_WORDS = {
    400: "The body is not valid JSON.",
    401: "A token is configured and was not sent, or is wrong.",
    403: "A browser sent the request from another site (cross-site requests may not change data).",
    404: "No such id.",
    405: "The method is not allowed here: reviews are never changed or deleted, only added to.",
    413: "The upload is too large.",
    415: "Wrong content type, or a file that is not a text document.",
    422: "Invalid fields, an unknown rule set or demand, a review without a reason, or a draft that "
         "cannot be read.",
}


def _upload_schema() -> dict:
    out = schema_object(schemas.UploadRequestSchema)
    out["properties"]["file"] = {"type": "string", "format": "binary",
                                 "description": "The draft: .txt, .md, .docx, .pdf or .html."}
    return out


def spec() -> dict:
    id_param = {"name": "assessment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    fmts = service.formats()
    media = {"json": "application/json", "csv": "text/csv", "md": "text/markdown", "pdf": "application/pdf"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "checklist API", "version": __version__,
                 "description": "Assess draft ceasefire and peace texts against civil society's humanitarian "
                                "demands. Drafts are confidential: the API runs on your machine and makes "
                                "no network calls."},
        "servers": [{"url": "/api/v1"}],
        "security": [{}, {"bearer": []}],
        "paths": {
            "/assessments": {"post": {
                "summary": "Assess a draft (stored unless store is false)",
                "operationId": "createAssessment",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref(schemas.AssessmentRequestSchema)},
                    "multipart/form-data": {"schema": _upload_schema()},
                }},
                "responses": _responses({
                    "201": _json(schemas.StoredAssessmentSchema, "Assessed and stored.") | {
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                    "200": _json(schemas.AssessmentSchema, "Assessed in memory (store false); nothing stored."),
                }, 400, 401, 403, 413, 415, 422),
            }},
            "/assessments/{assessment_id}": {"get": {
                "summary": "A stored assessment", "operationId": "getAssessment",
                "parameters": [id_param],
                "responses": _responses({"200": _json(schemas.StoredAssessmentSchema, "The assessment.")},
                                        401, 404),
            }},
            "/assessments/{assessment_id}.{format}": {"get": {
                "summary": "A stored assessment as a report file", "operationId": "downloadAssessment",
                "parameters": [id_param, {"name": "format", "in": "path", "required": True,
                                          "schema": {"type": "string", "enum": fmts}}],
                "responses": _responses({"200": {"description": "The report, as an attachment.",
                                                 "content": {media[f]: {"schema": _ref(schemas.AssessmentSchema)
                                                                        if f == "json" else {"type": "string"}}
                                                             for f in fmts}}}, 401, 404),
            }},
            "/assessments/{assessment_id}/reviews": {
                "get": {
                    "summary": "The audit trail of an assessment's reviews, oldest first",
                    "operationId": "listReviews", "parameters": [id_param],
                    "responses": _responses({"200": _json(schemas.ReviewListSchema, "Every review row.")},
                                            401, 404),
                },
                "post": {
                    "summary": "Review a demand's status, or withdraw the current review",
                    "description": "Appends a row to the audit trail; rows are never changed or deleted "
                                   "(PUT, PATCH and DELETE answer 405). The machine's status stays recorded.",
                    "operationId": "addReview", "parameters": [id_param],
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref(schemas.ReviewRequestSchema)}}},
                    "responses": _responses({
                        "201": _json(schemas.ReviewSchema, "Recorded.") | {
                            "headers": {"Location": {"schema": {"type": "string"}}}},
                    }, 400, 401, 403, 404, 415, 422),
                },
            },
            "/reviews/{review_id}": {"get": {
                "summary": "One review row", "operationId": "getReview",
                "parameters": [{"name": "review_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": _responses({"200": _json(schemas.ReviewSchema, "The review row.")}, 401, 404),
            }},
            "/compare": {"post": {
                "summary": "Compare two versions of a draft",
                "description": "Two stored assessments by id (their automatic readings, without re-running "
                               "the engine), or two pasted texts assessed in memory (nothing is stored).",
                "operationId": "compare",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref(schemas.CompareRequestSchema)}}},
                "responses": _responses({"200": _json(schemas.ComparisonSchema, "The comparison.")},
                                        400, 401, 403, 404, 413, 415, 422),
            }},
            "/documents/{document_id}": {"delete": {
                "summary": "Delete a document with all its assessments", "operationId": "deleteDocument",
                "parameters": [{"name": "document_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": _responses({"204": {"description": "Deleted."}}, 401, 403, 404),
            }},
            "/rule-sets": {"get": {
                "summary": "The bundled rule sets", "operationId": "listRuleSets",
                "responses": _responses({"200": _json(schemas.RuleSetListSchema, "The rule sets.")}, 401),
            }},
            "/rule-sets/{set_id}": {"get": {
                "summary": "One rule set with every demand", "operationId": "getRuleSet",
                "parameters": [{"name": "set_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": _responses({"200": _json(schemas.RuleSetSchema, "The rule set.")}, 401, 404),
            }},
            "/openapi.json": {"get": {
                "summary": "This document", "operationId": "openapi", "security": [{}],
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "schemas": {name_of(c): schema_object(c) for c in COMPONENTS},
            "responses": {f"Error{s}": _json(schemas.ErrorSchema, words) for s, words in ERROR_WORDS.items()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Required when CHECKLIST_API_TOKEN is set."}},
        },
    }
