"""Load and validate rule sets: one TOML file a demand, validated with marshmallow.

Layout (see the README section "Writing a rule")::

    rules/concepts.toml            shared concepts: named term lists per language
    rules/<set>/ruleset.toml       the set's metadata (source, date, addressee, signatories)
    rules/<set>/<number>.toml      one demand: wording, match specification, messages, examples

Every problem in every file is reported, as ``path:line: field: what is wrong``.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import terms
from .errors import RuleError

STATUSES = ("met", "partial", "absent", "contradicted")
REASON_CODES = ("weak", "scope", "elements", "conditional", "traded", "preamble", "negated",
                "contradiction", "addressee")
LANGUAGES = ("en", "uk", "ru")
CONCEPT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def default_rules_dir() -> Path:
    """``$CHECKLIST_RULES`` if set, else the bundled rule sets (see :mod:`checklist.resources`)."""
    from .resources import configured_rules_dir

    return configured_rules_dir()


# ---------------------------------------------------------------- schemas


def _valid_term(text: str) -> None:
    problem = terms.check(text)
    if problem:
        raise ValidationError(f'term "{text}": {problem}')


class TermsSchema(Schema):
    """A concept: term lists per language, in the term syntax of ``checklist.terms`` (words
    in dictionary form, ``=exact``, ``prefix*``, ``<num>``, ``_``, ``(a|b)``, ``[optional]``,
    ``~N`` gaps)."""

    en = fields.List(fields.String(validate=_valid_term), load_default=list)
    uk = fields.List(fields.String(validate=_valid_term), load_default=list)
    ru = fields.List(fields.String(validate=_valid_term), load_default=list)
    # why a concept the engine or a demand uses has no Ukrainian or Russian terms (e.g. a
    # concept that names one English-language body); without it `checklist rules test` fails
    exempt_languages = fields.String(validate=validate.Length(min=10))
    # a shared concept whose words stand for this one once a document names it ("the Court" for
    # the International Criminal Court): see ``Reading.with_anaphor``
    anaphor = fields.String(validate=validate.Regexp(CONCEPT_NAME, error="not a concept name"))
    # an anaphor concept whose words count only capitalised ("the Court", not "the court of appeal")
    capitalised = fields.Boolean()

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not any(data.get(lang) for lang in LANGUAGES):
            raise ValidationError("a concept needs at least one term (en, uk or ru)")


ConceptList = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME,
                                                                 error="not a concept name")))


class QualifierSchema(Schema):
    """A narrowing qualifier: a hit whose sentence has ``any`` of these concepts (and none of
    ``unless``) meets the demand only in part, for the reason ``code``."""

    any = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), required=True,
                      validate=validate.Length(min=1))
    unless = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), load_default=list)
    code = fields.String(required=True, validate=validate.OneOf(("scope", "traded", "conditional", "weak")))
    text = fields.String(required=True, validate=validate.Length(min=10))


class ElementSchema(Schema):
    """An element of the demand: met needs each element in a firm (binding, unconditional,
    unqualified) hit; a missing one makes the demand partial."""

    name = fields.String(required=True)
    any = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), required=True,
                      validate=validate.Length(min=1))
    code = fields.String(load_default="elements", validate=validate.OneOf(("elements", "scope")))
    missing = fields.String(required=True, validate=validate.Length(min=10))
    # concepts whose negation gives the element ("no resident shall be required to obtain" a
    # Russian passport gives "without Russian papers")
    negated = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), load_default=list)


class ContradictSchema(Schema):
    """A contradiction: all concepts of ``all`` in one sentence, not negated, and no group of
    ``unless`` (each a list of concepts that must all occur) anywhere in the same provision."""

    all = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), required=True,
                      validate=validate.Length(min=1))
    unless = fields.List(fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME))),
                         load_default=list)
    text = fields.String(required=True, validate=validate.Length(min=10))
    # a negated condition with an exception still imposes it on those excepted ("no passport is
    # required, except for public employment, for which it is mandatory")
    exception_reasserts = fields.Boolean(load_default=False)


class MatchSchema(Schema):
    topic = fields.List(fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)),
                                    validate=validate.Length(min=1)),
                        required=True, validate=validate.Length(min=1))
    exclude = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), load_default=list)
    negation = fields.String(load_default="contradicts",
                             validate=validate.OneOf(("contradicts", "ignore")))
    # the demand's action (release, return, admit ...): with negation = "contradicts", only a
    # clause that negates the action itself rules the demand out ("visits shall not be
    # allowed" does not refuse the repatriation of prisoners of war)
    action = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), load_default=list)
    # concepts that must apply to people: a clause where one occurs only next to a thing
    # ("cargo vessels detained in port shall be released") does not take up the demand
    people = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), load_default=list)
    # the demand is itself a call on someone (CODEBOOK: cicc-icc-2025/2): "calls on" is then
    # the act demanded, not weak wording
    call_is_the_act = fields.Boolean(load_default=False)
    # groups that take up the demand only where their first concept is negated: a demand to
    # end something ("No citizen shall be prosecuted or detained for their views" ends
    # persecution)
    negated_topic = fields.List(fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)),
                                            validate=validate.Length(min=1)), load_default=list)
    element = fields.List(fields.Nested(ElementSchema), load_default=list)
    narrow = fields.List(fields.Nested(QualifierSchema), load_default=list)
    contradict = fields.List(fields.Nested(ContradictSchema), load_default=list)


class MessagesSchema(Schema):
    met = fields.String(required=True)
    partial = fields.String(required=True)
    absent = fields.String(required=True)
    contradicted = fields.String(load_default=None)


class ExampleSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=10))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reasons = fields.List(fields.String(validate=validate.OneOf(REASON_CODES)), load_default=list)
    todo = fields.Boolean(load_default=False)
    note = fields.String(load_default=None)


ADDRESSEE_KINDS = ("state", "eu", "asp", "un", "icc", "otp")


class AddresseeSchema(Schema):
    """A body an ask of states and institutions addresses, and what it must do (from the
    source letter): a statement of policy by one of these can meet the ask."""

    kind = fields.String(required=True, validate=validate.OneOf(ADDRESSEE_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=2))
    must = fields.String(required=True, validate=validate.Length(min=10))


class DemandSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True, validate=validate.Length(min=3, max=120))
    source_wording = fields.String(required=True, validate=validate.Length(min=10))
    theme = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    where = fields.String(load_default="agreement", validate=validate.OneOf(("agreement", "policy")))

    @validates_schema
    def _policy_has_addressees(self, data, **kwargs):
        if data.get("where") == "policy" and not data.get("addressee"):
            raise ValidationError("an ask of states and institutions (where = \"policy\") names the bodies it "
                                  "addresses: add [[addressee]] tables with kind, name and must",
                                  field_name="addressee")

    related = fields.List(fields.String(), load_default=list)
    addressee = fields.List(fields.Nested(AddresseeSchema), load_default=list)
    messages = fields.Nested(MessagesSchema, required=True)
    match = fields.Nested(MatchSchema, required=True)
    concepts = fields.Dict(keys=fields.String(validate=validate.Regexp(CONCEPT_NAME)),
                           values=fields.Nested(TermsSchema), load_default=dict)
    example = fields.List(fields.Nested(ExampleSchema), required=True,
                          validate=validate.Length(min=2))


class RuleSetSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    version = fields.String(required=True)
    title = fields.String(required=True)
    source = fields.String(required=True)          # the seed document
    source_title = fields.String(load_default=None)
    organisations = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    date = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"))
    addressee = fields.String(required=True)
    signatories = fields.List(fields.String(), load_default=list)
    url = fields.String(load_default=None)
    # the source's own numbered demands (sub-points lettered), for `checklist rules coverage`
    source_demands = fields.List(fields.String(validate=validate.Regexp(r"^\d+[a-z]?$")), load_default=list)


# ---------------------------------------------------------------- model
# Demand, RuleSet and Library live in checklist.library (no marshmallow), so that a library
# from the cache (checklist.rulecache) loads without importing the validator.

from .library import Demand, Library, RuleSet  # noqa: E402,F401  (re-exported)


# ---------------------------------------------------------------- loading


def _line_of(lines: list[str], path: tuple) -> int:
    """Best-effort line number of a (possibly nested) field in a TOML file."""
    line = 0
    keys = [p for p in path if not isinstance(p, int)]
    # Walk: for table arrays like example[2].status find the 3rd [[example]] header.
    i = 0
    pos = 0
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if isinstance(nxt, int):
            header = re.compile(r"^\s*\[\[\s*(?:[\w.]*\.)?%s\s*\]\]" % re.escape(str(key)))
            count = -1
            for n in range(pos, len(lines)):
                if header.match(lines[n]):
                    count += 1
                    if count == nxt:
                        pos, line = n, n + 1
                        break
            else:
                # inline array: point at the key
                for n in range(pos, len(lines)):
                    if re.match(r"^\s*%s\s*=" % re.escape(str(key)), lines[n]):
                        pos, line = n, n + 1
                        break
            i += 2
            continue
        pattern = re.compile(r"^\s*(\[\s*(?:[\w.\"]*\.)?\"?%s\"?\s*\]|\"?%s\"?\s*=)" % (re.escape(str(key)), re.escape(str(key))))
        for n in range(pos, len(lines)):
            if pattern.match(lines[n]):
                pos, line = n, n + 1
                break
        i += 1
    del keys
    return line or 1


def _flatten(messages, prefix=()):
    if isinstance(messages, dict):
        for k, v in messages.items():
            yield from _flatten(v, prefix + (k,))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        for m in messages:
            yield prefix, m
    elif isinstance(messages, list):
        for i, v in enumerate(messages):
            yield from _flatten(v, prefix + (i,))
    else:
        yield prefix, str(messages)


def _field_name(path: tuple) -> str:
    out = ""
    for p in path:
        if p == "value":
            continue            # marshmallow's key for a Dict field's values ("concepts.x.value.en")
        if isinstance(p, int):
            out += f"[{p + 1}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "file"


def _read_toml(path: Path, problems: list[str]):
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}:1: file: cannot be read as UTF-8 text ({exc})")
        return None, []
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.append(f"{path}:{m.group(1) if m else 1}: toml: {exc}")
        return None, []
    return data, raw.splitlines()


def _validate(schema: Schema, data: dict, path: Path, lines: list[str], problems: list[str], prefix=()):
    """``schema.load(data)``, or None with every problem added; ``prefix`` is where ``data``
    sits in the file (a concept's table), so line numbers point into it."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        for fpath, msg in _flatten(exc.messages, tuple(prefix)):
            msg = msg.rstrip(".").replace("Unknown field", "unknown field").replace(
                "Missing data for required field", "missing (required)")
            problems.append(f"{path}:{_line_of(lines, fpath)}: {_field_name(fpath)}: {msg}")
        return None


def _number_from_file(path: Path) -> str:
    stem = path.stem
    m = re.match(r"^0*(\d+[a-z]?)(?:[-_].*)?$", stem)
    return m.group(1) if m else stem


def load_concepts(path: Path, problems: list[str]) -> dict:
    data, lines = _read_toml(path, problems)
    if data is None:
        return {}
    out = {}
    for name, terms in data.items():
        if not CONCEPT_NAME.match(name):
            problems.append(f"{path}:{_line_of(lines, (name,))}: {name}: not a concept name (use lowercase letters, digits and _)")
            continue
        if not isinstance(terms, dict):
            problems.append(f"{path}:{_line_of(lines, (name,))}: {name}: must be a table of term lists per language")
            continue
        loaded = _validate(TermsSchema(), terms, path, lines, problems, (name,))
        if loaded is not None:
            out[name] = loaded
    return out


RESERVED_CONCEPTS = ("weak", "weak_void", "negation_void", "negated_action", "conditional", "conditional_void",
                     "negator", "deferral", "traded_marker", "negative_subject", "obstruction", "position", "inclusive", "carve_out", "reversal", "non_person", "person", "restrictive", "call", "custody", "hypothetical", "position_verb",
                     "reported_future", "disapproval", "policy_predicate")


def _check_concepts(demand: dict, concepts: dict, path: Path, lines, problems):
    known = set(concepts) | set(demand.get("concepts", {}))
    match = demand["match"]
    used = []
    for i, group in enumerate(match["topic"]):
        used += [(("match", "topic"), c) for c in group]
    used += [(("match", "exclude"), c) for c in match["exclude"]]
    used += [(("match", "action"), c) for c in match.get("action", [])]
    used += [(("match", "people"), c) for c in match.get("people", [])]
    for i, group in enumerate(match.get("negated_topic", [])):
        used += [(("match", "negated_topic"), c) for c in group]
    for kind in ("element", "narrow"):
        for i, q in enumerate(match[kind]):
            used += [(("match", kind, i, "any"), c) for c in q["any"]]
            used += [(("match", kind, i, "unless"), c) for c in q.get("unless", [])]
            used += [(("match", kind, i, "negated"), c) for c in q.get("negated", [])]
    for i, c in enumerate(match["contradict"]):
        used += [(("match", "contradict", i, "all"), x) for x in c["all"]]
        for grp in c["unless"]:
            used += [(("match", "contradict", i, "unless"), x) for x in grp]
    for fpath, name in used:
        if name not in known:
            problems.append(f"{path}:{_line_of(lines, fpath)}: {_field_name(fpath)}: unknown concept '{name}' "
                            f"(define it in rules/concepts.toml or under [concepts.{name}])")
    if match["contradict"] and not demand["messages"].get("contradicted"):
        problems.append(f"{path}:{_line_of(lines, ('messages',))}: messages.contradicted: missing "
                        f"(required when the demand has [[match.contradict]] entries)")


class FlagSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    title = fields.String(required=True)
    all = fields.List(fields.String(validate=validate.Regexp(CONCEPT_NAME)), required=True,
                      validate=validate.Length(min=1))
    text = fields.String(required=True, validate=validate.Length(min=10))


def load_flags(path: Path, concepts: dict, problems: list[str]) -> list[dict]:
    """Context flags (``[[flag]]`` tables): shown above the statuses, changing none of them."""
    if not path.exists():
        return []
    data, lines = _read_toml(path, problems)
    if data is None:
        return []
    out = []
    for i, raw in enumerate(data.get("flag", [])):
        f = _validate(FlagSchema(), raw, path, lines, problems)
        if f is None:
            continue
        for name in f["all"]:
            if name not in concepts:
                problems.append(f"{path}:{_line_of(lines, ('flag', i, 'all'))}: flag[{i + 1}].all: unknown concept '{name}'")
        out.append(f)
    return out


class ThemeSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    title = fields.String(required=True)
    description = fields.String(load_default="")


def load_themes(path: Path, problems: list[str]) -> dict:
    """The theme map: ``[[theme]]`` tables in order; a demand belongs to exactly one theme."""
    if not path.exists():
        return {}
    data, lines = _read_toml(path, problems)
    if data is None:
        return {}
    out = {}
    for i, raw in enumerate(data.get("theme", [])):
        t = _validate(ThemeSchema(), raw, path, lines, problems)
        if t is not None:
            out[t["id"]] = {"title": t["title"], "description": t["description"], "order": i}
    return out


def load_rule_set(folder: Path, concepts: dict, problems: list[str]) -> RuleSet | None:
    meta_path = folder / "ruleset.toml"
    if not meta_path.exists():
        problems.append(f"{meta_path}:1: file: missing; every rule set folder needs a ruleset.toml")
        return None
    data, lines = _read_toml(meta_path, problems)
    meta = _validate(RuleSetSchema(), data, meta_path, lines, problems) if data is not None else None
    if meta is not None and meta["id"] != folder.name:
        problems.append(f"{meta_path}:{_line_of(lines, ('id',))}: id: '{meta['id']}' does not match the folder name '{folder.name}'")
    demands = []
    before = len(problems)
    for path in sorted(folder.glob("*.toml")):
        if path.name == "ruleset.toml":
            continue
        ddata, dlines = _read_toml(path, problems)
        if ddata is None:
            continue
        demand = _validate(DemandSchema(), ddata, path, dlines, problems)
        if demand is None:
            continue
        number = _number_from_file(path)
        expected = f"{folder.name}/{number}"
        if demand["id"] != expected:
            problems.append(f"{path}:{_line_of(dlines, ('id',))}: id: '{demand['id']}' does not match the file; expected '{expected}'")
            continue
        _check_concepts(demand, concepts, path, dlines, problems)
        demands.append(Demand(
            id=demand["id"], rule_set=folder.name, number=number, title=demand["title"],
            source_wording=demand["source_wording"], theme=demand["theme"], where=demand["where"],
            related=tuple(demand["related"]), messages=demand["messages"], match=demand["match"],
            concepts=demand["concepts"], examples=tuple(demand["example"]), path=str(path),
            addressees=tuple(demand["addressee"])))
    if meta is None or len(problems) > before:
        return None
    demands.sort(key=lambda d: d.sort_key)
    return RuleSet(id=meta["id"], version=meta["version"], title=meta["title"], meta=meta,
                   demands=tuple(demands), path=str(folder))


def load_library(root: Path | str | None = None) -> Library:
    """Load every rule set under ``root``; raise RuleError listing all problems."""
    root = Path(root) if root else default_rules_dir()
    problems: list[str] = []
    if not root.is_dir():
        raise RuleError(f"Rules folder {root} not found: set CHECKLIST_RULES to the folder that holds the rule sets.")
    concepts = load_concepts(root / "concepts.toml", problems) if (root / "concepts.toml").exists() else {}
    concept_paths = {name: str(root / "concepts.toml") for name in concepts}
    for extra in sorted((root / "concepts.d").glob("*.toml")):
        more = load_concepts(extra, problems)
        for name in sorted(set(more) & set(concepts)):
            problems.append(f"{extra}:1: {name}: concept already defined in another concepts file; rename one")
        concepts.update({k: v for k, v in more.items() if k not in concepts})
        concept_paths.update({k: str(extra) for k in more if k not in concept_paths})
    for name, concept in concepts.items():
        target = concept.get("anaphor")
        if target and target not in concepts:
            where = Path(concept_paths.get(name, root / "concepts.toml"))
            text = where.read_text(encoding="utf-8").splitlines()
            line = next((i for i, ln in enumerate(text, 1) if ln.strip().startswith("anaphor")
                         and f'"{target}"' in ln), 1)
            problems.append(f"{where}:{line}: {name}.anaphor: unknown concept '{target}' "
                            f"(define it as a shared concept in rules/concepts.toml or rules/concepts.d)")
    themes = load_themes(root / "themes.toml", problems)
    flags = load_flags(root / "flags.toml", concepts, problems)
    for name in RESERVED_CONCEPTS:
        if name not in concepts:
            problems.append(f"{root / 'concepts.toml'}:1: {name}: missing; the engine needs this shared concept")
    lib = Library(root=root, concepts=concepts, themes=themes, flags=flags, concept_paths=concept_paths)
    for folder in sorted(p for p in root.iterdir()
                         if p.is_dir() and not p.name.startswith((".", "_")) and p.name != "concepts.d"):
        rs = load_rule_set(folder, concepts, problems)
        if rs is not None:
            lib.rule_sets[rs.id] = rs
    known_ids = {d.id for rs in lib.rule_sets.values() for d in rs.demands}
    for rs in lib.rule_sets.values():
        for d in rs.demands:
            if themes and d.theme not in themes:
                problems.append(f"{d.path}:1: theme: unknown theme '{d.theme}' (choose one of rules/themes.toml: "
                                f"{', '.join(themes)})")
            for other in d.related:
                if other.partition("/")[0] not in lib.rule_sets and (root / other.partition("/")[0]).is_dir():
                    continue        # its rule set has problems of its own, reported above
                if other not in known_ids or other == d.id:
                    lines = Path(d.path).read_text(encoding="utf-8").splitlines()
                    what = "a demand cannot be related to itself" if other == d.id else f'unknown demand "{other}"'
                    problems.append(f"{d.path}:{_line_of(lines, ('related',))}: related: {what}")
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in the rule files:\n" + "\n".join(problems), problems)
    return lib


def used_concepts(demand: Demand) -> list[str]:
    """The concepts a demand's status rests on: its topic, elements, narrowing qualifiers and
    contradictions (not ``exclude`` or ``unless``, which only take hits away)."""
    match = demand.match
    names = [c for group in match["topic"] for c in group]
    names += [c for kind in ("element", "narrow") for q in match[kind] for c in q["any"]]
    names += [c for q in match["contradict"] for c in q["all"]]
    return list(dict.fromkeys(names))


def language_gaps(library: Library, languages=("uk", "ru")) -> list[str]:
    """Each concept that the engine (the reserved qualifiers) or a demand relies on and that
    has no terms in Ukrainian or Russian, unless its table says why (``exempt_languages``):
    ``path: concept 'name': no uk terms (...)``, one line a concept."""
    shared_path = str(library.root / "concepts.toml")
    seen: dict[tuple[str, str], tuple[dict, list[str]]] = {}
    for name in RESERVED_CONCEPTS:
        if name in library.concepts:
            seen[(library.concept_paths.get(name, shared_path), name)] = (library.concepts[name], [])
    for demand in library.all_demands():
        for name in used_concepts(demand):
            if name in demand.concepts:
                where, concept = demand.path, demand.concepts[name]
            elif name in library.concepts:
                where, concept = library.concept_paths.get(name, shared_path), library.concepts[name]
            else:
                continue
            seen.setdefault((where, name), (concept, []))[1].append(demand.id)
    gaps = []
    for (path, name), (concept, users) in seen.items():
        if concept.get("exempt_languages"):
            continue
        missing = [lang for lang in languages if not concept.get(lang)]
        if missing:
            who = f"used by {', '.join(sorted(set(users)))}" if users else "a shared qualifier"
            gaps.append(f"{path}: concept '{name}': no {' or '.join(missing)} terms ({who}); add them, "
                        f'or say why not with exempt_languages = "..."')
    return sorted(gaps)


def coverage(library: Library) -> list[dict]:
    """For each rule set, each demand its source numbers and the rule file that encodes it."""
    rows = []
    for rs in library.select():
        files = {d.number: d for d in rs.demands}
        numbers = list(rs.meta.get("source_demands") or [])
        numbers += [n for n in files if n not in numbers]
        for n in numbers:
            d = files.get(n)
            rows.append({"rule_set": rs.id, "source": rs.meta["source"], "number": n,
                         "demand": f"{rs.id}/{n}", "rule": d.path if d else None,
                         "title": d.title if d else None,
                         "listed_in_source": n in (rs.meta.get("source_demands") or [])})
    return rows


# ---------------------------------------------------------------- extra folders and the cache
#
# Below, load_library is wrapped: a user's own rule sets in $CHECKLIST_RULES_EXTRA or
# --rules-dir beside the bundled ones (load_library_with), and the validated library kept
# between processes while no rule file, nor this module, nor the engine changed
# (checklist.rulecache, which calls load_library_with only when its cache misses).

EXTRA_ENV = "CHECKLIST_RULES_EXTRA"


def extra_rules_dirs() -> list[Path]:
    """The folders in ``$CHECKLIST_RULES_EXTRA`` (separated by ``os.pathsep``)."""
    from .resources import extra_rules_dirs as found

    return found()


def _extra_set_folders(extra: Path, problems: list[str]) -> list[Path]:
    """An extra folder is one rule set (it holds ``ruleset.toml``) or a folder of rule sets."""
    if (extra / "ruleset.toml").is_file():
        return [extra]
    folders = sorted(p for p in extra.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
                     and p.name != "concepts.d" and (p / "ruleset.toml").is_file())
    if not folders:
        problems.append(f"{extra}: no rule set here; a rule-set folder holds a ruleset.toml and one "
                        f"TOML file a demand (see the README, \"Writing a rule\")")
    return folders


def load_library_with(root: Path | str | None = None, extras=()) -> Library:
    """:func:`load_library` of ``root``, then the rule sets of each folder in ``extras`` beside
    them. An extra set uses the shared concepts, themes and flags; a folder of sets may add
    concepts of its own in ``concepts.toml`` (and ``concepts.d/``), under new names. Raise
    RuleError listing every problem of the extra folders."""
    extras = [Path(p) for p in extras]
    for extra in extras:
        if not extra.is_dir():
            raise RuleError(f"Rule folder {extra} not found: check the folder given to --rules-dir or "
                            f"{EXTRA_ENV}.")
    lib = load_library(root)
    problems: list[str] = []
    for extra in extras:
        folders = _extra_set_folders(extra, problems)
        if folders and folders != [extra]:
            more_files = [extra / "concepts.toml"] if (extra / "concepts.toml").is_file() else []
            more_files += sorted((extra / "concepts.d").glob("*.toml"))
            for path in more_files:
                more = load_concepts(path, problems)
                for name in sorted(set(more) & set(lib.concepts)):
                    problems.append(f"{path}:1: {name}: concept already defined in the bundled concepts; "
                                    f"rename yours")
                lib.concepts.update({k: v for k, v in more.items() if k not in lib.concepts})
        for folder in folders:
            before = len(problems)
            rs = load_rule_set(folder, lib.concepts, problems)
            if rs is None or len(problems) > before:
                continue
            if rs.id in lib.rule_sets:
                problems.append(f"{folder / 'ruleset.toml'}:1: id: rule set '{rs.id}' is already defined in "
                                f"{lib.rule_sets[rs.id].path}; give yours another id and folder name")
                continue
            for d in rs.demands:
                if lib.themes and d.theme not in lib.themes:
                    problems.append(f"{d.path}:1: theme: unknown theme '{d.theme}' (choose one of "
                                    f"rules/themes.toml: {', '.join(lib.themes)})")
            lib.rule_sets[rs.id] = rs
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in the rule files:\n" + "\n".join(problems), problems)
    return lib


def library(extras=()) -> Library:
    """The rule sets of ``$CHECKLIST_RULES`` (default: the bundled ones), of
    ``$CHECKLIST_RULES_EXTRA`` and of ``extras``: validated once (see :mod:`checklist.rulecache`)."""
    from .rulecache import library as cached

    return cached(extras)


def bundled_library() -> Library:
    """The rule sets shipped with checklist (or ``$CHECKLIST_RULES``), and those of
    ``$CHECKLIST_RULES_EXTRA`` (cached; rule files are validated once)."""
    return library()
