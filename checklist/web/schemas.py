"""Request and response schemas of the JSON API (marshmallow). The OpenAPI document is
generated from these same classes (see ``openapi.py``), so the two cannot drift apart."""
from __future__ import annotations

from marshmallow import (EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate,
                         validates_schema)

from .. import storage
from ..assessment import DOCUMENT_KINDS, KIND_CHOICES, STATUS_ORDER
from ..speaker import SPEAKER_KINDS
from ..compare import CHANGES, DIRECTIONS

KINDS = validate.OneOf(DOCUMENT_KINDS)
KIND_CHOICE = validate.OneOf(KIND_CHOICES, error="Must be one of: agreement, statement, auto.")


class SpeakerInSchema(Schema):
    """Who speaks in a statement, when the user knows it."""

    class Meta:
        unknown = RAISE

    name = fields.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "The speaker as it should be shown, e.g. 'Government of Ireland'."})
    kind = fields.String(required=True, validate=validate.OneOf(SPEAKER_KINDS),
                         metadata={"description": "state | eu | asp | un | icc | otp | other"})
STATUSES = validate.OneOf(STATUS_ORDER, error="Unknown status '{input}': choose one of " + ", ".join(STATUS_ORDER) + ".")


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
    document_kind = fields.String(load_default="auto", validate=KIND_CHOICE,
                                  metadata={"description": "An agreement draft, a statement by a state or "
                                                           "institution, or auto (read from the text's title)."})
    speaker = fields.Nested(SpeakerInSchema, load_default=None, allow_none=True,
                            metadata={"description": "Who speaks in a statement (default: read from the text)."})
    store = fields.Boolean(load_default=True,
                           metadata={"description": "false: assess in memory and store nothing."})
    previous_document_id = fields.Integer(
        load_default=None, allow_none=True,
        metadata={"description": "The stored document this draft is a new version of: the current reviews "
                                 "of its latest assessment are carried over."})


class UploadRequestSchema(AssessmentRequestSchema):
    """POST /assessments as multipart/form-data: the same fields, with ``file`` instead of ``text``;
    ``rule_sets`` may be repeated or comma-separated."""

    text = fields.String(load_default=None, metadata={"description": "Pasted text, when no file is sent."})

    @pre_load
    def _split_rule_sets(self, data, **kwargs):
        data = dict(data)
        if "rule_sets" in data:
            data["rule_sets"] = [s.strip() for v in data["rule_sets"] for s in v.split(",") if s.strip()]
        # the speaker as two form fields, speaker_kind and speaker_name
        kind, name = data.pop("speaker_kind", ""), data.pop("speaker_name", "")
        if kind or name:
            data["speaker"] = {"kind": kind, "name": name} if kind else {"name": name}
        return data


class ReviewRequestSchema(Schema):
    """POST /assessments/{id}/reviews: set a demand's status, or withdraw its current review."""

    class Meta:
        unknown = RAISE

    demand = fields.String(required=True, metadata={"description": "The demand's id, such as tot-2025/1."})
    action = fields.String(load_default="set", validate=validate.OneOf(("set", "withdraw")),
                           metadata={"description": "'set' a status (the default) or 'withdraw' the current review."})
    status = fields.String(load_default=None, validate=STATUSES,
                           metadata={"description": "The status the finding should have (for 'set')."})
    reviewer = fields.String(required=True, validate=validate.Length(max=storage.MAX_REVIEWER),
                             metadata={"description": "The reviewer's name."})
    reason = fields.String(required=True, validate=validate.Length(max=storage.MAX_REASON),
                           error_messages={"required": storage.REASON_REQUIRED},
                           metadata={"description": "Why: required, also to withdraw."})

    @validates_schema
    def _status_for_set(self, data, **kwargs):
        if data.get("action", "set") == "set" and data.get("status") is None:
            raise ValidationError("Choose the status the finding should have: " + ", ".join(STATUS_ORDER) + ".",
                                  "status")
        if data.get("action") == "withdraw" and data.get("status") is not None:
            raise ValidationError("Leave the status out to withdraw a review.", "status")


class CompareRequestSchema(Schema):
    """POST /compare: two stored assessments by id, or two pasted versions (assessed in memory)."""

    class Meta:
        unknown = RAISE

    old_assessment_id = fields.Integer(load_default=None, metadata={"description": "A stored assessment."})
    new_assessment_id = fields.Integer(load_default=None, metadata={"description": "A stored assessment."})
    old_text = fields.String(load_default=None, metadata={"description": "The old version's text."})
    new_text = fields.String(load_default=None, metadata={"description": "The new version's text."})
    rule_sets = fields.List(fields.String(), load_default=None, allow_none=True,
                            validate=validate.Length(min=1, error="Choose at least one rule set, or leave "
                                                                  "rule_sets out to apply them all."),
                            metadata={"description": "With texts: rule set ids (default: every bundled set)."})
    document_kind = fields.String(load_default="agreement", validate=KINDS,
                                  metadata={"description": "With texts: the kind of both versions."})

    @validates_schema
    def _one_pair(self, data, **kwargs):
        ids = data.get("old_assessment_id") is not None, data.get("new_assessment_id") is not None
        texts = data.get("old_text") is not None, data.get("new_text") is not None
        if any(ids) and any(texts):
            raise ValidationError("Send two assessment ids or two texts, not both.", "body")
        if not (all(ids) or all(texts)):
            raise ValidationError("Send old_assessment_id and new_assessment_id, or old_text and new_text.",
                                  "body")
        if all(ids) and (data.get("rule_sets") is not None or data.get("document_kind") != "agreement"):
            raise ValidationError("rule_sets and document_kind go with texts: stored assessments keep their own.",
                                  "body")


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


class ReliedOnSchema(_Out):
    ref = fields.String(required=True, metadata={"description": "The provision's reference."})
    sha256 = fields.String(required=True, metadata={"description": "Hash of its normalised wording."})
    unchanged = fields.Boolean(metadata={"description": "On a carried review: the wording is in the new "
                                                        "version unchanged."})


class CurrentReviewSchema(_Out):
    status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    reviewer = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.String(required=True)
    needs_rereview = fields.Boolean(required=True)
    carried_from_review_id = fields.Integer(required=True, allow_none=True)
    provisions = fields.List(fields.Nested(ReliedOnSchema), required=True)


class AuditEntrySchema(_Out):
    id = fields.Integer(required=True)
    action = fields.String(required=True, validate=validate.OneOf(("set", "withdraw")))
    from_ = fields.String(required=True, attribute="from", data_key="from",
                          metadata={"description": "The status shown before."})
    to = fields.String(required=True, metadata={"description": "The status shown after."})
    reviewer = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.String(required=True)
    carried_from_review_id = fields.Integer(required=True, allow_none=True)
    needs_rereview = fields.Boolean(required=True)


class ReviewSchema(_Out):
    """One row of the append-only audit trail."""

    id = fields.Integer(required=True)
    assessment_id = fields.Integer(required=True)
    demand = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(("set", "withdraw")))
    from_status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    to_status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    reviewer = fields.String(required=True)
    reason = fields.String(required=True)
    created_at = fields.String(required=True)
    carried_from_review_id = fields.Integer(required=True, allow_none=True,
                                            metadata={"description": "The review on the previous version "
                                                                     "this one was carried from."})
    needs_rereview = fields.Boolean(required=True)
    provisions = fields.List(fields.Nested(ReliedOnSchema), required=True,
                             metadata={"description": "The evidence provisions the review relied on."})


class ReviewListSchema(_Out):
    reviews = fields.List(fields.Nested(ReviewSchema), required=True)


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
    machine_status = fields.String(validate=validate.OneOf(STATUS_ORDER),
                                   metadata={"description": "The automatic reading, when the assessment has "
                                                            "reviews (status is then the reviewed one)."})
    review = fields.Nested(CurrentReviewSchema, allow_none=True,
                           metadata={"description": "The current review, or null."})
    audit = fields.List(fields.Nested(AuditEntrySchema),
                        metadata={"description": "Every review row of this demand, oldest first."})


class SummarySchema(_Out):
    contradicted = fields.Integer(required=True)
    absent = fields.Integer(required=True)
    partial = fields.Integer(required=True)
    met = fields.Integer(required=True)


class FlagSchema(_Out):
    code = fields.String(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    provision = fields.String(required=True, allow_none=True)   # null: about the whole document
    quote = fields.String(required=True, allow_none=True)
    start = fields.Integer(required=True, allow_none=True)
    end = fields.Integer(required=True, allow_none=True)


class SpeakerOutSchema(_Out):
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "state | eu | asp | un | icc | otp | other | unknown"})
    source = fields.String(required=True, metadata={"description": "given | detected | unknown"})
    evidence = fields.String(required=True, metadata={"description": "The words it was read from."})


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
    speaker = fields.Nested(SpeakerOutSchema, required=True, allow_none=True,
                            metadata={"description": "A statement's speaker (null for an agreement)."})
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


class DiffOpSchema(_Out):
    op = fields.String(required=True, validate=validate.OneOf(("equal", "insert", "delete", "replace")))
    old = fields.String(required=True)
    new = fields.String(required=True)


class ProvisionChangeSchema(_Out):
    old_ref = fields.String(required=True, allow_none=True)
    new_ref = fields.String(required=True, allow_none=True)
    old_refs = fields.List(fields.String(), required=True,
                           metadata={"description": "Every old provision of the row (several when merged)."})
    new_refs = fields.List(fields.String(), required=True,
                           metadata={"description": "Every new provision of the row (several when split)."})
    old_text = fields.String(required=True)
    new_text = fields.String(required=True)
    change = fields.String(required=True, validate=validate.OneOf(CHANGES))
    similarity = fields.Float(required=True)
    diff = fields.List(fields.Nested(DiffOpSchema), required=True)


class ReviewMarkSchema(_Out):
    status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    reviewer = fields.String(required=True)
    needs_rereview = fields.Boolean(required=True)


class DemandChangeSchema(_Out):
    demand = fields.String(required=True)
    rule_set = fields.String(required=True)
    title = fields.String(required=True)
    section = fields.String(required=True, validate=validate.OneOf(("gaps", "asks-to-states")))
    old_status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    new_status = fields.String(required=True, validate=validate.OneOf(STATUS_ORDER))
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    old_review = fields.Nested(ReviewMarkSchema, required=True, allow_none=True,
                               metadata={"description": "A person's review of the demand on the old version, if any; "
                                                        "old_status stays the engine's."})
    new_review = fields.Nested(ReviewMarkSchema, required=True, allow_none=True)
    old_reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    new_reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    old_evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    new_evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    provisions = fields.List(fields.Nested(ProvisionChangeSchema), required=True)


class NotComparedSchema(_Out):
    demand = fields.String(required=True)
    title = fields.String(required=True)
    only_in = fields.String(required=True, validate=validate.OneOf(("old", "new")))


class DirectionCountsSchema(_Out):
    improved = fields.Integer(required=True)
    regressed = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


class ComparisonSummarySchema(DirectionCountsSchema):
    text = fields.String(required=True, metadata={"description": "One readable paragraph, regressions first."})
    asks_to_states = fields.Nested(DirectionCountsSchema, required=True)


class ProvisionPairSchema(_Out):
    old_ref = fields.String(required=True, allow_none=True)
    new_ref = fields.String(required=True, allow_none=True)
    old_refs = fields.List(fields.String(), required=True)
    new_refs = fields.List(fields.String(), required=True)
    change = fields.String(required=True, validate=validate.OneOf(CHANGES))
    similarity = fields.Float(required=True)


class ComparisonSchema(_Out):
    """What changed between two versions of a draft (schema ``checklist.comparison/1``)."""

    schema = fields.String(required=True, validate=validate.Equal("checklist.comparison/1"))
    old = fields.Nested(DocumentInfoSchema, required=True)
    new = fields.Nested(DocumentInfoSchema, required=True)
    document_kind = fields.String(required=True, validate=KINDS)
    rule_sets = fields.List(fields.Nested(RuleSetRefSchema), required=True)
    changes = fields.List(fields.Nested(DemandChangeSchema), required=True)
    not_compared = fields.List(fields.Nested(NotComparedSchema), required=True)
    summary = fields.Nested(ComparisonSummarySchema, required=True)
    provision_map = fields.List(fields.Nested(ProvisionPairSchema), required=True)


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
