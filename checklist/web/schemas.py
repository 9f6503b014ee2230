"""Request and response schemas of the JSON API (marshmallow). The OpenAPI document is
generated from these same classes (see ``openapi.py``), so the two cannot drift apart."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from ..assessment import DOCUMENT_KINDS, STATUS_ORDER

KINDS = validate.OneOf(DOCUMENT_KINDS)


# ---------------------------------------------------------------- requests


class AssessmentRequestSchema(Schema):
    """POST /assessments as JSON."""

    class Meta:
        unknown = RAISE

    text = fields.String(required=True, metadata={"description": "The draft's plain text."})
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                          metadata={"description": "A title for the history (default: the file name)."})
    rule_sets = fields.List(fields.String(), load_default=None, allow_none=True,
                            validate=validate.Length(min=1, error="Choose at least one rule set, or leave "
                                                                  "rule_sets out to apply them all."),
                            metadata={"description": "Rule set ids (default: every bundled set)."})
    document_kind = fields.String(load_default="agreement", validate=KINDS,
                                  metadata={"description": "An agreement draft, or a statement by a state "
                                                           "or institution."})
    store = fields.Boolean(load_default=True,
                           metadata={"description": "false: assess in memory and store nothing."})


class UploadRequestSchema(AssessmentRequestSchema):
    """POST /assessments as multipart/form-data: the same fields, with ``file`` instead of ``text``;
    ``rule_sets`` may be repeated or comma-separated."""

    text = fields.String(load_default=None, metadata={"description": "Pasted text, when no file is sent."})

    @pre_load
    def _split_rule_sets(self, data, **kwargs):
        data = dict(data)
        if "rule_sets" in data:
            data["rule_sets"] = [s.strip() for v in data["rule_sets"] for s in v.split(",") if s.strip()]
        return data


def problems(exc: ValidationError) -> list[str]:
    """``["field: message", ...]`` from marshmallow's nested messages."""
    out = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, path + [str(key)])
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            for v in value:
                out.append(f"{'.'.join(path) or 'body'}: {v}")
        elif isinstance(value, list):
            for v in value:
                walk(v, path)
        else:
            out.append(f"{'.'.join(path) or 'body'}: {value}")
    walk(exc.messages, [])
    return out


# ---------------------------------------------------------------- responses


class _Out(Schema):
    class Meta:
        unknown = EXCLUDE


class ReasonSchema(_Out):
    code = fields.String(required=True)
    text = fields.String(required=True)


class EvidenceSchema(_Out):
    provision = fields.String(required=True, metadata={"description": "Reference of the provision."})
    quote = fields.String(required=True)
    start = fields.Integer(required=True, metadata={"description": "Offset in the document text."})
    end = fields.Integer(required=True)
    terms = fields.List(fields.String(), required=True)
    page = fields.Integer(metadata={"description": "PDF page, when known."})


class ResultSchema(_Out):
    demand = fields.String(required=True)
    section = fields.String(required=True, validate=validate.OneOf(("gaps", "asks-to-states")))
    rule_set = fields.String(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    where = fields.String(required=True, validate=validate.OneOf(("agreement", "policy")))
    status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    message = fields.String(required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)


class SummarySchema(_Out):
    contradicted = fields.Integer(required=True)
    absent = fields.Integer(required=True)
    partial = fields.Integer(required=True)
    met = fields.Integer(required=True)


class FlagSchema(_Out):
    code = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    provision = fields.String(required=True)
    quote = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)


class DocumentInfoSchema(_Out):
    name = fields.String(required=True)
    sha256 = fields.String(required=True)
    characters = fields.Integer(required=True)
    provisions = fields.Integer(required=True)
    language = fields.String(required=True)
    format = fields.String(required=True)


class EngineSchema(_Out):
    version = fields.String(required=True)
    checklist = fields.String(required=True)


class RuleSetRefSchema(_Out):
    id = fields.String(required=True)
    version = fields.String(required=True)
    title = fields.String(required=True)


class AssessmentSchema(_Out):
    """The assessment JSON (schema ``checklist.assessment/1``)."""

    schema = fields.String(required=True, validate=validate.Equal("checklist.assessment/1"))
    engine = fields.Nested(EngineSchema, required=True)
    document = fields.Nested(DocumentInfoSchema, required=True)
    document_kind = fields.String(required=True, validate=KINDS)
    rule_sets = fields.List(fields.Nested(RuleSetRefSchema), required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)
    summary = fields.Nested(SummarySchema, required=True)
    summary_asks_to_states = fields.Nested(SummarySchema, required=True)
    flags = fields.List(fields.Nested(FlagSchema), required=True)


class UrlsSchema(_Out):
    html = fields.String(required=True, metadata={"description": "The report page."})
    json = fields.String(required=True)
    csv = fields.String()
    md = fields.String()
    pdf = fields.String()


class StoredAssessmentSchema(AssessmentSchema):
    """A stored assessment: the assessment JSON with its ids, title, date and download URLs."""

    id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    title = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True)
    urls = fields.Nested(UrlsSchema, required=True)


class ExampleSchema(_Out):
    text = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    reasons = fields.List(fields.String(), required=True)
    todo = fields.Boolean(required=True)
    note = fields.String(required=True, allow_none=True)


class DemandSchema(_Out):
    id = fields.String(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    theme_title = fields.String(required=True)
    where = fields.String(required=True, validate=validate.OneOf(("agreement", "policy")))
    source_wording = fields.String(required=True)
    related = fields.List(fields.String(), required=True)
    examples = fields.List(fields.Nested(ExampleSchema), required=True)


class RuleSetSummarySchema(_Out):
    id = fields.String(required=True)
    version = fields.String(required=True)
    title = fields.String(required=True)
    source = fields.String(required=True)
    source_title = fields.String(required=True, allow_none=True)
    date = fields.String(required=True)
    organisations = fields.List(fields.String(), required=True)
    signatories = fields.List(fields.String(), required=True)
    addressee = fields.String(required=True)
    url = fields.String(required=True, allow_none=True)
    demands_count = fields.Integer(required=True)


class RuleSetSchema(RuleSetSummarySchema):
    demands = fields.List(fields.Nested(DemandSchema), required=True)


class RuleSetListSchema(_Out):
    rule_sets = fields.List(fields.Nested(RuleSetSummarySchema), required=True)


class ErrorSchema(_Out):
    """The one error shape of the whole API."""

    ok = fields.Boolean(required=True, validate=validate.Equal(False))
    error = fields.String(required=True, metadata={"description": "One sentence: what is wrong and what to do."})
    errors = fields.List(fields.String(), required=True, metadata={"description": "Details, one per problem."})
    status = fields.Integer(required=True)
