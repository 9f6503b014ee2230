"""The rule library's model: a demand, a rule set, and the library of every rule set with
the shared concepts. Plain data: :mod:`checklist.rules` builds it from the validated rule
files, and :mod:`checklist.rulecache` keeps it (pickled) between processes. Imports no
marshmallow, so a cached library loads without the validator."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RuleError


@dataclass(frozen=True)
class Demand:
    id: str
    rule_set: str
    number: str
    title: str
    source_wording: str
    theme: str
    where: str
    related: tuple[str, ...]
    messages: dict
    match: dict
    concepts: dict
    examples: tuple[dict, ...]
    path: str
    addressees: tuple[dict, ...] = ()   # the bodies an ask of states and institutions addresses

    @property
    def addressee_kinds(self) -> frozenset:
        return frozenset(a["kind"] for a in self.addressees)

    @property
    def sort_key(self):
        m = re.match(r"(\d+)(.*)", self.number)
        return (int(m.group(1)), m.group(2)) if m else (10**6, self.number)


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title: str
    meta: dict
    demands: tuple[Demand, ...]
    path: str


@dataclass
class Library:
    """All rule sets found in a rules folder, with the shared concepts."""

    root: Path
    concepts: dict
    themes: dict = field(default_factory=dict)       # theme id -> {"title", "order"}
    flags: list = field(default_factory=list)        # context flags (rules/flags.toml)
    rule_sets: dict = field(default_factory=dict)
    concept_paths: dict = field(default_factory=dict)   # shared concept name -> its file
    compiled: dict = field(default_factory=dict)        # term tuple -> compiled terms (cache)
    # concept key -> compiled terms, and the index of every concept: built when first asked
    # (compiled_concept, lexicon); the rule cache pickles them with the library
    _keyed: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _lexicon: object = field(default=None, init=False, repr=False, compare=False)

    def get(self, set_id: str) -> RuleSet:
        try:
            return self.rule_sets[set_id]
        except KeyError:
            known = ", ".join(sorted(self.rule_sets)) or "none"
            raise RuleError(f"Unknown rule set '{set_id}': choose one of {known}.") from None

    def select(self, ids=None) -> list[RuleSet]:
        if not ids:
            return [self.rule_sets[k] for k in sorted(self.rule_sets)]
        return [self.get(i) for i in ids]

    def demand(self, demand_id: str) -> Demand:
        set_id, _, _ = demand_id.partition("/")
        for d in self.get(set_id).demands:
            if d.id == demand_id:
                return d
        raise RuleError(f"Unknown demand '{demand_id}': run `checklist rules list` to see the demand IDs.")

    def all_demands(self):
        for rs in self.select():
            yield from rs.demands

    def all_concepts(self):
        """Every concept as ``(name, term lists)``: the shared ones, then each demand's own."""
        yield from self.concepts.items()
        for demand in self.all_demands():
            yield from demand.concepts.items()

    def compiled_concept(self, name: str, demand: Demand | None = None) -> tuple:
        """``(key, compiled terms)`` of the concept ``name`` as ``demand`` (one of this
        library's) sees it: its own concept of that name, else the shared one (none: no terms). The key names the concept
        in :attr:`lexicon` and in a reading's caches: the name for a shared concept,
        ``"<demand id>:<name>"`` for a demand's own. Compiled once per library; identical term
        lists share one compiled form (:attr:`compiled`)."""
        local = demand.concepts if demand is not None else None
        if local and name in local:
            key, source = f"{demand.id}:{name}", local[name]
        else:
            key, source = name, self.concepts.get(name)
        grouped = self._keyed.get(key)
        if grouped is None:
            from .engine import compile_terms, concept_terms

            terms = concept_terms(source)
            grouped = self.compiled.get(terms)
            if grouped is None:
                grouped = self.compiled[terms] = compile_terms(terms)
            self._keyed[key] = grouped
        return key, grouped

    def anaphor_of(self, name: str, demand: Demand | None = None) -> str | None:
        """The shared concept whose words stand for the concept ``name`` once a document names
        it (its table's ``anaphor``: ``icc_court`` -> ``icc_court_anaphor``, "the Court"); None
        for a demand's own concept of that name or a concept without one."""
        if demand is not None and name in demand.concepts:
            return None
        source = self.concepts.get(name)
        return source.get("anaphor") if isinstance(source, dict) else None

    def capitalised(self, name: str) -> bool:
        """Whether the shared concept's words count only capitalised (an anaphor's table's
        ``capitalised = true``: "the Court")."""
        source = self.concepts.get(name)
        return bool(isinstance(source, dict) and source.get("capitalised"))

    @property
    def lexicon(self):
        """Every concept of the library (the shared ones, then each demand's own) compiled
        into one index (:class:`checklist.engine.Lexicon`), built when first asked."""
        if self._lexicon is None:
            from .engine import Lexicon

            keyed = [self.compiled_concept(name) for name in self.concepts]
            keyed += [self.compiled_concept(name, d) for d in self.all_demands() for name in d.concepts]
            self._lexicon = Lexicon(keyed)
        return self._lexicon
