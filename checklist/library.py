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
