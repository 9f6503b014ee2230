"""Run every rule's own examples: each must get the status (and reasons) it declares.

An example marked ``todo`` is a known gap: it must still fail, so that fixing it is noticed
(a strict expected failure).
"""
from __future__ import annotations

from dataclasses import dataclass

from .documents import document_from_text
from .engine import Matcher, Reading, for_speaker
from .rules import Demand, Library
from .speaker import detect_kind, detect_speaker


@dataclass
class ExampleResult:
    demand: Demand
    number: int             # 1-based, in file order
    expected: str
    got: str
    expected_reasons: list[str]
    got_reasons: list[str]
    todo: bool

    @property
    def matches(self) -> bool:
        return self.got == self.expected and set(self.expected_reasons) <= set(self.got_reasons)

    @property
    def ok(self) -> bool:
        return self.matches != self.todo

    def describe(self) -> str:
        where = f"{self.demand.path}: example {self.number}"
        if self.todo and self.matches:
            return f"{where}: marked todo but now gets {self.got}: remove `todo = true`"
        if self.got != self.expected:
            return f"{where}: expected {self.expected}, got {self.got}"
        missing = sorted(set(self.expected_reasons) - set(self.got_reasons))
        return f"{where}: expected reasons {', '.join(missing)} missing (got {', '.join(self.got_reasons) or 'none'})"


def run_example(library: Library, demand: Demand, number: int, example: dict) -> ExampleResult:
    doc = document_from_text(example["text"], name=f"{demand.id} example {number}")
    # read as a user's upload is read (the kind of text, and a statement's speaker, from the
    # text), so that an example titled "Statement by ..." tests the statement reasoning
    statement = detect_kind(doc.text) == "statement"
    finding = Matcher(Reading.of(doc), library, statement=statement).evaluate(demand)
    if statement:
        finding = for_speaker(finding, demand, detect_speaker(doc.text))
    return ExampleResult(demand, number, example["status"], finding.status,
                         list(example.get("reasons", [])), [r.code for r in finding.reasons],
                         bool(example.get("todo")))


def run_examples(library: Library, set_ids=None) -> list[ExampleResult]:
    results = []
    for rs in library.select(set_ids):
        for demand in rs.demands:
            for i, ex in enumerate(demand.examples, 1):
                results.append(run_example(library, demand, i, ex))
    return results
