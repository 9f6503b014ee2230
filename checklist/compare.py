"""Two versions of a draft -> what changed for each demand, and which provisions changed.

``compare(old_doc, new_doc)`` assesses both versions; ``compare_assessments`` compares two
stored assessments without running the engine again (the documents are still needed, for
the provisions' wording). Both return a JSON-ready record (schema ``checklist.comparison/1``;
keys sorted when written)::

    {"schema", "old": {document block}, "new": {document block}, "document_kind", "rule_sets",
     "changes": [{"demand", "rule_set", "title", "section", "old_status", "new_status", "direction",
                  "old_review", "new_review", "old_reasons", "new_reasons", "old_evidence", "new_evidence",
                  "provisions": [{"old_ref", "new_ref", "old_refs", "new_refs", "old_text",
                                  "new_text", "change", "similarity", "diff": [{"op", "old", "new"}]}]}],
     "not_compared": [{"demand", "title", "only_in"}],
     "summary": {"improved", "regressed", "unchanged", "text", "asks_to_states": {...}},
     "provision_map": [{"old_ref", "new_ref", "old_refs", "new_refs", "change", "similarity"}]}

Statuses are ordered contradicted < absent < partial < met; a move up is ``improved``, a
move down ``regressed``. The statuses compared are the engine's, read from both texts alike;
where a person reviewed a demand on a stored version, ``old_review`` / ``new_review`` give that
review (``{"status", "reviewer", "needs_rereview"}``, else None) beside it, so a stale review
never hides what the new wording does. As in the assessment, demands in the "asks-to-states" section are
listed but counted apart.

How provisions are matched
--------------------------
A draft's numbering moves between versions, so provisions are matched by their wording with
the label stripped ("5." / "Article 5"), compared as lower-case word lists:

1. identical wording pairs first, in document order (a renumbered text is matched here);
2. the rest by ``SequenceMatcher`` ratio >= ``MATCH_THRESHOLD``, best pairs first. Candidates
   for each old provision are the new provisions that share its rarest words, the ones near
   its position and the one with its ref, so the work grows with the number of provisions,
   not with their product;
3. provisions without words of their own (a bare "Article 5" line) pair up by ref;
4. among what is left, one provision whose words are found in two to four consecutive ones of
   the other version (each part drawn mostly from it and bringing its own share of its words,
   together ``_SPLIT_COVER`` of them), in the same place between matched neighbours, was
   ``split`` into them, or they were ``merged`` into it (see ``_splits_and_merges``).

A matched pair is ``unchanged`` (same ref, same words), ``renumbered`` (same words under
another ref, or words that differ only in cross-references that follow the renumbering:
"point 5" -> "point 6" when point 5 became point 6) or ``modified``. Unmatched provisions are
``removed`` or ``added``. A split or merged row names every part (``old_refs`` /
``new_refs``; ``old_ref`` / ``new_ref`` is the first), and its texts and diff join the parts'
wording. Case and punctuation do not make a provision ``modified``, but the
word-level ``diff`` compares the words as written, so it still shows them. Provisions longer
than ``_LONG`` words are compared by their bags of words and diffed sentence by sentence.
"""
from __future__ import annotations

import copy
import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .assessment import STATUS_ORDER, assess
from .documents import Document
from .engine import Reading
from .provisions import Provision, split_provisions
from .rules import Library, RuleSet, bundled_library

SCHEMA = "checklist.comparison/1"
MATCH_THRESHOLD = 0.6
DIRECTIONS = ("regressed", "improved", "unchanged")
CHANGES = ("modified", "split", "merged", "added", "removed", "renumbered", "unchanged")

_RANK = {status: i for i, status in enumerate(STATUS_ORDER)}
_RARE_WORDS = 8          # an old provision's rarest words used to look up candidates
_MAX_POSTING = 64        # a word found in more provisions than this does not nominate candidates
_MAX_CANDIDATES = 10     # by shared rare words, per old provision
_NEIGHBOURS = 3          # unmatched new provisions taken on each side of the expected position
_LONG = 2000             # words: longer provisions are compared by bag of words, diffed by sentence
_MAX_PARTS = 4           # a provision split into (or merged from) at most this many
_MAX_GAP = 12            # unmatched provisions between two matched neighbours looked at for splits
_SPLIT_COVER = 0.8       # of a split (merged) provision's distinct words, found in its parts together
_SPLIT_SHARE = 0.1       # of them, found in each part and in no other part
_SPLIT_MIN_WORDS = 6     # distinct words: a shorter provision is not looked at for splits

_WORD = re.compile(r"\w+")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_LABEL_TAIL = " \t:.-–—)"
_REF_NUMBER = re.compile(r"(?:[^\W\d]+ )?(\d+)")
_REF_WORDS = frozenset("""
point points article articles art paragraph paragraphs para paras section sections clause clauses
item items annex annexes subparagraph subparagraphs
пункт пункту пункта пунктом пункті пункте пункты пунктів пунктов пунктами пунктах
стаття статті статтю статтею статей статтях статья статьи статью статьей статьях
""".split())
_CONJUNCTIONS = frozenset("and or to through і й та або до и или по".split())


# ---------------------------------------------------------------------------------------
# Public functions


def compare(old_doc: Document, new_doc: Document, rule_sets: list[RuleSet] | None = None,
            library: Library | None = None, document_kind: str = "agreement") -> dict:
    """Assess both versions of a draft and say what changed for each demand."""
    library = library or bundled_library()
    if rule_sets is None:
        rule_sets = library.select()
    old_reading, new_reading = Reading.of(old_doc), Reading.of(new_doc)
    old_a = assess(old_doc, rule_sets, library, document_kind, reading=old_reading)
    new_a = assess(new_doc, rule_sets, library, document_kind, reading=new_reading)
    return _compare(old_a, old_doc, old_reading.provisions, new_a, new_doc, new_reading.provisions)


def compare_assessments(old_assessment: dict, old_doc: Document,
                        new_assessment: dict, new_doc: Document) -> dict:
    """Compare two stored assessments of ``old_doc`` and ``new_doc`` without re-running them.

    Raises ValueError when an assessment was not made from the document given with it
    (its character count differs) or when the two were assessed as different kinds of text."""
    for which, a, doc in (("old", old_assessment, old_doc), ("new", new_assessment, new_doc)):
        if a["document"]["characters"] != len(doc.text):
            raise ValueError(f"The {which} assessment was made from a text of {a['document']['characters']:,} "
                             f"characters, but the {which} document has {len(doc.text):,}: pass the "
                             "document the assessment was made from.")
    if old_assessment.get("document_kind") != new_assessment.get("document_kind"):
        raise ValueError("The two assessments treat the text as different kinds of document "
                         f"({old_assessment.get('document_kind')} and {new_assessment.get('document_kind')}): "
                         "assess both versions with the same document kind.")
    return _compare(old_assessment, old_doc, split_provisions(old_doc.text, old_doc.pages or None),
                    new_assessment, new_doc, split_provisions(new_doc.text, new_doc.pages or None))


def to_json(comparison: dict) -> str:
    return json.dumps(comparison, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------
# Provisions: own wording without the label, and matching across versions


@dataclass(frozen=True)
class ProvisionText:
    """A provision's own wording with its label stripped: ``text`` (whitespace collapsed),
    ``words`` (as written, for the diff) and ``keys`` (lower-case words, for matching)."""

    index: int
    ref: str
    start: int
    text: str
    words: tuple[str, ...]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """One row of the provision map: ``old``/``new`` are indices into the two provision lists
    (None for added / removed provisions)."""

    old: int | None
    new: int | None
    change: str
    similarity: float
    old_parts: tuple[int, ...] = ()     # a merge: every old provision, ``old`` the first
    new_parts: tuple[int, ...] = ()     # a split: every new provision, ``new`` the first

    @property
    def olds(self) -> tuple[int, ...]:
        return self.old_parts or (() if self.old is None else (self.old,))

    @property
    def news(self) -> tuple[int, ...]:
        return self.new_parts or (() if self.new is None else (self.new,))


def provision_texts(text: str, provisions: list[Provision]) -> list[ProvisionText]:
    out = []
    for i, p in enumerate(provisions):
        own = _strip_label(text[p.start:p.end], p.label)
        words = tuple(own.split())
        keys = tuple(_WORD.findall(unicodedata.normalize("NFKC", own).lower()))
        out.append(ProvisionText(i, p.ref, p.start, " ".join(words), words, keys))
    return out


def _strip_label(raw: str, label: str) -> str:
    s = raw.lstrip()
    m = _MD_HEADING.match(s)
    if m:
        s = s[m.end():]
    if label and s[:len(label)].lower() == label.lower():
        s = s[len(label):].lstrip(_LABEL_TAIL)
    return s.strip()


def match_provisions(old: list[ProvisionText], new: list[ProvisionText],
                     threshold: float = MATCH_THRESHOLD) -> list[Pair]:
    """The provision map: every provision of both versions once, in the new version's order
    with removed provisions after their old predecessor's match."""
    new_of: dict[int, int] = {}
    score: dict[int, float] = {}

    # 1. identical wording, in document order
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for p in new:
        if p.keys:
            waiting[p.keys].append(p.index)
    taken: dict[tuple, int] = Counter()
    for p in old:
        queue = waiting.get(p.keys)
        if p.keys and queue and taken[p.keys] < len(queue):
            new_of[p.index] = queue[taken[p.keys]]
            score[p.index] = 1.0
            taken[p.keys] += 1

    # 2. similar wording, best pairs first
    used = set(new_of.values())
    old_left = [p.index for p in old if p.index not in new_of and p.keys]
    new_left = [p.index for p in new if p.index not in used and p.keys]
    for score_, i, j in _similar_pairs(old, new, old_left, new_left, threshold):
        if i not in new_of and j not in used:
            new_of[i] = j
            score[i] = score_
            used.add(j)

    # 3. provisions without words of their own, by ref
    bare_new = {}
    for p in new:
        if not p.keys and p.index not in used:
            bare_new.setdefault(p.ref, p.index)
    for p in old:
        j = bare_new.get(p.ref)
        if not p.keys and p.index not in new_of and j is not None and j not in used:
            new_of[p.index] = j
            score[p.index] = 1.0
            used.add(j)

    # 4. splits and merges among the provisions still unmatched
    split_into, merged_from = _splits_and_merges(old, new, new_of, threshold)
    for i, (parts, ratio) in split_into.items():
        new_of[i], score[i] = parts[0], ratio
    for j, (parts, ratio) in merged_from.items():
        for i in parts:
            new_of.pop(i, None)
        new_of[parts[0]], score[parts[0]] = j, ratio
    later_parts = {k for parts, _ in split_into.values() for k in parts[1:]}      # new side
    merged_later = {k for parts, _ in merged_from.values() for k in parts[1:]}    # old side

    numbers = _renumbering(old, new, new_of)
    pairs_by_new: dict[int, Pair] = {}
    removed_after: dict[int, list[Pair]] = defaultdict(list)   # new index (-1: top) -> removed
    last_new = -1
    for p in old:
        if p.index in merged_later:
            continue
        j = new_of.get(p.index)
        if j is None:
            removed_after[last_new].append(Pair(p.index, None, "removed", 0.0))
            continue
        similarity = round(score[p.index], 3)
        if p.index in split_into:
            parts = split_into[p.index][0]
            last_new = max(last_new, parts[-1])
            pairs_by_new[j] = Pair(p.index, j, "split", similarity, new_parts=parts)
            continue
        last_new = max(last_new, j)
        if j in merged_from:
            pairs_by_new[j] = Pair(p.index, j, "merged", similarity, old_parts=merged_from[j][0])
            continue
        q = new[j]
        if p.keys == q.keys:
            change = "unchanged" if p.ref == q.ref else "renumbered"
        elif _only_cross_references(p.keys, q.keys, numbers):
            change = "renumbered"
        else:
            change = "modified"
        pairs_by_new[j] = Pair(p.index, j, change, similarity)
    out = list(removed_after.get(-1, ()))
    for q in new:
        if q.index not in later_parts:
            out.append(pairs_by_new.get(q.index) or Pair(None, q.index, "added", 0.0))
        out.extend(removed_after.get(q.index, ()))
    return out


def _splits_and_merges(old, new, new_of: dict[int, int], threshold: float):
    """({old index: (new parts, cover)}, {new index: (old parts, cover)}): a provision whose
    words are found in 2 to ``_MAX_PARTS`` consecutive provisions of the other version, each
    part drawn mostly from it (``threshold`` of the part's distinct words) and each bringing
    its own share of them (``_SPLIT_SHARE``), the parts together covering ``_SPLIT_COVER`` of
    them. The parts are unmatched provisions lying between the same matched neighbours, and
    may include the provision's own modified match. Best cover first; a gap with more than
    ``_MAX_GAP`` unmatched provisions is left alone, so the work stays small when two texts
    have little in common."""
    old_of = {j: i for i, j in new_of.items()}
    free_old = [p.index for p in old if p.index not in new_of and p.keys]
    free_new = [p.index for p in new if p.index not in old_of and p.keys]
    if not free_old and not free_new:
        return {}, {}
    candidates = []
    for one, many, free_many, match, side in ((old, new, free_new, new_of, "split"),
                                              (new, old, free_old, old_of, "merge")):
        matched = sorted(match.items())          # (index on the "one" side, index on the other)
        keys = [k for k, _ in matched]
        free_set = set(free_many)
        for p in one:
            i, words = p.index, set(p.keys)
            if len(words) < _SPLIT_MIN_WORDS:
                continue
            base = match.get(i)
            if base is None:
                at = bisect_left(keys, i)
                lo = max((v for _, v in matched[:at]), default=-1)
                hi = min((v for _, v in matched[at:]), default=len(many))
                gap = free_many[bisect_right(free_many, lo): bisect_left(free_many, hi)]
                if len(gap) < 2 or len(gap) > _MAX_GAP:
                    continue
                firsts = gap
            elif p.keys != many[base].keys and {base - 1, base + 1} & free_set:
                firsts = range(max(0, base - _MAX_PARTS + 1), base + 1)
            else:
                continue
            for first in firsts:
                run: list[int] = []
                shared: list[set] = []       # each part's words that are the provision's
                for k in range(first, first + _MAX_PARTS):
                    if k != base and k not in free_set:
                        break
                    part = set(many[k].keys)
                    if not part or len(part & words) < threshold * len(part):
                        break                # a part must be drawn mostly from the provision
                    run.append(k)
                    shared.append(part & words)
                    if len(run) < 2 or (base is not None and base not in run):
                        continue
                    cover = len(set().union(*shared)) / len(words)
                    if cover < _SPLIT_COVER:
                        continue
                    own_share = min(len(x - set().union(*(y for y in shared if y is not x))) for x in shared)
                    if own_share >= _SPLIT_SHARE * len(words):
                        candidates.append((cover, side, i, tuple(run)))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2], c[3]))
    split_into: dict[int, tuple] = {}
    merged_from: dict[int, tuple] = {}
    taken_old, taken_new = set(), set()
    for r, side, i, run in candidates:
        olds, news = ((i,), run) if side == "split" else (run, (i,))
        if taken_old.isdisjoint(olds) and taken_new.isdisjoint(news):
            taken_old.update(olds)
            taken_new.update(news)
            if side == "split":
                split_into[i] = (run, r)
            else:
                merged_from[i] = (run, r)
    return split_into, merged_from


def _similar_pairs(old, new, old_left, new_left, threshold):
    """(ratio, old index, new index) for candidate pairs at or above ``threshold``, best first."""
    if not old_left or not new_left:
        return []
    df = Counter()
    for i in old_left:
        df.update(set(old[i].keys))
    for j in new_left:
        df.update(set(new[j].keys))
    postings: dict[str, list[int]] = defaultdict(list)
    new_by_ref: dict[str, int] = {}
    for j in new_left:
        for w in set(new[j].keys):
            postings[w].append(j)
        new_by_ref.setdefault(new[j].ref, j)
    scale = len(new) / max(1, len(old))
    found = []
    for i in old_left:
        a = old[i].keys
        votes = Counter()
        for w in sorted(set(a), key=lambda w: (df[w], w))[:_RARE_WORDS]:
            posting = postings.get(w, ())
            if len(posting) <= _MAX_POSTING:
                votes.update(posting)
        candidates = {j for j, _ in votes.most_common(_MAX_CANDIDATES)}
        at = bisect_left(new_left, round(i * scale))
        candidates.update(new_left[max(0, at - _NEIGHBOURS): at + _NEIGHBOURS])
        if old[i].ref in new_by_ref:
            candidates.add(new_by_ref[old[i].ref])
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(a)                   # SequenceMatcher indexes seq2 once
        for j in sorted(candidates):
            b = new[j].keys
            if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
                continue                      # the ratio cannot reach the threshold
            matcher.set_seq1(b)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            r = matcher.quick_ratio() if max(len(a), len(b)) > _LONG else matcher.ratio()
            if r >= threshold:
                found.append((r, i, j))
    found.sort(key=lambda t: (-t[0], abs(t[1] * scale - t[2]), t[1], t[2]))
    return found


def _renumbering(old, new, new_of) -> dict[str, set[str]]:
    """Number in an old ref -> numbers it became ("5" -> {"6"}), from the matched pairs."""
    out: dict[str, set[str]] = defaultdict(set)
    for i, j in new_of.items():
        a, b = _REF_NUMBER.fullmatch(old[i].ref), _REF_NUMBER.fullmatch(new[j].ref)
        if a and b and a.group(1) != b.group(1):
            out[a.group(1)].add(b.group(1))
    return out


def _only_cross_references(a: tuple, b: tuple, numbers: dict[str, set[str]]) -> bool:
    """``a`` and ``b`` differ only in numbers cited as provisions that were renumbered."""
    if not numbers or len(a) != len(b):
        return False
    for k, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        if y not in numbers.get(x, ()):
            return False
        m = k - 1
        while m >= 0 and (a[m].isdigit() or a[m] in _CONJUNCTIONS):
            m -= 1
        if m < 0 or a[m] not in _REF_WORDS:
            return False
    return True


def word_diff(old_words, new_words) -> list[dict]:
    """Word-level diff ops ``{"op": "equal"|"insert"|"delete"|"replace", "old", "new"}``.

    Long texts (an unnumbered annex) are aligned sentence by sentence first, then word by word
    inside the sentences that changed, so the cost stays near-linear."""
    old_words, new_words = list(old_words), list(new_words)
    if len(old_words) + len(new_words) <= _LONG:
        return _word_ops(old_words, new_words)
    a, b = _sentences(old_words), _sentences(new_words)
    ops: list[dict] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_run = [w for sentence in a[i1:i2] for w in sentence]
        new_run = [w for sentence in b[j1:j2] for w in sentence]
        if op != "equal" and len(old_run) + len(new_run) <= _LONG:
            ops.extend(_word_ops(old_run, new_run))
        else:
            ops.append({"op": op, "old": " ".join(old_run), "new": " ".join(new_run)})
    merged: list[dict] = []
    for op in ops:
        if merged and merged[-1]["op"] == op["op"]:
            last = merged[-1]
            last["old"] = " ".join(filter(None, (last["old"], op["old"])))
            last["new"] = " ".join(filter(None, (last["new"], op["new"])))
        else:
            merged.append(op)
    return merged


def _word_ops(old_words: list[str], new_words: list[str]) -> list[dict]:
    sm = SequenceMatcher(None, old_words, new_words, autojunk=False)
    return [{"op": op, "old": " ".join(old_words[i1:i2]), "new": " ".join(new_words[j1:j2])}
            for op, i1, i2, j1, j2 in sm.get_opcodes()]


def _sentences(words: list[str]) -> list[tuple[str, ...]]:
    out, start = [], 0
    for k, w in enumerate(words):
        if w.endswith((".", ";", ":", "!", "?")):
            out.append(tuple(words[start:k + 1]))
            start = k + 1
    if start < len(words):
        out.append(tuple(words[start:]))
    return out


# ---------------------------------------------------------------------------------------
# Demands


def _compare(old_a, old_doc, old_provs, new_a, new_doc, new_provs) -> dict:
    old_t = provision_texts(old_doc.text, old_provs)
    new_t = provision_texts(new_doc.text, new_provs)
    pairs = match_provisions(old_t, new_t)
    by_old = {i: p for p in pairs for i in p.olds}
    by_new = {j: p for p in pairs for j in p.news}
    order = {id(p): k for k, p in enumerate(pairs)}
    old_starts = [p.start for p in old_provs]
    new_starts = [p.start for p in new_provs]

    def row(pair: Pair) -> dict:
        olds = [old_t[i] for i in pair.olds]
        news = [new_t[j] for j in pair.news]
        return {
            **_refs(pair, old_t, new_t),
            "old_text": " ".join(o.text for o in olds),
            "new_text": " ".join(n.text for n in news),
            "change": pair.change,
            "similarity": pair.similarity,
            "diff": word_diff(tuple(w for o in olds for w in o.words),
                              tuple(w for n in news for w in n.words)),
        }

    old_results = {r["demand"]: r for r in old_a["results"]}
    new_ids = {r["demand"] for r in new_a["results"]}
    changes = []
    for new_r in new_a["results"]:
        old_r = old_results.get(new_r["demand"])
        if old_r is None:
            continue
        relevant = {}
        for ev in old_r["evidence"]:
            pair = by_old[_provision_at(old_starts, ev["start"])]
            relevant[id(pair)] = pair
        for ev in new_r["evidence"]:
            pair = by_new[_provision_at(new_starts, ev["start"])]
            relevant[id(pair)] = pair
        old_status = old_r.get("machine_status", old_r["status"])
        new_status = new_r.get("machine_status", new_r["status"])
        old_rank, new_rank = _RANK[old_status], _RANK[new_status]
        changes.append({
            "demand": new_r["demand"],
            "rule_set": new_r["rule_set"],
            "title": new_r["title"],
            "section": new_r.get("section", "gaps"),
            "old_status": old_status,
            "new_status": new_status,
            "direction": ("improved" if new_rank > old_rank else
                          "regressed" if new_rank < old_rank else "unchanged"),
            "old_review": _review_mark(old_r),
            "new_review": _review_mark(new_r),
            "old_reasons": copy.deepcopy(old_r["reasons"]),
            "new_reasons": copy.deepcopy(new_r["reasons"]),
            "old_evidence": copy.deepcopy(old_r["evidence"]),
            "new_evidence": copy.deepcopy(new_r["evidence"]),
            "provisions": [row(p) for p in sorted(relevant.values(), key=lambda p: order[id(p)])],
        })
    not_compared = (
        [{"demand": r["demand"], "title": r["title"], "only_in": "old"}
         for r in old_a["results"] if r["demand"] not in new_ids]
        + [{"demand": r["demand"], "title": r["title"], "only_in": "new"}
           for r in new_a["results"] if r["demand"] not in old_results])
    return {
        "schema": SCHEMA,
        "old": copy.deepcopy(old_a["document"]),
        "new": copy.deepcopy(new_a["document"]),
        "document_kind": new_a.get("document_kind", "agreement"),
        "rule_sets": copy.deepcopy(new_a.get("rule_sets", [])),
        "changes": changes,
        "not_compared": not_compared,
        "summary": _summary(changes),
        "provision_map": [{**_refs(p, old_t, new_t), "change": p.change, "similarity": p.similarity}
                          for p in pairs],
    }


def _refs(pair: Pair, old_t: list[ProvisionText], new_t: list[ProvisionText]) -> dict:
    """A row's refs: the first on each side (None when absent), and every part."""
    old_refs = [old_t[i].ref for i in pair.olds]
    new_refs = [new_t[j].ref for j in pair.news]
    return {"old_ref": old_refs[0] if old_refs else None, "new_ref": new_refs[0] if new_refs else None,
            "old_refs": old_refs, "new_refs": new_refs}


def _review_mark(result: dict) -> dict | None:
    """A stored result's current review, as the comparison shows it beside the engine's status."""
    review = result.get("review")
    if not review:
        return None
    return {"status": review["status"], "reviewer": review.get("reviewer") or "",
            "needs_rereview": bool(review.get("needs_rereview"))}


def _provision_at(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


def _summary(changes: list[dict]) -> dict:
    counted = [c for c in changes if c["section"] == "gaps"]
    asks = [c for c in changes if c["section"] != "gaps"]
    counts = {d: sum(c["direction"] == d for c in counted) for d in DIRECTIONS}
    return {**counts,
            "asks_to_states": {d: sum(c["direction"] == d for c in asks) for d in DIRECTIONS},
            "text": summary_text(counted)}


def summary_text(changes: list[dict]) -> str:
    """One readable paragraph, regressions first:
    "2 demands improved, 1 regressed: tot-2025/8 is now contradicted by point 14 (was absent).
    Improved: tot-2025/1 absent → met (point 5)."."""
    regressed = [c for c in changes if c["direction"] == "regressed"]
    improved = [c for c in changes if c["direction"] == "improved"]
    if not regressed and not improved:
        n = len(changes)
        return f"No demand changed status ({n} unchanged)." if n else "No demand was compared."
    head = []
    if improved:
        head.append(f"{_count(len(improved), 'demand')} improved")
    if regressed:
        head.append(f"{len(regressed) if improved else _count(len(regressed), 'demand')} regressed")
    text = ", ".join(head)
    if regressed:
        text += ": " + "; ".join(_regression(c) for c in regressed) + "."
    if improved:
        text += (" Improved: " if regressed else ": ") + "; ".join(_improvement(c) for c in improved) + "."
    return text


def _regression(c: dict) -> str:
    refs = _evidence_refs(c["new_evidence"])
    status = c["new_status"]
    where = ""
    if refs:
        where = f" by {refs}" if status == "contradicted" else f" in {refs}"
    was = f"was {c['old_status']}"
    if _removed(c):
        was += f"; {_removed(c)} removed"
    return f"{c['demand']} is now {status}{where} ({was})"


def _improvement(c: dict) -> str:
    refs = _evidence_refs(c["new_evidence"])
    if not refs and _removed(c):
        refs = f"{_removed(c)} removed"
    return f"{c['demand']} {c['old_status']} → {c['new_status']}" + (f" ({refs})" if refs else "")


def _removed(c: dict) -> str:
    return _refs_phrase([p["old_ref"] for p in c["provisions"] if p["change"] == "removed"])


def _evidence_refs(evidence: list[dict]) -> str:
    refs = []
    for ev in evidence:
        if ev["provision"] not in refs:
            refs.append(ev["provision"])
    return _refs_phrase(refs)


def _refs_phrase(refs: list[str]) -> str:
    """["3", "5"] -> "points 3 and 5"; ["Article 4", "preamble"] -> "Article 4 and the preamble"."""
    if not refs:
        return ""
    bare = [r for r in refs if r[:1].isdigit() or r[:1] == "("]
    if len(bare) == len(refs):
        return ("point " if len(refs) == 1 else "points ") + _and(refs)
    return _and([f"point {r}" if r in bare else "the preamble" if r == "preamble" else r for r in refs])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------------------
# Markdown and HTML


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")
_MD_SIGN = {"improved": "▲", "regressed": "▼", "unchanged": "="}


def _md(text: str) -> str:
    """Draft text as literal Markdown: special characters are backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_diff(ops: list[dict], side: str) -> str:
    """One side of a diff: deleted words as ~~strike~~ (old side), inserted as **bold** (new)."""
    parts = []
    for op in ops:
        words = op[side]
        if not words:
            continue
        if op["op"] == "equal":
            parts.append(_md(words))
        else:
            parts.append(f"~~{_md(words)}~~" if side == "old" else f"**{_md(words)}**")
    return " ".join(parts) or "—"


def render_markdown(comparison: dict) -> str:
    c = comparison
    lines = [f"# Changes between {_md(c['old']['name'])} and {_md(c['new']['name'])}", "",
             _md(c["summary"]["text"]), "",
             "| improved | regressed | unchanged |", "|---|---|---|",
             f"| {c['summary']['improved']} | {c['summary']['regressed']} | {c['summary']['unchanged']} |", ""]
    for direction, title in (("regressed", "Regressed"), ("improved", "Improved"), ("unchanged", "Unchanged")):
        group = [ch for ch in c["changes"] if ch["direction"] == direction]
        if not group:
            continue
        lines += [f"## {title}", ""]
        quiet = [ch for ch in group if not _worth_showing(ch)]
        for ch in group:
            if ch in quiet:
                continue
            lines.append(f"### {_MD_SIGN[direction]} {_md(ch['demand'])}: {_md(ch['title'])} — "
                         f"{ch['old_status']} → **{ch['new_status']}**")
            lines.append("")
            note = review_note(ch)
            if note:
                lines += [f"*{_md(note)}*", ""]
            for reason in ch["new_reasons"]:
                lines.append(f"- {_md(reason['text'])}")
            if ch["new_reasons"]:
                lines.append("")
            for p in ch["provisions"]:
                lines += [f"**{_provision_caption(p)}**", "",
                          f"- old: {_md_diff(p['diff'], 'old')}",
                          f"- new: {_md_diff(p['diff'], 'new')}", ""]
        if quiet:
            for ch in quiet:
                note = review_note(ch)
                lines.append(f"- {_md(ch['demand'])}: {_md(ch['title'])} — {ch['new_status']}"
                             + (f" ({_md(note)})" if note else ""))
            lines.append("")
    if c.get("not_compared"):
        lines += ["## Not compared", ""]
        for nc in c["not_compared"]:
            lines.append(f"- {_md(nc['demand'])}: {_md(nc['title'])} (only in the {nc['only_in']} assessment)")
        lines.append("")
    return "\n".join(lines)


def review_note(change: dict) -> str:
    """One sentence on the reviews beside a demand's change, or "" when neither version has one."""
    parts = []
    for side in ("old", "new"):
        review = change.get(f"{side}_review")
        if review:
            by = f" by {review['reviewer']}" if review["reviewer"] else ""
            again = ", to be reviewed again" if review["needs_rereview"] else ""
            parts.append(f"the {side} version as {review['status']}{by}{again}")
    if not parts:
        return ""
    return f"Reviewed: {'; '.join(parts)}. The statuses compared are the engine's."


def _worth_showing(change: dict) -> bool:
    """A demand gets its own block when its status moved or one of its provisions changed."""
    return change["direction"] != "unchanged" or any(
        p["change"] not in ("unchanged", "renumbered") for p in change["provisions"])


def _provision_caption(p: dict) -> str:
    old_ref = _refs_phrase(p["old_refs"]) if p["old_refs"] else None
    new_ref = _refs_phrase(p["new_refs"]) if p["new_refs"] else None
    if old_ref is None or new_ref is None or old_ref == new_ref:
        return f"{_md(_capitalise(new_ref or old_ref))} ({p['change']})"
    return f"{_md(_capitalise(old_ref))} → {_md(new_ref)} ({p['change']})"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from .resources import templates_dir
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir() / "compare")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _sides(ops: list[dict]) -> dict:
    """Diff ops -> {"old": [(kind, words)], "new": [...]}, kind "same", "del" or "ins"."""
    old, new = [], []
    for op in ops:
        if op["old"]:
            old.append(("same" if op["op"] == "equal" else "del", op["old"]))
        if op["new"]:
            new.append(("same" if op["op"] == "equal" else "ins", op["new"]))
    return {"old": old, "new": new}


def render_html(comparison: dict, standalone: bool = True) -> str:
    """HTML (every string escaped, inline CSS, no external resources): a full page, or the
    ``<section>`` alone for embedding when ``standalone`` is False."""
    groups = []
    for d in DIRECTIONS:
        group = [ch for ch in comparison["changes"] if ch["direction"] == d]
        if group:
            groups.append((d, [ch for ch in group if _worth_showing(ch)],
                           [ch for ch in group if not _worth_showing(ch)]))
    return _environment().get_template("comparison.html").render(
        c=comparison, groups=groups, sides=_sides, standalone=standalone, review_note=review_note,
        ref=lambda refs: _capitalise(_refs_phrase(refs)))
