"""The assessment engine: provisions x demand -> finding (status, reasons, evidence).

A document is read once (``Reading``): tokens, provisions and clause units (a list item
keeps its parent's lead-in, a provision its heading). Every concept of the rule library is
found by one scan of the document (``Lexicon``, which the ``Library`` keeps with its compiled
concepts). A demand's match specification is data (see ``checklist.rules``) built from a
closed set of match kinds, each one function here, dispatched from ``MATCH_KINDS``:

- ``contradict`` concept groups that run against the demand, unless an ``unless`` group
                 occurs in the same provision family (a clause in the preamble, negated,
                 hypothetical, recording a position or a news report's own narration does
                 not count)
- ``topic``      groups of concepts that must co-occur in one clause (a list item also sees
                 its parent's lead-in, so "shall release:" + "(a) all detainees" matches);
                 with it ``negated_topic``, groups whose first concept must be the clause's
                 predicate, negated ("No one shall be prosecuted")
- ``exclude``    concepts that put a sentence outside the demand
- ``narrow``     qualifiers that make a hit partial (scope, traded, ...)
- ``element``    parts of the demand that a firm hit must cover for "met"
- ``flag``       a context flag (``rules/flags.toml``): all its concepts in one clause, not
                 negated

and options the kinds read: ``negation`` ("contradicts", the default, or "ignore"),
``action`` (the words whose negation counts), ``people`` (concepts that must not stand only
next to a thing) and ``call_is_the_act`` (a call on someone is not weak wording).

``Matcher`` composes a ``ConceptIndex`` (where the concepts occur), the clause
``Qualifiers`` every demand gets (weak wording, conditions, negation, a recorded position, a
carve-out, a restrictive word, preamble position) and an ``EvidenceBuilder`` (quotes). ``Matcher.evaluate`` follows
../shared/gold/CODEBOOK.md: a contradiction outranks everything; then the topic hits, less
the excluded ones (none: absent); a hit whose action the text negates contradicts the demand
where ``negation = "contradicts"``; every other hit gets its flaws from the shared qualifiers
and ``narrow``; firm hits (no flaw) whose sentences name every element are met; any other
hit is partial.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter

from .documents import Document
from .library import Library
from .morphology import document_language, is_nonpast_verb, is_verb, key as word_key, word_language
from .speaker import SAYING
from .terms import expand
from .provisions import Provision, split_provisions, split_sentences

ENGINE_VERSION = "1"
_PLUS_ONE = (1).__add__
_NOT_BEFORE_POSITION_VERB = frozenset("the a an this that these those its their be been being is are was were "
                                      "shall will must may as if when has have had not".split())
_PREDICATE_LEAD = frozenset("shall will must may can cannot be been is are was were being not "
                            "бути буде будуть був була були не може можуть быть будет был была были "
                            "может могут".split())
_NEGATED_MODAL = frozenset(("not", "не", "ні"))
# relative pronouns (with "those", "що", "что"): no clause starts before one, a modal right
# after one is no weak wording, and a negation after one belongs to the relative clause
_RELATIVES = frozenset("who whom whose which that those where які яких котрі хто що которые которых кто что чьи"
                       .split())
# "would" and "could" moved back a tense after a past verb of saying (``reported_future``)
_BACKSHIFTED = frozenset(("would", "could"))
_QUALIFIER_NEGATORS = frozenset(("without", "no", "not", "non", "nor", "neither", "never"))
_AUXILIARIES = frozenset("shall will must can may should would could is are was were be been do does did "
                         "shall's".split())
_PERFECT = frozenset(("have", "has", "had"))
_BE = frozenset(("be", "бути", "быть"))
# words that open a sentence by taking up the one before ("Its composition ...", "Такі особи ...")
_ANAPHORS = frozenset("its their such these this that його її їх їхній такі такий ці цей зазначені вказані "
                      "его ее их такие такой эти этот указанные названные".split())
# conjunctions that open a contrasting clause
_CONTRAST = frozenset("but however yet whereas although though але проте однак натомість хоча но однако зато "
                      "хотя".split())
# relative words that are never a complementiser ("that", "що", "что" can be either)
_COMPLEMENTISERS = frozenset({"that", "що", "что"})   # a reported clause opens after them
_RELATIVE_ONLY = frozenset("who whom whose which where які яких якими котрі де хто который которые которых "
                           "которым где кто".split())
# "be subjected to": what follows is the predicate's complement ("не може бути підданий
# кримінальному чи адміністративному переслідуванню")
_SUBJECTED = frozenset("subjected підданий піддана піддані піддано підлягає підлягають подвергнут подвергнута "
                       "подвергнуты подвергаться подвергается подвергаются".split())
# conjunctions of purpose: a negation after them is the goal's, not the clause's refusal
_PURPOSE = frozenset("lest чтобы щоб аби щоби дабы".split())
# "left without", "залишитися без", "остаться без": a state of lacking, which a negative subject denies
_LEFT = frozenset("left remain remains stay be go залишитися залишиться залишаться залишений залишені "
                  "лишитися остаться останется останутся оставлен оставлены".split())
MAX_EVIDENCE = 8
QUOTE_LIMIT = 400

# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(r"\w+(?:['’]\w+)?(?:-[ \t]*\n[ \t]*[a-zа-яіїєґё]\w*)?", re.UNICODE)
_NUMERIC = re.compile(r"^\d+$")
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n[ \t]*")
_SPACES = re.compile(r"\s+")


def stem(word: str, lang: str = "en") -> str:
    """The key a lower-case word is matched on (``checklist.morphology``): its stem in
    English, its lemma's stem in Ukrainian and Russian. ``lang`` is the language of the list
    or document the word comes from; a word's own letters decide where they can."""
    return word_key(word, word_language(word, lang))


def _norm(word: str) -> str:
    word = _HYPHEN_BREAK.sub("", word)
    return unicodedata.normalize("NFKC", word).lower().replace("’", "'")


@dataclass
class Tokens:
    norms: list[str]
    stems: list[str]
    starts: list[int]
    ends: list[int]
    by_stem: dict[str, list[int]]
    by_norm: dict[str, list[int]]
    numbers: list[int]
    language: str = "en"        # the document's language for words whose letters do not tell

    @classmethod
    def of(cls, text: str) -> "Tokens":
        norms, stems, starts, ends = [], [], [], []
        by_stem: dict[str, list[int]] = {}
        by_norm: dict[str, list[int]] = {}
        numbers = []
        memo: dict[str, tuple[str, str, bool]] = {}     # each distinct word is normalised once
        lang = document_language(text)
        for i, m in enumerate(_TOKEN.finditer(text)):
            word = m.group()
            known = memo.get(word)
            if known is None:
                n = _norm(word)
                known = memo[word] = (n, stem(n, lang), bool(_NUMERIC.match(n)))
            n, s, is_number = known
            norms.append(n)
            stems.append(s)
            starts.append(m.start())
            ends.append(m.end())
            by_stem.setdefault(s, []).append(i)
            by_norm.setdefault(n, []).append(i)
            if is_number:
                numbers.append(i)
        return cls(norms, stems, starts, ends, by_stem, by_norm, numbers, lang)


# ---------------------------------------------------------------- terms


@dataclass(frozen=True)
class Term:
    """One word sequence of a term: a tuple of word matchers (kind, value). A term written
    with alternatives or optional words (``checklist.terms``) stands for several."""

    words: tuple[tuple[str, str], ...]
    source: str

    @classmethod
    def parse(cls, text: str, lang: str = "en") -> "Term":
        """The term's first word sequence (``parse_all`` gives every one)."""
        return _parse_term(text, lang)[0]

    @staticmethod
    def parse_all(text: str, lang: str = "en") -> tuple["Term", ...]:
        return _parse_term(text, lang)


@lru_cache(maxsize=None)
def _word_matcher(raw: str, lang: str) -> tuple[str, str]:
    if raw == "<num>":
        return ("num", "")
    if raw == "_":
        return ("any", "")
    if raw.startswith("=") and len(raw) > 1:
        return ("exact", _norm(raw[1:]))
    if raw.endswith("*") and len(raw) > 1:
        return ("prefix", _norm(raw[:-1]))
    return ("stem", stem(_norm(raw), lang))


@lru_cache(maxsize=None)
def _parse_term(text: str, lang: str) -> tuple[Term, ...]:
    try:
        sequences = expand(text)
    except ValueError as exc:
        raise ValueError(f"term '{text}': {exc}") from None
    return tuple(Term(tuple(_word_matcher(w, lang) for w in seq), text) for seq in sequences)


@dataclass(frozen=True)
class _Grouped:
    stems: frozenset          # one-word terms matched by stem
    exact: frozenset          # one-word terms matched exactly (=word)
    other_single: tuple       # one-word prefix and number terms
    multi: tuple              # terms of several words


def concept_terms(source: dict | None) -> tuple:
    """A concept's term lists as the tuple ``compile_terms`` takes."""
    return tuple((lang, x) for lang in ("en", "uk", "ru") for x in (source or {}).get(lang, ()))


@lru_cache(maxsize=4096)
def compile_terms(terms: tuple) -> _Grouped:
    """A concept's terms, each ``(language, term)`` or an English term, parsed and grouped
    for matching. A library keeps its concepts' compiled terms (``Library.compiled_concept``;
    the rule cache keeps them between processes)."""
    parsed = [t for x in terms for t in (Term.parse_all(x) if isinstance(x, str) else Term.parse_all(x[1], x[0]))
              if t.words]
    single = [t.words[0] for t in parsed if len(t.words) == 1]
    return _Grouped(frozenset(v for k, v in single if k == "stem"),
                    frozenset(v for k, v in single if k == "exact"),
                    tuple(w for w in single if w[0] in ("prefix", "num")),
                    tuple(t for t in parsed if len(t.words) > 1))


_COMMON = frozenset("the a an of to in on at by for with and or all any no not be shall will "
                    "its their other such as from".split())


def _anchor_rank(word: tuple[str, str]) -> tuple:
    """How good a word of a term is as its index key: a stem or exact word before a prefix
    before a number, an uncommon word before a common one, a longer word before a shorter."""
    kind, value = word
    return ({"stem": 0, "exact": 0, "prefix": 1, "num": 2}[kind], value in _COMMON, -len(value))


_BUCKET = 3      # prefixes are looked up by their first three characters


class Lexicon:
    """Every concept of a rule library compiled into one index, so that one pass over a
    document's vocabulary finds where every concept occurs: the work grows with the
    document's distinct words and the hits, not with the number of terms in the library.

    Built from ``(key, compiled terms)`` pairs (``Library.compiled_concept``; a library
    builds its own, ``Library.lexicon``); ``scan`` returns each registered key's sorted token
    spans (missing keys: no occurrence)."""

    def __init__(self, concepts=()) -> None:
        self.keys: set[str] = set()
        self._stem1: dict[str, list[str]] = {}       # one-word terms -> concept keys
        self._exact1: dict[str, list[str]] = {}
        self._prefix1: dict[str, list[str]] = {}
        self._num1: list[str] = []
        # terms of several words, under their index word and then their next best word:
        # value -> ([(words, length, keys)] with no other word, {kind: {value: [(words, length,
        # keys)]}}), so that a scan looks only at terms with two of their words in the document
        self._multi: dict[str, dict[str, tuple]] = {"stem": {}, "exact": {}, "prefix": {}, "num": {}}
        self._multi_keys: dict[tuple, list[str]] = {}  # term words -> concept keys
        self._buckets: dict[str, list[str]] = {}       # first characters -> prefixes
        self._short: list[str] = []                    # prefixes shorter than a bucket key
        for key, grouped in concepts:
            self.add(key, grouped)

    def add(self, key: str, grouped: _Grouped) -> "Lexicon":
        """Register one concept's compiled terms under ``key`` (again: no change)."""
        if key in self.keys:
            return self
        self.keys.add(key)
        for value in grouped.stems:
            self._stem1.setdefault(value, []).append(key)
        for value in grouped.exact:
            self._exact1.setdefault(value, []).append(key)
        for kind, value in grouped.other_single:
            if kind == "num":
                self._num1.append(key)
            else:
                self._prefix1.setdefault(value, []).append(key)
                self._add_prefix(value)
        for term in grouped.multi:
            keys = self._multi_keys.get(term.words)
            if keys is None:
                keys = self._multi_keys[term.words] = []
                words = tuple((k, kind, value) for k, (kind, value) in enumerate(term.words) if kind != "any")
                ranked = sorted(words, key=lambda w: _anchor_rank(w[1:]))     # stable: min first
                _, kind, value = ranked[0]
                alone, by_second = self._multi[kind].setdefault(value, ([], {}))
                entry = (words, len(term.words), keys)
                if len(ranked) > 1:
                    _, kind2, value2 = ranked[1]
                    by_second.setdefault(kind2, {}).setdefault(value2, []).append(entry)
                else:
                    alone.append(entry)
                for _, kd, v in words:
                    if kd == "prefix":
                        self._add_prefix(v)
            keys.append(key)
        return self

    def _add_prefix(self, prefix: str) -> None:
        group = self._buckets.setdefault(prefix[:_BUCKET], []) if len(prefix) >= _BUCKET else self._short
        if prefix not in group:
            group.append(prefix)

    def scan(self, tokens: Tokens) -> dict[str, list[tuple[int, int]]]:
        """Sorted token spans [s, e) of every concept that occurs in ``tokens``."""
        by_stem, by_norm = tokens.by_stem, tokens.by_norm
        # positions of every prefix the library uses, from the document's distinct words
        by_prefix: dict[str, list[int]] = {}
        buckets, short = self._buckets, self._short
        for word, pos in by_norm.items():
            for p in buckets.get(word[:_BUCKET], ()):
                if word.startswith(p):
                    by_prefix.setdefault(p, []).extend(pos)
            for p in short:
                if word.startswith(p):
                    by_prefix.setdefault(p, []).extend(pos)
        found: dict[str, list[list]] = {}     # concept -> runs of spans, each run in order
        for index, table in ((self._stem1, by_stem), (self._exact1, by_norm), (self._prefix1, by_prefix)):
            for value in index.keys() & table.keys():
                pos = table[value]
                spans = list(zip(pos, map(_PLUS_ONE, pos)))
                for key in index[value]:
                    found.setdefault(key, []).append(spans)
        if tokens.numbers and self._num1:
            spans = list(zip(tokens.numbers, map(_PLUS_ONE, tokens.numbers)))
            for key in self._num1:
                found.setdefault(key, []).append(spans)
        positions = {"stem": by_stem, "exact": by_norm, "prefix": by_prefix,
                     "num": {"": tokens.numbers} if tokens.numbers else {}}
        sets: dict[tuple[str, str], set[int]] = {}     # word -> its positions, as a set
        stems, norms = tokens.stems, tokens.norms
        total = len(tokens.norms)
        candidates = []     # terms whose index word and next best word occur
        for kind, index in self._multi.items():
            for value in index.keys() & positions[kind].keys():
                alone, by_second = index[value]
                candidates += alone
                for kind2, second in by_second.items():
                    for value2 in second.keys() & positions[kind2].keys():
                        candidates += second[value2]
        for words, n, keys in candidates:
            # every word's positions; start from the rarest, keep the starts where
            # each other word sits at its offset
            lists = []
            for k, kd, v in words:
                pos = positions[kd].get(v)
                if not pos:
                    break
                lists.append((len(pos), k, kd, v, pos))
            else:
                lists.sort()
                _, k0, _, _, pos = lists[0]
                last = total - n + k0
                starts = [j - k0 for j in pos if k0 <= j <= last]
                for _, k, kd, v, pos in lists[1:]:
                    if not starts:
                        break
                    if kd == "stem":        # read the word at its offset
                        starts = [i for i in starts if stems[i + k] == v]
                    elif kd == "exact":
                        starts = [i for i in starts if norms[i + k] == v]
                    else:                   # prefix or number: its positions as a set
                        at = sets.get((kd, v))
                        if at is None:
                            at = sets[(kd, v)] = set(pos)
                        starts = [i for i in starts if i + k in at]
                if starts:
                    spans = [(i, i + n) for i in starts]
                    for key in keys:
                        found.setdefault(key, []).append(spans)
        return {key: _merged(runs) for key, runs in found.items()}


# ---------------------------------------------------------------- the document model


@dataclass(slots=True)
class Unit:
    """A sentence of a provision, the unit the engine matches in."""

    index: int
    provision: Provision
    start: int            # character offsets of the sentence
    end: int
    lo: int               # token range [lo, hi)
    hi: int
    lead: "Unit | None" = None   # the parent's lead-in clause for list items
    family: tuple[int, int] = (0, 0)   # character range of the provision's top-level family
    sentence: tuple[int, int] = (0, 0)  # character range of the whole sentence (quoted as evidence)
    heads: tuple = ()             # heading units of the provision and its parents (subject context)
    is_heading: bool = False      # a heading line: context for the subject, never a hit itself


@dataclass
class Reading:
    """A document read once for the engine: tokens, provisions, sentence units, and caches
    of where each concept occurs. Build it with ``Reading.of(document)``."""

    document: Document
    provisions: list[Provision]
    tokens: Tokens
    units: list[Unit]
    unit_starts: list[int]
    children_of_lead: dict[int, list[int]]
    unit_of_tokens: list[int]
    _occ: dict = field(default_factory=dict)
    _units_with: dict = field(default_factory=dict)
    _by_unit: dict = field(default_factory=dict)
    _span_units_of: dict = field(default_factory=dict)
    lexicon: Lexicon | None = None
    _table: dict | None = None
    children_of_head: dict = field(default_factory=dict)
    language: str = "en"
    _unit_kinds: tuple | None = None    # (heading units, clauses a clause of their sentence follows)

    def use(self, lexicon: Lexicon | None) -> None:
        """Find concepts through ``lexicon`` (one scan of the document for all of them)."""
        if lexicon is not self.lexicon:
            self.lexicon, self._table = lexicon, None
            self._occ.clear(), self._units_with.clear(), self._by_unit.clear()
            self._span_units_of.clear()

    @classmethod
    def of(cls, document: Document, provisions: list[Provision] | None = None) -> "Reading":
        text = document.text
        if provisions is None:
            provisions = split_provisions(text, document.pages or None)
        tokens = Tokens.of(text)
        units: list[Unit] = []
        last_unit_of: dict[str, Unit] = {}
        heads_of: dict[str, tuple] = {}      # provision ref -> heading units in force for it
        children_of_lead: dict[int, list[int]] = {}
        children_of_head: dict[int, list[int]] = {}
        families = _families(provisions)
        starts = tokens.starts
        joins = _join_positions(tokens)
        for index, prov in enumerate(provisions):
            lead = None
            if prov.parent is not None and prov.parent in last_unit_of:
                candidate = last_unit_of[prov.parent]
                if _is_lead_in(text, candidate):
                    lead = candidate
            start = _skip_heading(text, prov)
            body = _skip_label(text, prov)
            heads = heads_of.get(prov.parent, ()) if prov.parent is not None else ()
            if start > prov.start and prov.heading:
                hs = _heading_span(text, prov, body)
                if hs is not None:
                    lo, hi = bisect_left(starts, hs[0]), bisect_left(starts, hs[1])
                    if hi > lo:
                        head = Unit(len(units), prov, hs[0], hs[1], lo, hi, None, families[index], hs,
                                    (), True)
                        units.append(head)
                        heads = heads + (head,)
            heads_of[prov.ref] = heads
            for s, e in split_sentences(text, start, prov.end, body if body > start else None):
                for cs, ce in _token_clauses(text, tokens, joins, max(s, body) if body < e else s, e):
                    lo = bisect_left(starts, cs)
                    hi = bisect_left(starts, ce)
                    if hi <= lo:
                        continue
                    unit = Unit(len(units), prov, cs, ce, lo, hi, lead, families[index], (s, e), heads)
                    if lead is not None:
                        children_of_lead.setdefault(lead.index, []).append(unit.index)
                    for head in heads:
                        children_of_head.setdefault(head.index, []).append(unit.index)
                    units.append(unit)
                    last_unit_of[prov.ref] = unit
        unit_of_tokens = [-1] * len(tokens.starts)      # token -> the clause it is in, or -1
        for unit in units:
            unit_of_tokens[unit.lo:unit.hi] = [unit.index] * (unit.hi - unit.lo)
        return cls(document, provisions, tokens, units, [u.lo for u in units], children_of_lead,
                   unit_of_tokens, children_of_head=children_of_head, language=tokens.language)

    # -- concept occurrences

    def occurrences(self, key: str, grouped: "_Grouped") -> list[tuple[int, int]]:
        """Sorted token spans [s, e) where any of a concept's terms occurs (cached under
        ``key``): from the lexicon's one scan when the concept is in it, else on its own."""
        occ = self._occ.get(key)
        if occ is None:
            lexicon = self.lexicon
            if lexicon is not None and key in lexicon.keys:
                if self._table is None:
                    self._table = lexicon.scan(self.tokens)
                occ = self._table.get(key, _NO_SPANS)
            else:
                occ = Lexicon().add(key, grouped).scan(self.tokens).get(key, [])
            self._occ[key] = occ
        return occ

    def with_anaphor(self, key: str, terms, akey: str, aterms, capitalised: bool = False) -> str:
        """The key of a concept's occurrences joined with those of its anaphor, once the document
        names the concept itself: "the Court" is the International Criminal Court in a text
        that names it ("... the International Criminal Court. The Court's judges ..."), not in
        one that never does; "such an extension" is the Blocking Statute's in a text that names
        the statute. ``capitalised``: only a capitalised anaphor counts ("the Court", "Суду";
        not "the court of appeal"). Computed once per document under its own key."""
        merged = f"{key}+{akey}"
        if merged not in self._occ:
            own = self.occurrences(key, terms)
            text, starts = self.document.text, self.tokens.starts
            extra = [sp for sp in self.occurrences(akey, aterms)
                     if own and (not capitalised or text[starts[sp[1] - 1]].isupper())]
            self._occ[merged] = sorted(set(own).union(extra)) if extra else own
        return merged

    def any_in(self, key: str, terms, lo: int, hi: int) -> bool:
        """Whether the concept occurs in token range [lo, hi)."""
        occ = self.occurrences(key, terms)
        i = bisect_left(occ, (lo, -1))
        return i < len(occ) and occ[i][0] < hi

    def _span_units(self, key: str, terms) -> list[int]:
        """The unit (sentence) each of the concept's spans starts in, -1 for none, in span
        order (one C-level map over the spans; units follow the text, so the list rises)."""
        units = self._span_units_of.get(key)
        if units is None:
            units = self._span_units_of[key] = list(map(self.unit_of_tokens.__getitem__,
                                                         map(_FIRST, self.occurrences(key, terms))))
        return units

    def by_unit(self, key: str, terms) -> dict[int, list[tuple[int, int]]]:
        """The concept's occurrences grouped by the unit (sentence) they start in (built when
        first asked: only concepts whose spans a sentence is asked about need it). A unit's
        spans are consecutive in the sorted spans, so groups are runs."""
        cached = self._by_unit.get(key)
        if cached is None:
            cached = {}
            previous, run = -1, None
            for u, sp in zip(self._span_units(key, terms), self.occurrences(key, terms)):
                if u < 0:
                    continue                # in a label or heading: no sentence
                if u != previous:
                    previous, run = u, cached.setdefault(u, [])
                run.append(sp)
            self._by_unit[key] = cached
        return cached

    def units_with(self, key: str, terms) -> set[int]:
        """Indices of units whose sentence (or lead-in) contains the concept."""
        out = self._units_with.get(key)
        if out is None:
            if not self.occurrences(key, terms):
                self._units_with[key] = _NO_UNIT_SET
                return _NO_UNIT_SET
            out = set(self._span_units(key, terms))
            out.discard(-1)
            out.difference_update(u for u in list(out) if self.units[u].is_heading)
            kids = self.children_of_lead
            for u in out & kids.keys():
                out.update(kids[u])
            self._units_with[key] = out
        return out


    def siblings(self, ui: int) -> list[int]:
        """The other clauses of unit ``ui``'s sentence."""
        unit = self.units[ui]
        out = []
        for step in (-1, 1):
            j = ui + step
            while 0 <= j < len(self.units) and self.units[j].sentence == unit.sentence \
                    and not self.units[j].is_heading:
                out.append(j)
                j += step
        return out

    def topic_units(self, key: str, terms) -> set[int]:
        """Units whose clause, lead-in or heading (the provision's or a parent's) contains
        the concept: a heading names the subject ("Article 3. Civilians held by ...") of the
        clauses under it, but never their qualifiers."""
        out = self.units_with(key, terms)
        if not self.occurrences(key, terms):
            return out
        spans_in = set(self._span_units(key, terms))
        spans_in.discard(-1)
        kinds = self._unit_kinds
        if kinds is None:
            kinds = self._unit_kinds = _heading_and_continued(self.units)
        heads = spans_in & kinds[0]
        later = spans_in & kinds[1]
        if not heads and not later:
            return out
        out = set(out)
        for h in heads:
            out.update(self.children_of_head.get(h, ()))
        for u in later:             # a clause's subject carries into the clauses after it
            out.update(j for j in self.siblings(u) if j > u)
        return out


def _heading_and_continued(units: list[Unit]) -> tuple[set[int], set[int]]:
    """The heading units, and the other units whose sentence goes on in the next unit."""
    heads, continued = set(), set()
    for i, (u, nxt) in enumerate(zip(units, chain(islice(units, 1, None), (None,)))):
        if u.is_heading:
            heads.add(i)
        elif nxt is not None and nxt.sentence == u.sentence:
            continued.add(i)
    return heads, continued


_FIRST = itemgetter(0)
_NO_SPANS: list = []            # shared, never changed: a concept not in the text
_NO_UNIT_SET: frozenset = frozenset()


def _merged(runs: list[list]) -> list:
    """Runs of spans as one sorted list without repeats. Sorting a concatenation of runs
    that are each in order costs little (Timsort merges runs). One run has no repeats but may
    be out of order (a prefix's positions come word by word); one span is returned as it is,
    since lists are never changed by their readers."""
    if len(runs) == 1 and len(runs[0]) < 2:
        return runs[0]
    spans = sorted(runs[0] if len(runs) == 1 else chain.from_iterable(runs))
    if len(runs) == 1:
        return spans
    return list(dict.fromkeys(spans))      # in order, each span once


def _title_unit(reading: "Reading") -> "Unit | None":
    """A statement's title: its first sentence when it stands before the first numbered
    provision and ends without a full stop."""
    if not reading.units:
        return None
    first = reading.units[0]
    if first.provision.kind not in ("preamble", "paragraph", "heading") and first.provision.label:
        return None
    words = reading.document.text[first.start:first.end].rstrip()
    return first if words and not words.endswith((".", ";", ":")) else None


_QUOTE_MARKS = re.compile(r"[\"“”«»„]|(?:^|\s)['‘][^'’]{12,}['’]")


def _narration(reading: "Reading") -> frozenset:
    """In a news report (several sentences in quotation marks or with a verb of saying), the
    clauses of the other sentences: the outlet's own account, which the codebook does not code
    as the speaker's words. An empty set for a text that is not a news report."""
    text = reading.document.text
    sentences: dict[tuple, list[int]] = {}
    for u in reading.units:
        if not u.is_heading:
            sentences.setdefault(u.sentence if u.sentence != (0, 0) else (u.start, u.end), []).append(u.index)
    saying = {k for k in sentences if SAYING.search(text, k[0], k[1])}
    if len(saying) < 2 or len(saying) < 0.2 * len(sentences):
        return frozenset()          # not a news report: an official text speaks for itself
    said = saying | {k for k in sentences if _QUOTE_MARKS.search(text, k[0], k[1])}
    if len(said) == len(sentences):
        return frozenset()
    return frozenset(u for k, units in sentences.items() if k not in said for u in units)


def _heading_span(text: str, prov: Provision, body: int) -> tuple[int, int] | None:
    """Character range of a provision's heading words on its first line (after the label)."""
    nl = text.find("\n", prov.start, prov.end)
    line_end = nl if nl >= 0 else prov.end
    at = text.find(prov.heading.strip(), max(prov.start, min(body, line_end)), line_end)
    if at < 0:
        return None
    return at, at + len(prov.heading.strip())


_PREDICATE_WORDS = frozenset(
    "shall will must may might should can cannot could would is are was were has have had agree agrees agreed "
    "undertake undertakes undertook commit commits committed guarantee guarantees ensure ensures calls urges "
    "welcomes encourages invites notes condemns reaffirms recalls supports requests decides stresses expresses "
    "regrets deplores rejects insists proposes demands мають має буде будуть може можуть слід будет будут "
    "может могут следует".split())
_PREDICATE_PREFIXES = ("повинн", "зобов", "гарантує", "забезпечу", "погоджу", "должн", "обязу", "гарантиру",
                       "обеспечива")
_PREDICATE_SUFFIXES = ("ється", "ються", "ться", "ено", "ано", "ято", "ото", "ется", "ются", "ится", "ятся")
_SUBORDINATOR_WORDS = frozenset("once after before when whenever until unless if because since where which who "
                                "після коли доки якщо бо де який яка які после когда пока если поскольку где "
                                "который которые".split())


@lru_cache(maxsize=65536)
def _is_predicate(word: str) -> bool:
    """A word that carries a clause's predicate: a modal, an auxiliary, a commitment or
    statement verb, or a Ukrainian or Russian passive or reflexive form (a word test, not a
    regular expression: clause splitting asks it of every word near a conjunction, so the
    answer is kept for each word)."""
    if word in _PREDICATE_WORDS or word.startswith(_PREDICATE_PREFIXES) or (
            len(word) > 4 and word.endswith(_PREDICATE_SUFFIXES)):
        return True
    # a Ukrainian or Russian finite verb ("звільняють", "освобождают"), by pymorphy3's parse
    return not word.isascii() and is_verb(word, word_language(word, "ru"))


_JOIN_WORDS = frozenset(("but", "whereas", "while", "however", "yet", "and", "or"))
_QUOTE_CLOSE = re.compile(r",\s*[”\"»]|[”\"»]\s*,")     # a quotation's end before its frame
_JOIN_AFTER_COMMA = frozenset(("але", "проте", "однак", "натомість", "а", "і", "та", "й", "або",
                               "но", "однако", "и", "или"))
_COORDINATING = frozenset(("and", "or", "і", "та", "й", "або", "и", "или"))


def _join_positions(tokens: "Tokens") -> list[int]:
    """Sorted token positions of every conjunction that may open a clause."""
    out: list[int] = []
    for w in _JOIN_WORDS | _JOIN_AFTER_COMMA:
        out.extend(tokens.by_norm.get(w, ()))
    out.sort()
    return out


def _token_clauses(text: str, tokens: "Tokens", joins: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of the sentence text[start:end], read from the document's tokens: a
    conjunction ("but", "whereas", "while", "and", "or"; Ukrainian and Russian ones after a
    comma) opens a clause where the words after it carry a predicate of their own (within
    sixteen words after "but", "whereas", "while", "however", "yet", whose clauses run long:
    "while visits by the ICRC to places of internment may be arranged"; twelve after a Ukrainian
    or Russian conjunction; five after "and" / "or", before any subordinating word, so that "a passport
    or residence permit once an administration has been set up" is one clause) and the words
    before it do too; never before a relative pronoun ("persons who are detained and who were
    deported")."""
    starts, ends, norms = tokens.starts, tokens.ends, tokens.norms
    lo, hi = bisect_left(starts, start), bisect_left(starts, end)
    i = bisect_left(joins, lo + 1)
    cuts, prev = [], lo
    while i < len(joins) and joins[i] < hi - 1:
        t = joins[i]
        i += 1
        if t <= prev:
            continue
        word = norms[t]
        gap = text[ends[t - 1]:starts[t]]
        if word not in _JOIN_WORDS and "," not in gap:
            continue                # Ukrainian and Russian conjunctions open a clause after a comma
        if "\n" in gap or norms[t + 1] in _RELATIVES:
            continue
        found = False
        for k in range(t + 1, min(hi, t + 1 + (5 if word in _COORDINATING else 16 if word in _JOIN_WORDS else 12))):
            w = norms[k]
            if word in _COORDINATING and w in _SUBORDINATOR_WORDS:
                break
            if _is_predicate(w):
                found = True
                break
        if not found or not any(_is_predicate(norms[k]) for k in range(prev, t)):
            continue
        cuts.append(t)
        prev = t + 1
    # a quotation closed before its frame: "“We cannot fill this gap,” the Commission told
    # reporters as NGOs seek aid" is the speaker's clause, then the outlet's (the frame's words
    # are not under the quote's negation, nor the quote under the frame's)
    quotes = []
    for qm in _QUOTE_CLOSE.finditer(text, start, end):     # few sentences have one: no token scan
        t = bisect_left(starts, qm.end())
        if lo < t < hi - 1 and any(SAYING.fullmatch(norms[k]) for k in range(t, min(hi, t + 5))):
            quotes.append(t)
    if not cuts and not quotes:
        return [(start, end)]
    out, s = [], start
    for t, skip in sorted([(t, 1) for t in cuts] + [(t, 0) for t in quotes if t not in cuts]):
        cut = ends[t - 1]
        if cut <= s:
            continue
        out.append((s, cut))
        s = starts[t + skip]
    out.append((s, end))
    return [(a, b) for a, b in out if b > a]


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Clause spans of the sentence text[start:end] (see ``_token_clauses``)."""
    end = len(text) if end is None else end
    tokens = Tokens.of(text)
    return _token_clauses(text, tokens, _join_positions(tokens), start, end)


def _skip_heading(text: str, prov: Provision) -> int:
    """Sentences start after a provision's heading line ("Article IX: Prisoner Exchanges"),
    so that a heading never changes what the operative clause commits to."""
    if not prov.heading:
        return prov.start
    nl = text.find("\n", prov.start, prov.end)
    first_line = text[prov.start: nl if nl >= 0 else prov.end]
    if prov.heading.strip() and prov.heading.strip() in first_line:
        return nl + 1 if nl >= 0 else prov.end
    return prov.start


def _skip_label(text: str, prov: Provision) -> int:
    """Offset after the provision's own label ("Article 4", "1.", "(a)"): label numbers are
    not words of the clause ("Article 1 Civilians" is not "1 civilians")."""
    if not prov.label:
        return prov.start
    i = prov.start
    while i < prov.end and text[i] in " \t\n•-—–*":
        i += 1
    if text.startswith(prov.label, i):
        return i + len(prov.label)
    return prov.start


def _is_lead_in(text: str, unit: Unit) -> bool:
    """A sentence that introduces a list ("The Parties shall release:")."""
    end = unit.end              # its last character but spaces, read in place (no copy)
    while end > unit.start and text[end - 1].isspace():
        end -= 1
    return end > unit.start and text[end - 1] in ":—–-"


def _families(provisions: list[Provision]) -> list[tuple[int, int]]:
    """Each provision's family, as a character range: a top-level provision (or a paragraph
    under a section heading) and everything nested in it, up to the next such provision.
    Keyed by position, not by reference, so numbering that restarts does not merge two
    families. (Character ranges: the few sentences whose family is asked about turn them
    into token ranges.)"""
    kinds = {p.ref: p.kind for p in provisions}
    roots = [i for i, p in enumerate(provisions)
             if p.parent is None or kinds.get(p.parent) == "heading" or p.kind == "heading"]
    out = [(0, 0)] * len(provisions)
    for n, i in enumerate(roots):
        end_index = roots[n + 1] if n + 1 < len(roots) else len(provisions)
        out[i:end_index] = [(provisions[i].start, provisions[end_index - 1].end)] * (end_index - i)
    first = roots[0] if roots else len(provisions)
    for k in range(first):          # anything before the first root is its own family
        out[k] = (provisions[k].start, provisions[k].end)
    return out


# ---------------------------------------------------------------- findings


@dataclass
class Reason:
    code: str
    text: str

    def as_dict(self):
        return {"code": self.code, "text": self.text}


@dataclass
class Evidence:
    provision: str
    quote: str
    start: int
    end: int
    page: int | None
    terms: list[str]

    def as_dict(self):
        d = {"provision": self.provision, "quote": self.quote, "start": self.start,
             "end": self.end, "terms": self.terms}
        if self.page is not None:
            d["page"] = self.page
        return d


@dataclass
class Finding:
    demand: str
    status: str
    reasons: list[Reason]
    evidence: list[Evidence]


# ---------------------------------------------------------------- concepts


class ConceptIndex:
    """Where concepts occur in one Reading, by name. A name resolves through the demand's own
    ``[concepts]``, then the library's shared ones (``Library.compiled_concept``; ``demand``
    None: shared only). It answers a concept's units, its spans by unit, its presence in a
    clause (its lead-in, its heading), the clauses where a group of concepts co-occurs, and
    whether a group occurs in a clause's family. A statement's ``title`` names the subject of
    every sentence. Each answer is computed once per document: many demands ask the same."""

    def __init__(self, reading: Reading, library: Library, title: Unit | None = None, statement: bool = False):
        self.r = reading
        self.library = library
        self.title = title
        self.statement = statement
        self._concepts: dict = {}        # concept -> [key, terms, units with it, spans by unit]
        self._groups: dict = {}          # a concept group's clauses (see cooccurring)
        self._family_tokens: dict = {}   # a family's character range -> its token range

    def _concept(self, name: str, demand) -> list:
        """[cache key, compiled terms, sentences with it, spans by sentence or None until
        asked] of a concept, resolved once per document (a demand's own concept wins over
        the shared one of that name)."""
        ck = (demand.id, name) if demand is not None and name in demand.concepts else name
        found = self._concepts.get(ck)
        if found is None:
            key, terms = self.library.compiled_concept(name, demand)
            anaphor = self.library.anaphor_of(name, demand)
            if anaphor:                 # "the Court", once the document names the Court
                key = self.r.with_anaphor(key, terms, *self.library.compiled_concept(anaphor),
                                          capitalised=self.library.capitalised(anaphor))
            found = self._concepts[ck] = [key, terms, self.r.units_with(key, terms), None]
        return found

    def terms(self, name: str, demand) -> tuple[str, "_Grouped"]:
        """The concept's cache key and compiled terms."""
        found = self._concept(name, demand)
        return found[0], found[1]

    def by_unit(self, name: str, demand) -> dict[int, list[tuple[int, int]]]:
        """The concept's spans grouped by sentence (grouped when first asked)."""
        found = self._concept(name, demand)
        if found[3] is None:
            found[3] = self.r.by_unit(found[0], found[1])
        return found[3]

    def unit_spans(self, name: str, demand, unit: Unit, lead: bool = True) -> list[tuple[int, int]]:
        """The concept's spans in the unit's sentence (and, for a list item, its lead-in)."""
        groups = self.by_unit(name, demand)
        own = groups.get(unit.index, _NO_SPANS)
        if lead and unit.lead is not None:
            return own + groups.get(unit.lead.index, _NO_SPANS)
        return own

    def missing(self, name: str, demand) -> bool:
        """Whether the concept occurs nowhere in the document (its occurrences only: where
        it occurs is computed when a match kind asks)."""
        return not self.r.occurrences(*self.library.compiled_concept(name, demand))

    def present(self, name: str, demand, unit: Unit) -> bool:
        return unit.index in self._concept(name, demand)[2]

    def names(self, name: str, demand, unit: Unit) -> bool:
        """Whether the clause, its lead-in or its heading names the concept: what an element
        asks for may be named by the article's heading ("Mixed Medical Commissions")."""
        if self.present(name, demand, unit):
            return True
        if unit.heads:
            groups = self.by_unit(name, demand)
            return any(groups.get(h.index) for h in unit.heads)
        return False

    def topic_units(self, name: str, demand, titled=True) -> set[int]:
        """Units whose clause, lead-in or heading contains the concept (``Reading.topic_units``);
        every unit when a statement's title names it and ``titled`` is True or holds the name,
        and, for a refusal's subject (``titled`` a set), when any part of a statement names it."""
        key, terms = self.terms(name, demand)
        found = self.r.topic_units(key, terms)
        subject = titled is True or (titled and name in titled)
        title = self.title if subject else None
        if title is not None and self.by_unit(name, demand).get(title.index):
            return set(range(len(self.r.units)))
        if titled is not True and subject and self.statement and self.by_unit(name, demand):
            # a statement is about one subject: a news report's own account names it ("the
            # Court issued a warrant for him"), or an earlier paragraph ("we cooperate fully
            # with the Court"), and the speaker's words then refuse it ("he will not be
            # detained"): for a refusal only, whose own words must still be in the clause
            return set(range(len(self.r.units)))
        return found

    def cooccurring(self, names, demand, titled=True) -> list[tuple[Unit, list]]:
        """Clauses (in order) where every concept of ``names`` occurs, in the clause, its
        lead-in or its heading, with at least one matched word in the clause itself (a clause
        whose words are all in the lead-in is not a hit: the lead-in is its own); with the
        matched spans. Computed once per group: demands share groups (the release of
        detainees is asked by two rule sets). Callers only read the result."""
        key = (tuple(self._concept(n, demand)[0] for n in names),
               titled if isinstance(titled, bool) else frozenset(titled))
        cached = self._groups.get(key)
        if cached is None:
            cached = self._groups[key] = self._cooccurring_now(names, demand, titled)
        return cached

    def _cooccurring_now(self, names, demand, titled) -> list[tuple[Unit, list]]:
        found = None
        for name in names:
            u = self.topic_units(name, demand, titled)
            found = u if found is None else found & u
            if not found:
                return []
        if not found:
            return []
        groups = [self.by_unit(name, demand) for name in names]
        out = []
        units = self.r.units
        for ui in sorted(found):
            unit = units[ui]
            if unit.is_heading or unit is self.title:
                continue
            lead = unit.lead
            spans, own_words, in_head = [], False, False
            for by_unit in groups:
                own = by_unit.get(ui)
                if own:
                    own_words = True
                    spans += own
                if not own_words and unit.heads and any(by_unit.get(h.index) for h in unit.heads):
                    in_head = True
                if lead is not None:
                    spans += by_unit.get(lead.index, _NO_SPANS)
                for head in unit.heads:
                    spans += by_unit.get(head.index, _NO_SPANS)
                j = ui - 1
                while j >= 0 and units[j].sentence == unit.sentence and not units[j].is_heading:
                    spans += by_unit.get(j, _NO_SPANS)
                    j -= 1
                if titled is True and self.title is not None:
                    spans += by_unit.get(self.title.index, _NO_SPANS)
            # the clause's own words take up the subject, or its article's heading names the
            # whole subject and the clause is the article's first ("Стаття 6. Змішані медичні
            # комісії" / "Утворюються Сторонами ...")
            if not own_words and in_head and self._first_under_heading(unit):
                own_words = True
            if own_words and ui in self.r.children_of_lead and not all(g.get(ui) for g in groups):
                continue    # a lead-in that needs its heading for the subject ("Release of
                            # detainees" / "shall release:"): its list items say whom
            if own_words:
                out.append((unit, spans))
        return out

    def _first_under_heading(self, unit: Unit) -> bool:
        """Whether the clause opens the body of its provision, right after its heading."""
        before = self.r.units[unit.index - 1] if unit.index else None
        # the heading's own body, or the first item under it ("Article 11. Participation of
        # victims" / "1. Their representatives shall be admitted ...")
        return before is not None and before.is_heading and (
            before.provision is unit.provision or unit.provision.parent == before.provision.ref)

    def excepted(self, unit: Unit, unless_groups, demand) -> bool:
        """Whether every concept of one ``unless`` group occurs in the unit's family."""
        lo, hi = self._family_tokens.get(unit.family) or self._tokens_of_family(unit.family)
        for group in unless_groups:
            if group and all(self.r.any_in(*self.terms(n, demand), lo, hi) for n in group):
                return True
        return False

    def _tokens_of_family(self, family: tuple[int, int]) -> tuple[int, int]:
        starts = self.r.tokens.starts
        span = self._family_tokens[family] = (bisect_left(starts, family[0]), bisect_left(starts, family[1]))
        return span


# ---------------------------------------------------------------- evidence


class EvidenceBuilder:
    """What a finding quotes from one Reading: the words of matched spans as written
    (``surface``), and a clause's whole sentence with its provision, offsets, page and matched
    words (``evidence``; a list item's lead-in too, ``evidence_for``). A sentence is tidied
    once, however many demands quote it."""

    def __init__(self, reading: Reading):
        self.r = reading
        self._quotes: dict = {}          # unit -> its sentence as quoted
        self._words: dict = {}           # span -> its words as written

    def surface(self, spans) -> list[str]:
        t = self.r.tokens
        text = self.r.document.text
        words = self._words
        out = []
        for span in spans:
            w = words.get(span)
            if w is None:
                s, e = span
                w = words[span] = _SPACES.sub(" ", _HYPHEN_BREAK.sub("", text[t.starts[s]:t.ends[e - 1]]))
            if w not in out:
                out.append(w)
        return out

    def evidence_for(self, unit: Unit, spans) -> list[Evidence]:
        """Evidence for a hit; a list item's lead-in is evidence too when it carries matched
        words ("shall release:" + "(a) all civilians detained")."""
        out = [self.evidence(unit, spans)]
        lead = unit.lead
        if lead is not None:
            in_lead = [sp for sp in spans if lead.lo <= sp[0] < lead.hi]
            if in_lead:
                out.insert(0, self.evidence(lead, in_lead))
        return out

    def evidence(self, unit: Unit, spans) -> Evidence:
        quote = self._quotes.get(unit.index)
        if quote is None:           # many demands quote the same sentence: tidy it once
            text = self.r.document.text
            s0, e0 = unit.sentence if unit.sentence != (0, 0) else (unit.start, unit.end)
            quote = _SPACES.sub(" ", _HYPHEN_BREAK.sub("", text[s0:e0])).strip()
            if len(quote) > QUOTE_LIMIT:
                quote = quote[: QUOTE_LIMIT - 1].rstrip() + "…"
            self._quotes[unit.index] = quote
        page = unit.provision.page
        if self.r.document.pages:
            page = self.r.document.page_at(unit.start) or page
        own = sorted(sp for sp in spans if unit.lo <= sp[0] < unit.hi) or sorted(spans)
        s0, e0 = unit.sentence if unit.sentence != (0, 0) else (unit.start, unit.end)
        return Evidence(unit.provision.ref, quote, s0, e0, page, self.surface(own))


# ---------------------------------------------------------------- clause qualifiers


class Qualifiers:
    """The language qualifiers of a clause, the same for every demand (ConText: a trigger term
    whose scope runs to the end of its clause): weak wording, conditions (a trailing one scopes
    over its whole sentence), negation, a recorded position, a news report's own narration, a
    carve-out and a restrictive focus word, gathered as a hit's shared flaws
    (``shared_flaws``); and the tests the match kinds build on them: the action negated,
    obstructed or reversed, a narrowing qualifier, a predicate, a clause about things rather
    than people. The triggers are the reserved shared concepts (``rules.RESERVED_CONCEPTS``);
    answers are kept per clause."""

    def __init__(self, reading: Reading, concepts: ConceptIndex, evidence: EvidenceBuilder,
                 statement: bool = False):
        self.r = reading
        self.unit_spans, self.present = concepts.unit_spans, concepts.present
        self.surface = evidence.surface
        self.statement = statement
        # a news report's own narration is not the speaker's words
        self.narration = _narration(reading) if statement else frozenset()
        self._qualifiers: dict = {}      # (marker, unit) -> the qualifiers, computed once

    def weak(self, unit: Unit) -> list[str]:
        """Weak wording, except a permission granted to people ("residents may stay": a weak
        term that starts at most one word after a ``weak_void`` term ends), a modal after a
        negative subject ("No resident may be prosecuted"), a negated modal,
        which forbids ("may not", "не може бути відмовлено", "не может быть отказано"), and a
        modal inside a relative clause ("information that may be relevant")."""
        key = ("weak", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            norms = self.r.tokens.norms
            spans = self.unit_spans("weak", None, unit)
            if spans:
                voids = self.unit_spans("weak_void", None, unit)
                subjects = [n for n, kind in self.negations(unit) if kind == "subject"]
                # after a negative subject a modal forbids: "No resident may be prosecuted"
                spans = [w for w in spans if not (w[1] - w[0] == 1 and any(n < w[0] for n in subjects))]
                moved = self.backshifted(unit)
                spans = [w for w in spans
                         if not (w[1] - w[0] == 1 and any(0 <= w[0] - v[1] <= 1 for v in voids))
                         and w[0] not in moved
                         and not (w[1] - w[0] == 1 and (
                             (w[0] > 0 and norms[w[0] - 1] in _NEGATED_MODAL)
                             or (w[1] < len(norms) and norms[w[1]] == "not")
                             or (w[0] > 0 and norms[w[0] - 1] in _RELATIVES)))]
            found = self._qualifiers[key] = self.surface(spans) if spans else []
        return found

    def backshifted(self, unit: Unit) -> frozenset:
        """Token positions of a "would" or "could" that a past verb of saying moved back a tense
        (``reported_future``: "the government announced it would leave the Court" reports "we
        will leave"): the first such modal within six words after the verb, in its sentence.
        It is neither weak wording nor a hypothetical."""
        key = ("backshifted", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            norms, moved = self.r.tokens.norms, set()
            for _, end in self.unit_spans("reported_future", None, unit, lead=False):
                for i in range(end, min(end + 6, unit.hi)):
                    if norms[i] in _BACKSHIFTED:
                        moved.add(i)
                        break
            found = self._qualifiers[key] = frozenset(moved)
        return found

    def disapproved(self, unit: Unit, spans) -> bool:
        """Whether the clause reacts against the act its spans name: a ``disapproval`` term
        ("regrets", "calls on ... to reconsider") before the last of them, in the clause. The
        act is then one the speaker opposes ("Norway deplores Hungary's withdrawal from the
        Rome Statute"), not one it commits to; a disapproval in another clause of the sentence
        ("Hungary deplores the ruling and will leave the Court") does not reach it."""
        last = max(s for s, _ in spans)
        return any(d[1] <= last for d in self.unit_spans("disapproval", None, unit, lead=False))

    def hypothetical(self, unit: Unit) -> list[tuple[int, int]]:
        """The unit's hypothetical words ("would", "possible"), less a reported "would"."""
        moved = self.backshifted(unit)
        return [h for h in self.unit_spans("hypothetical", None, unit, lead=False) if h[0] not in moved]

    def conditional(self, unit: Unit) -> list[str]:
        """Conditions (``_live_conditions``), except the agreement itself taking effect ("upon
        signature"): a ``conditional_void`` term starting within six words after the condition.
        A condition set off by a comma at the end of a sentence ("..., and shall receive the
        information, subject to prior approval") scopes back over every clause of the sentence."""
        own = self._conditional(unit)
        if own:
            return own
        for j in self.r.siblings(unit.index):
            if j > unit.index and self.r.units[j].sentence == unit.sentence and j == self._last_clause(unit):
                trailing = self._trailing_conditions(self.r.units[j])
                if trailing:
                    return trailing
        return []

    def _conditional(self, unit: Unit) -> list[str]:
        key = ("cond", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            live = self._live_conditions(unit, lead=True)
            found = self._qualifiers[key] = self.surface(live) if live else []
        return found

    def _live_conditions(self, unit: Unit, lead: bool) -> list[tuple[int, int]]:
        """The clause's condition spans that stand: not negated ("shall not depend on any
        exchange", "не залежить від"), and not the nearest condition before a void ("after" /
        "the entry into force of this Agreement"; not every condition within reach: "in a
        separate protocol after ...")."""
        key = ("live", unit.index, lead)
        found = self._qualifiers.get(key)
        if found is None:
            conditions = self.unit_spans("conditional", None, unit, lead=lead)
            norms = self.r.tokens.norms
            live = [c for c in conditions if not any(
                norms[k] in _QUALIFIER_NEGATORS or norms[k] in ("не", "ні") for k in range(max(unit.lo, c[0] - 2), c[0]))]
            voids = self.unit_spans("conditional_void", None, unit, lead=lead)
            found = self._qualifiers[key] = [c for c in live if not any(
                c[1] <= v[0] <= c[1] + 6 and not any(c[1] <= d[0] and d[1] <= v[0] for d in conditions)
                for v in voids)]
        return found

    def next_sentence(self, unit: Unit) -> Unit | None:
        """The first clause of the sentence after the unit's, in the same provision."""
        j = self._last_clause(unit) + 1
        units = self.r.units
        if j < len(units) and units[j].provision is unit.provision and not units[j].is_heading:
            return units[j]
        return None

    def _last_clause(self, unit: Unit) -> int:
        j = unit.index
        units = self.r.units
        while j + 1 < len(units) and units[j + 1].sentence == unit.sentence and not units[j + 1].is_heading:
            j += 1
        return j

    def _trailing_conditions(self, unit: Unit) -> list[str]:
        """The last clause's conditions that follow a comma: an adjunct of the whole sentence."""
        key = ("trailing", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            text, starts = self.r.document.text, self.r.tokens.starts
            found = []
            for s, e in self._live_conditions(unit, lead=False):
                if "," in text[max(unit.start, starts[s] - 3):starts[s]]:
                    found = self.surface([(s, e)])
                    break
            self._qualifiers[key] = found
        return found

    def negated(self, unit: Unit, topic_spans, first_only: bool = False, predicate: bool = False) -> bool:
        """Whether the clause's predicate is negated over the topic words (ConText: a trigger's
        scope runs to the end of its clause):

        - a negative subject opening the clause ("No resident shall ...", "Nothing in this
          Agreement shall ...", "Жоден ... не може ...") negates the whole clause;
        - a predicate negation ("shall not", "cannot", Ukrainian and Russian "не" before a verb)
          negates what follows it, and, after the topic words, only with a refusing predicate
          ("observers shall not be admitted", not "shall not be armed");
        - a negated obstruction is a protection, not a negation ("shall not prevent the
          return", "no one shall be required to", "ніщо не перешкоджає"), and a negator inside
          a matched term ("no claims") or a ``negation_void`` term is no negation.

        ``first_only``: the scope that matters ends with the first matched word (a refusal is
        negated before it is stated: "shall not waive any claims", not "waive all claims and
        undertake not to pursue such claims"). ``predicate``: the topic words are the clause's
        predicate ("shall be prosecuted"), so only an obstruction before them governs them; one
        after them is another predicate of the list ("prosecuted, detained or deprived of
        liberty")."""
        own = [sp for sp in topic_spans if unit.lo <= sp[0] < unit.hi]
        if not own:
            return False
        first = min(s for s, _ in own)
        norms = self.r.tokens.norms
        if first_only and any(norms[k] in ("without", "без") for k in range(max(unit.lo, first - 2), first)):
            return True         # "prosecuted without amnesty", "без амністії"
        triggers = self.negations(unit)
        if not triggers:
            return False
        end = max(e for _, e in own)
        last = min(own)[1] if first_only else end
        ends = {e for _, e in own}              # the token right after each matched word
        voids = self.unit_spans("negation_void", None, unit, lead=False)
        hindrances = self.unit_spans("obstruction", None, unit, lead=False)
        obstructions = hindrances + self.unit_spans("custody", None, unit, lead=False)
        covered = {k for s, e in own for k in range(s, e)}      # the matched words' tokens
        for n, kind in triggers:
            if n in covered and not (kind == "subject" and any(
                    s > n and norms[s] in _AUXILIARIES and not any(a <= n < b and a <= s < b for a, b in own)
                    for s, _ in own)):
                continue        # part of a matched term ("no claims"), unless, as a negative subject,
                                # it also rules over a later predicate of the group ("No claim ...
                                # shall be considered extinguished")
            if any(s <= n < e for s, e in voids):
                continue        # a double negative: "shall not hinder the return"
            if any(s > n and s not in covered and not (s - 1 in ends and norms[s - 1] in _COORDINATING)
                   and not (predicate and s > first) and (self.as_predicate((s, e)) or (
                       kind == "subject" and s < first and (s, e) in hindrances)) for s, e in obstructions):
                continue        # a negated obstruction protects: "no one shall be prevented from"
                                # (not one coordinated with the topic words: "... prosecuted, detained
                                # or deprived of liberty" lists what is forbidden; not a participle
                                # by a noun: "no civilian detained by ... shall remain in custody";
                                # a finite obstruction after a negative subject: "nothing prevents")
            if kind != "subject" and n > unit.lo and (norms[n - 1] in _RELATIVES or (
                    n - 1 > unit.lo and norms[n - 2] in _RELATIVES and (norms[n - 1] in _AUXILIARIES or norms[n - 1] in _PERFECT))
                    or any(w in _RELATIVE_ONLY for w in norms[max(unit.lo, n - 3):n])):
                continue        # a relative clause's own negation: "citizens who have not acquired
                                # Russian citizenship may stay only ..." (the main clause is not negated)
            if kind == "subject":
                if any(norms[k] in ("without", "без") and norms[k - 1] in _LEFT
                       for k in range(n + 2, min(unit.hi, end))):
                    continue    # a double negative: "no organisation will be left without funding"
                                # (not "no one shall be released without a court order": a condition)
                return True
            if n < last and (n >= first - 3 or not any(
                    norms[k] in _RELATIVES for k in range(n - 3, first) if k >= unit.lo)):
                return True     # before or between the topic words: "will not release detainees"
                                # (not "those who have not ... shall be released")
            if n >= last and (norms[n - 1] in _AUXILIARIES or norms[n] == "cannot" or kind == "verb") and \
                    any(s == n for s, _ in self.unit_spans("negated_action", None, unit, lead=False)):
                return True     # "observers shall not be admitted" (not "shall not be armed")
            if first_only and n >= last and (norms[n - 1] in _AUXILIARIES or kind == "verb") and any(
                    s == n + 1 or (s == n + 2 and norms[n + 1] in _BE) for s, _ in own) and \
                    not self.as_predicate(min(own)):
                return True     # the negation opens a matched predicate after the subject's words:
                                # "those who fled shall not lose their right to return" (not
                                # "shall waive all claims and undertake not to pursue them")
        return False

    def negations(self, unit: Unit) -> list[tuple[int, str]]:
        """The clause's negation triggers as (token, kind): "subject" for a negative subject in
        its first words, "verb" for Ukrainian or Russian "не" before a verb, "predicate" for
        any other negator; once per clause."""
        key = ("neg", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            found = []
            tokens = self.r.tokens
            norms = tokens.norms
            lang = self.r.language
            opening = unit.lo + 3
            for s, _ in self.unit_spans("negative_subject", None, unit, lead=False):
                if s <= opening or norms[s - 1] in _COMPLEMENTISERS:
                    found.append((s, "subject"))    # or opening a reported clause: "confirmed
                                                    # that nothing in its law prevents ..."
            for s, _ in self.unit_spans("negator", None, unit, lead=False):
                if any(s == x for x, _ in found):
                    continue
                word = norms[s]
                if word == "no" and s + 1 < len(norms) and norms[s + 1][:1].isdigit():
                    continue        # "Regulation (EC) No 2271/96": a number sign
                before = norms[max(unit.lo, s - 5):s]
                if any(w in _PURPOSE for w in before) or " so that" in " " + " ".join(before) \
                        or "in order that" in " ".join(before):
                    continue        # a purpose clause's own negation: "so that the measures do not
                                    # apply in the Union", "с тем чтобы ... не распространялось"
                if word in ("не", "ні", "ни") and any(w in ("бы", "б") for w in before[-3:]):
                    continue        # a concessive: "где бы они ни содержались" (wherever they are held)
                if word in ("не", "ні", "нет", "ни") and s + 1 < unit.hi:
                    if not is_verb(norms[s + 1], word_language(norms[s + 1], lang)):
                        continue    # "не менше", "не пізніше": not the predicate
                    found.append((s, "verb"))
                    continue
                found.append((s, "predicate"))
            found.sort()
            self._qualifiers[key] = found
        return found

    def position(self, unit: Unit) -> list[str]:
        """A position trigger whose scope covers the clause: in the clause itself, an earlier
        clause of its sentence, or its lead-in ("The Ukrainian side insisted that ...",
        "The Parties took note of the proposal to ...")."""
        key = ("position", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            norms = self.r.tokens.norms
            spans = list(self.unit_spans("position", None, unit))
            # a proposal or request as the predicate: not after a determiner or an auxiliary
            # ("the proposed mechanism", "as requested"), not a passive ("requested by")
            spans += [sp for sp in (() if self.statement else self.unit_spans("position_verb", None, unit))
                      if not (sp[0] > 0 and norms[sp[0] - 1] in _NOT_BEFORE_POSITION_VERB)
                      and not (sp[1] < len(norms) and norms[sp[1]] in ("by", "від", "со"))]
            for j in self.r.siblings(unit.index):
                if j < unit.index:
                    spans += self.unit_spans("position", None, self.r.units[j], lead=False)
            found = self._qualifiers[key] = self.surface(sorted(spans)) if spans else []
        return found

    def shared_flaws(self, unit: Unit, calls_weak: bool = True) -> tuple:
        """What the language qualifiers every demand gets say against a hit in this clause:
        preamble, weak wording, a condition, an exception, a restrictive focus word (computed
        once per clause; many demands ask about the same one). ``calls_weak`` False: a call on
        someone ("calls on", "закликає") is not weak wording (the demand is that call)."""
        key = ("flaws", unit.index, calls_weak)
        found = self._qualifiers.get(key)
        if found is None:
            fl = []
            if unit.provision.kind == "preamble":
                fl.append(Reason("preamble", "It appears only in the preamble, which commits no party."))
            if self.statement and not self.states_policy(unit):
                fl.append(Reason("weak", "It gives an account of events, not the speaker's policy."))
            weak = self.weak(unit)
            if weak and not calls_weak:
                calls = set(self.surface(self.unit_spans("call", None, unit)))
                weak = [w for w in weak if w not in calls]
            if weak:
                fl.append(Reason("weak", f"The wording is not binding ('{weak[0]}')."))
            cond = self.conditional(unit)
            if cond:
                fl.append(Reason("conditional", f"It is tied to a condition or a later step ('{cond[0]}')."))
            carve = self.carve_out(unit)
            if carve:
                fl.append(Reason("scope", f"An exception narrows whom or what it covers ('{carve[0]}')."))
            only = self.restricted(unit)
            if only:
                fl.append(Reason("scope", f"It is limited ('{only[0]}') to fewer people, places or elements "
                                          "than the demand asks."))
            found = self._qualifiers[key] = tuple(fl)
        return found

    def states_policy(self, unit: Unit) -> bool:
        """Whether a statement's clause, or the lead-in of its list, has a predicate of policy
        (``policy_predicate``: "will", "condemns", "has approved", "are unacceptable"). The
        lead-in may stand before a numbered list without being its parent provision ("The sides
        agreed on the following measures:" and then "1) the release of ...;"): the items before
        this one end in ";" or ",", the lead-in in ":"."""
        if self._policy_words(unit):
            return True
        units, text = self.r.units, self.r.document.text
        for j in range(unit.index - 1, max(-1, unit.index - 30), -1):
            words = text[units[j].start:units[j].end].rstrip()
            if words.endswith(":"):
                return self._policy_words(units[j], lead=False)
            if not words.endswith((";", ",")) or units[j].is_heading:
                return False
        return False

    def _policy_words(self, unit: Unit, lead: bool = True) -> bool:
        """A ``policy_predicate`` term in the clause (or its lead-in), or in Ukrainian and
        Russian a verb in the present or future: "Комиссия проведет консультации"."""
        if self.unit_spans("policy_predicate", None, unit, lead=lead):
            return True
        norms, lang = self.r.tokens.norms, self.r.language
        return any(is_nonpast_verb(w, word_language(w, lang)) for w in norms[unit.lo:unit.hi] if not w.isascii())

    def excepted_after_negation(self, unit: Unit) -> bool:
        """Whether an exception follows the clause's negation: "a passport is not required for
        residence, except for employment in public institutions, for which it is mandatory"
        still makes the paper a condition for those it excepts."""
        triggers = self.negations(unit)
        if not triggers:
            return False
        first = triggers[0][0]
        return any(s > first for s, _ in self.unit_spans("carve_out", None, unit, lead=False))

    def restricted(self, unit: Unit) -> list[str]:
        """A restrictive focus word in the clause or its lead-in ("only", "лише", "только"),
        not "not only" and not "only after / once / if" (a condition, read as one)."""
        key = ("only", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            norms = self.r.tokens.norms
            conditions = {s for s, _ in self.unit_spans("conditional", None, unit)}
            spans = [sp for sp in self.unit_spans("restrictive", None, unit)
                     if not (sp[0] > 0 and norms[sp[0] - 1] in ("not", "не", "ні"))
                     and sp[1] not in conditions and sp[1] + 1 not in conditions]
            found = self._qualifiers[key] = self.surface(spans) if spans else []
        return found

    def carve_out(self, unit: Unit) -> list[str]:
        """An exception in the clause or its lead-in ("all detainees, except those ..."), not
        negated ("without exception")."""
        key = ("carve", unit.index)
        found = self._qualifiers.get(key)
        if found is None:
            norms = self.r.tokens.norms
            spans = [sp for sp in self.unit_spans("carve_out", None, unit)
                     if not any(norms[k] in _QUALIFIER_NEGATORS for k in range(max(0, sp[0] - 2), sp[0]))]
            found = self._qualifiers[key] = self.surface(spans) if spans else []
        return found

    def action_negated(self, unit: Unit, spans, demand) -> bool:
        """Whether the hit's clause negates the demand: its action, where the demand names one
        (``match.action``), else its topic words."""
        spec = demand.match
        hit = spans
        if spec.get("action"):
            spans = [sp for n in spec["action"] for sp in self.unit_spans(n, demand, unit, lead=False)]
            # not a participle naming people ("no measure against persons cooperating with
            # it"): the negation is of the measure, the cooperation is who it protects
            people_ends = {e for _, e in self.unit_spans("person", None, unit, lead=False)}
            norms = self.r.tokens.norms
            spans = [sp for sp in spans if not (sp[0] in people_ends and norms[sp[0]].endswith("ing"))]
            if not spans:
                return False
        if self.negated(unit, spans):
            return True
        if spec.get("action") and self._obstructed(unit, spans, hit):
            return True
        return self._reversed(unit, spans)

    def _obstructed(self, unit: Unit, spans, hit) -> bool:
        """An unnegated obstruction right before or after the demand's action ("shall be
        prohibited from returning", "запрещается возвращаться", "shall prevent the return"):
        it orders the opposite of the action. Not one of the hit's own words ("detained"
        civilians), and not one a negation before it cancels ("shall not hinder", "no one
        shall be prevented from")."""
        own = [sp for sp in spans if unit.lo <= sp[0] < unit.hi]
        taken = [sp for sp in hit if unit.lo <= sp[0] < unit.hi]
        negations = self.negations(unit)
        for s, e in self.unit_spans("obstruction", None, unit, lead=False):
            if any(a <= s < b for a, b in taken + own) or not any(-3 <= a - e <= 2 or 0 <= s - b <= 2 for a, b in own):
                continue        # not the action's own word ("to prevent such meetings")
            if any(n < s for n, _ in negations):
                continue
            return True
        return False

    def _reversed(self, unit: Unit, spans) -> bool:
        """An unnegated reversal in the clause that is not one of the matched words: "universal
        jurisdiction ... will be abolished", "will no longer raise human rights"."""
        own = [sp for sp in spans if unit.lo <= sp[0] < unit.hi]
        for s, e in self.unit_spans("reversal", None, unit, lead=False):
            if any(a <= s < b for a, b in own):
                continue
            if not any(-3 <= a - e <= 3 or 0 <= s - b <= 6 for a, b in own):
                continue        # it undoes something else in the clause, not the demand's subject
            if self.negated(unit, [(s, e)]) and self.r.tokens.norms[s] not in ("no", "більше", "больше"):
                continue        # "shall not be terminated" keeps it
            return True
        return False

    def firm_scope(self, firm: list[int], flawed=frozenset(), narrowed=lambda unit: False) -> list[int]:
        """The firm hits and the other clauses of their sentences, or the other items of their
        list, that carry no qualifier of their own: "Victims shall receive support, ... and shall
        have access to reparation" gives the victims every element, though only the first clause
        names them; so does "The Parties undertake: (a) to cooperate fully with the Court; (b) to
        execute all warrants it issues". Hits in ``flawed`` (with a flaw of their own) are left out, and so are clauses the
        demand's own narrowing qualifiers apply to (``narrowed``: "around the nuclear plant")."""
        if not firm:
            return firm
        out = dict.fromkeys(firm)
        kids = self.r.children_of_lead
        for ui in firm:
            lead = self.r.units[ui].lead
            items = [k for k in kids.get(lead.index, ()) if k != ui] if lead is not None else []
            items += kids.get(ui, ())   # a firm lead-in's own items: "... are guaranteed: (1) support; (2) ..."
            for sib in self.r.siblings(ui) + items:
                if sib in out or sib in flawed:
                    continue        # a hit with a flaw of its own gives nothing firm
                unit = self.r.units[sib]
                if self.weak(unit) or self.conditional(unit) or self.unit_spans("negator", None, unit, lead=False) \
                        or narrowed(unit):
                    continue
                out[sib] = None
        return list(out)

    def qualifies(self, unit: Unit, q: dict, demand) -> bool:
        """A narrowing qualifier applies unless negated ("without any exchange") or cancelled
        by one of its ``unless`` concepts."""
        spans = [sp for n in q["any"] for sp in self.unit_spans(n, demand, unit)]
        norms = self.r.tokens.norms
        inclusive = self.unit_spans("inclusive", None, unit)
        live = [sp for sp in spans
                if not any(norms[k] in _QUALIFIER_NEGATORS for k in range(max(0, sp[0] - 3), sp[0]))
                and not any(sp[0] - 3 <= e <= sp[0] or sp[1] <= s <= sp[1] + 1 for s, e in inclusive)]
        if not live:
            return False
        return not any(self.present(n, demand, unit) for n in q["unless"])

    def as_predicate(self, span) -> bool:
        """Whether the words are the clause's predicate or its complement: right after an
        auxiliary, a modal, a form of "be" or "не" ("shall be prosecuted", "не може бути
        затриманий"), or a few words after a Ukrainian or Russian verb ("не подвергается
        уголовному ... преследованию"); not a participle by a noun ("civilians detained by
        the authorities")."""
        norms = self.r.tokens.norms
        lang = self.r.language
        if norms[span[0]] in _AUXILIARIES:
            return True         # the words open with their modal: "shall remain in custody"
        for k in range(max(0, span[0] - 5), span[0]):
            w = norms[k]
            if w in _SUBJECTED or (k >= span[0] - 3 and w in _PREDICATE_LEAD) or (
                    not w.isascii() and is_verb(w, word_language(w, lang))):
                return True     # "не подвергается уголовному ... преследованию"
        return False

    def negated_concept(self, name: str, demand, unit: Unit) -> bool:
        """Whether the concept occurs negated in the clause."""
        spans = self.unit_spans(name, demand, unit, lead=False)
        return bool(spans) and self.negated(unit, spans)

    def about_things(self, unit: Unit, names, demand) -> bool:
        """Whether one of the concepts occurs in the clause only next to a thing, with no word
        for people near it: "cargo vessels detained in port shall be released", "the release
        of the funds" (the action applies to its object: here not a person)."""
        things = self.unit_spans("non_person", None, unit, lead=False)
        if not things:
            return False
        people = self.unit_spans("person", None, unit, lead=False)
        for name in names:
            own = self.unit_spans(name, demand, unit, lead=False)
            if not own:
                continue
            if all(self._next_to(sp, things) and not self._next_to(sp, people) for sp in own):
                return True
        return False

    @staticmethod
    def _next_to(span, others, reach: int = 3) -> bool:
        s, e = span
        return any(b > s - reach and a < e + reach and not (a <= s and e <= b) for a, b in others)


# ---------------------------------------------------------------- match kinds
#
# One function a kind of a demand's ``match`` table (and the context flags' ``all``), given
# the Matcher whose collaborators it reads: ``m.concepts`` (ConceptIndex), ``m.qualifiers``
# (Qualifiers) and ``m.evidence`` (EvidenceBuilder). ``Matcher.evaluate`` calls them from
# MATCH_KINDS in the codebook's order.


def _contradict(m: "Matcher", demand) -> "Finding | None":
    """``contradict``: a clause where a group of concepts that runs against the demand
    co-occurs, unless the clause is in the preamble, negates it (an exception after the
    negation reasserts it where ``exception_reasserts`` says so), records a position, is a
    news report's own narration, a hypothetical or an act the clause deplores, or one of the group's ``unless`` groups
    occurs in the clause's family. The demand is then contradicted, whatever else the text
    says."""
    concepts, q, spec = m.concepts, m.qualifiers, demand.match
    contra_ev, contra_reasons = [], []
    subject = frozenset(n for group in spec["topic"] for n in group)
    for c in spec["contradict"]:
        # a statement's title may name the subject (the Court, the warrant), never the
        # refusal itself (a news headline is the outlet's): that must be in the clause
        found = concepts.cooccurring(c["all"], demand, titled=subject - set(c["all"][-1:]))
        # an exception stated in another provision about the same thing ("The amnesty provided for
        # in Article 10 shall not extend to war crimes") limits it too
        elsewhere = bool(c["unless"]) and any(concepts.excepted(u, c["unless"], demand) for u, _ in found)
        for unit, spans in found:
            if unit.provision.kind == "preamble":
                continue
            reasserted = c.get("exception_reasserts") and q.excepted_after_negation(unit)
            if not reasserted and q.negated(unit, spans, first_only=True):
                continue        # "... is not required" (but "not required, except for ..." is)
            if q.position(unit):
                continue        # a recorded position or rejection orders nothing
            if unit.index in q.narration:
                continue        # a news report's own narration refuses nothing
            if q.hypothetical(unit):
                continue        # "scenarios in which he would come without being arrested"
            if q.disapproved(unit, spans):
                continue        # "regrets Hungary's decision to withdraw": another's act, opposed
            if not reasserted and (elsewhere or concepts.excepted(unit, c["unless"], demand)):
                continue
            if len(contra_ev) < MAX_EVIDENCE:
                contra_ev.extend(m.evidence.evidence_for(unit, spans))
            if not any(r.text == c["text"] for r in contra_reasons):
                contra_reasons.append(Reason("contradiction", c["text"]))
    if contra_ev:
        return Finding(demand.id, "contradicted", contra_reasons, _dedupe(contra_ev))
    return None


def _topic(m: "Matcher", demand) -> dict[int, list]:
    """``topic`` (and ``negated_topic``): the hits, clause index -> matched spans. A topic
    group's concepts co-occur in the clause (``ConceptIndex.cooccurring``); a
    ``negated_topic`` group also needs its first concept as the clause's predicate, negated
    ("No one shall be prosecuted"). A concept the demand lists in ``people`` must not stand
    only next to a thing ("cargo vessels detained in port")."""
    concepts, q, spec = m.concepts, m.qualifiers, demand.match
    people = spec.get("people", ())
    hits: dict[int, list] = {}
    for group in spec["topic"]:
        for unit, spans in _about_people(m, group, demand, people):
            hits.setdefault(unit.index, []).extend(spans)
    for group in spec.get("negated_topic", ()):
        for unit, spans in _about_people(m, group, demand, people):
            first = [sp for sp in concepts.unit_spans(group[0], demand, unit, lead=False) if q.as_predicate(sp)]
            if first and q.negated(unit, first, predicate=True):
                hits.setdefault(unit.index, []).extend(spans)
    return hits


def _about_people(m: "Matcher", names, demand, people) -> list:
    """The clauses where ``names`` co-occur, less those where a concept of ``people`` is
    only about things."""
    found = m.concepts.cooccurring(names, demand)
    named = [n for n in names if n in people]
    if not named:
        return found
    return [(unit, spans) for unit, spans in found if not m.qualifiers.about_things(unit, named, demand)]


def _exclude(m: "Matcher", demand, hits: dict) -> None:
    """``exclude``: drop the hits whose sentence (the clause or another clause of its
    sentence) holds a concept that puts it outside the demand."""
    present, units, siblings = m.concepts.present, m.r.units, m.r.siblings
    for name in demand.match["exclude"]:
        for ui in list(hits):
            if present(name, demand, units[ui]) or any(present(name, demand, units[j]) for j in siblings(ui)):
                del hits[ui]        # the sentence is about something else


def _narrow(m: "Matcher", demand, unit: Unit) -> list[Reason]:
    """``narrow``: the reasons of the demand's narrowing qualifiers that apply to a hit's
    clause (``Qualifiers.qualifies``): each makes the hit partial."""
    q = m.qualifiers
    return [Reason(n["code"], n["text"]) for n in demand.match["narrow"] if q.qualifies(unit, n, demand)]


def _element(m: "Matcher", demand, hits: dict, flaws: dict) -> "Finding":
    """``element``: met when some hit is firm (no flaw) and the firm hits, with the unqualified
    clauses of their sentences, name every element (``any``, or one of its ``negated``
    concepts negated), and no contrasting clause of their sentence ("..., but ...") nor the
    next sentence taking them up by a pronoun ("Its terms are to be agreed") qualifies them;
    else partial, with the flaws of the hits that name a missing element, or the element's
    ``missing`` text."""
    concepts, q, units = m.concepts, m.qualifiers, m.r.units
    evidence_for = m.evidence.evidence_for
    firm = [ui for ui, fl in flaws.items() if not fl]
    scope = q.firm_scope(firm, flawed={ui for ui, fl in flaws.items() if fl},
                         narrowed=lambda unit: bool(_narrow(m, demand, unit)))
    reasons: list[Reason] = []
    for el in demand.match["element"]:
        in_firm = any(concepts.names(n, demand, units[ui]) for n in el["any"] for ui in scope) or any(
            q.negated_concept(n, demand, units[ui]) for n in el.get("negated", ()) for ui in scope)
        if in_firm:
            continue
        flawed = [ui for ui in flaws
                  if flaws[ui] and any(concepts.present(n, demand, units[ui]) for n in el["any"])]
        if flawed:
            for ui in flawed:
                reasons.extend(flaws[ui])
        else:
            reasons.append(Reason(el["code"], el["missing"]))
    # a firm clause whose sentence goes on "but ..." to limit, defer or weaken the demand for
    # some of it ("displaced residents shall return home, but the return of those taken to
    # Russia will be discussed later"): the commitment falls short there
    norms = m.r.tokens.norms
    for ui in firm:
        for j in m.r.siblings(ui):
            if j > ui and flaws.get(j) and units[j].lo > 0 and norms[units[j].lo - 1] in _CONTRAST:
                reasons.extend(flaws[j])
        # the next sentence of the provision takes it up by a pronoun and defers it ("Its
        # composition, mandate and timing are to be agreed in a separate protocol")
        nxt = q.next_sentence(units[ui])
        if nxt is not None and norms[nxt.lo] in _ANAPHORS:
            cond = q.conditional(nxt)
            if cond:
                reasons.append(Reason("conditional", f"Its terms are left to a later step ('{cond[0]}')."))
    if firm and not reasons:
        ev = [e for ui in sorted(firm)[:MAX_EVIDENCE] for e in evidence_for(units[ui], hits[ui])]
        return Finding(demand.id, "met", [], _dedupe(ev))
    if not firm:
        for ui in sorted(flaws):
            reasons.extend(flaws[ui])
    ev = [e for ui in sorted(flaws)[:MAX_EVIDENCE] for e in evidence_for(units[ui], hits[ui])]
    return Finding(demand.id, "partial", _dedupe_reasons(reasons), _dedupe(ev))


def _flag(m: "Matcher", spec: dict) -> list[Evidence]:
    """A context flag (``rules/flags.toml``): sentences where every concept of ``all`` occurs
    in the clause itself, not negated."""
    concepts = m.concepts
    out = []
    for unit, _ in concepts.cooccurring(spec["all"], None):
        per_concept = [concepts.unit_spans(name, None, unit, lead=False) for name in spec["all"]]
        spans = [sp for group in per_concept for sp in group]
        if not all(per_concept):
            continue    # only through the lead-in: the sentence itself must carry the flag
        if m.qualifiers.negated(unit, spans):
            continue
        out.append(m.evidence.evidence(unit, spans))
    return _dedupe(out)


MATCH_KINDS = {
    "contradict": _contradict,
    "topic": _topic,
    "exclude": _exclude,
    "narrow": _narrow,
    "element": _element,
    "flag": _flag,
}


class Matcher:
    """Evaluates demands (and context flags) on one Reading, composing a ConceptIndex (where
    the concepts occur), the clause Qualifiers and an EvidenceBuilder, and dispatching each
    match kind from MATCH_KINDS. ``library`` gives the concepts: a ``Library`` (its shared
    concepts, each demand's own and its lexicon), or a dict of shared concepts alone."""

    def __init__(self, reading: Reading, library: "Library | dict", statement: bool = False):
        if not isinstance(library, Library):        # only shared concepts: a library of them
            library = Library(root=None, concepts=library)
        self.r = reading
        reading.use(library.lexicon)
        self.library = library
        # a statement's title names its subject for every sentence ("Statement on the ICC
        # arrest warrant")
        self.statement = statement
        self.concepts = ConceptIndex(reading, library, _title_unit(reading) if statement else None, statement)
        self.evidence = EvidenceBuilder(reading)
        self.qualifiers = Qualifiers(reading, self.concepts, self.evidence, statement)

    def evaluate(self, demand) -> Finding:
        """The demand's finding, in the codebook's order: a contradiction outranks
        everything; then the topic hits, less the excluded ones (none: absent); a hit whose
        action the text negates (``negation = "contradicts"``) contradicts the demand; every
        other hit gets its flaws (``_flaws``); the elements decide met or partial."""
        if self._cannot_occur(demand):
            return Finding(demand.id, "absent", [], [])
        kinds = MATCH_KINDS
        found = kinds["contradict"](self, demand)
        if found is not None:
            return found
        hits = kinds["topic"](self, demand)
        kinds["exclude"](self, demand, hits)
        if not hits:
            return Finding(demand.id, "absent", [], [])
        flaws, negated = self._flaws(demand, hits)
        if negated:
            text = demand.messages.get("contradicted") or "The text rules out what the demand asks."
            return Finding(demand.id, "contradicted", [Reason("negated", text)], _dedupe(negated))
        return kinds["element"](self, demand, hits, flaws)

    def _cannot_occur(self, demand) -> bool:
        """Whether every concept group of the demand (``contradict``, ``topic``,
        ``negated_topic``) has a concept the document never names: then no group co-occurs
        in any clause (``ConceptIndex.cooccurring``), and the demand is absent without the
        match kinds being run (most demands, on a short draft)."""
        spec, missing = demand.match, self.concepts.missing
        groups = chain((c["all"] for c in spec["contradict"]), spec["topic"], spec.get("negated_topic", ()))
        return all(any(missing(n, demand) for n in group) for group in groups)

    def _flaws(self, demand, hits: dict) -> tuple[dict[int, list[Reason]], list[Evidence]]:
        """Each hit's flaws (clause index -> reasons, in clause order): a recorded position, a
        news report's own narration, a negation deferred until a later event, the shared
        qualifiers (``Qualifiers.shared_flaws``; a call on someone is not weak where the
        demand is that call, ``call_is_the_act``) and the demand's ``narrow`` qualifiers. With
        ``negation = "contradicts"``, a hit whose action (``action``, else its topic words) is
        negated is no hit: its evidence comes second, and then the other hits' flaws, which
        ``evaluate`` does not read, are not computed (an empty dict)."""
        spec, q, units = demand.match, self.qualifiers, self.r.units
        narrow = MATCH_KINDS["narrow"]
        flaws: dict[int, list[Reason]] = {}
        negated_contra: list[Evidence] = []
        pending: list[tuple[int, Unit, list[Reason]]] = []
        for ui in sorted(hits):
            unit = units[ui]
            fl: list[Reason] = []
            position = q.position(unit)
            if position:
                fl.append(Reason("weak", f"It records a position or a discussion, not a commitment ('{position[0]}')."))
            narration = ui in q.narration
            if narration:
                fl.append(Reason("weak", "It is the report's own account, not the speaker's words."))
            # someone's position, or the outlet's account, refuses nothing
            if not (position or narration) and spec["negation"] == "contradicts" \
                    and q.action_negated(unit, hits[ui], demand):
                deferral = self.concepts.unit_spans("deferral", None, unit)
                if deferral:
                    fl.append(Reason("negated", f"The text rules it out until a later event ('{self.evidence.surface(deferral)[0]}'): not a commitment now."))
                    fl.append(Reason("conditional", "It is deferred until a later step."))
                else:
                    negated_contra.extend(self.evidence.evidence_for(unit, hits[ui]))
                    continue
            pending.append((ui, unit, fl))
        if negated_contra:
            return flaws, negated_contra
        for ui, unit, fl in pending:
            fl.extend(q.shared_flaws(unit, calls_weak=not spec.get("call_is_the_act")))
            fl.extend(narrow(self, demand, unit))
            flaws[ui] = fl
        return flaws, negated_contra

    def flag(self, spec: dict) -> list[Evidence]:
        """Sentences where every concept of a context flag occurs, not negated."""
        return MATCH_KINDS["flag"](self, spec)


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for ev in sorted(evidence, key=lambda e: e.start):
        if (ev.start, ev.end) in seen:
            continue
        seen.add((ev.start, ev.end))
        out.append(ev)
    return out[:MAX_EVIDENCE]


def _dedupe_reasons(reasons: list[Reason]) -> list[Reason]:
    seen, out = set(), []
    for r in reasons:
        key = (r.code, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


# ---------------------------------------------------------------- statements

_KIND_NAMES = {"state": "a state", "eu": "the EU", "asp": "the Assembly of States Parties", "un": "a UN body",
               "icc": "the ICC", "otp": "the ICC's Office of the Prosecutor", "other": "another body"}


def for_speaker(finding: Finding, demand, speaker) -> Finding:
    """An ask of states and institutions read in a statement, by who speaks (CODEBOOK): a firm
    statement of policy by a body the ask addresses meets it, weak wording by it is partial and
    its refusal contradicts the ask; a statement by another body that takes up the ask's subject
    (calling on the addressee, or reacting in its place) is partial, whatever its wording, and
    so is one whose speaker cannot be told (coded conservatively: never met)."""
    if demand.where != "policy" or finding.status == "absent":
        return finding
    kinds = demand.addressee_kinds
    if speaker is not None and speaker.known and speaker.kind in kinds:
        return finding
    if speaker is None or not speaker.known:
        if finding.status != "met":
            return finding
        why = ("The speaker of this statement could not be determined, so a firm statement is not "
               "counted as the addressee's policy; give the speaker to settle it.")
        return Finding(finding.demand, "partial", [Reason("addressee", why)], finding.evidence)
    addressed = ", ".join(a["name"] for a in demand.addressees)
    who = _KIND_NAMES.get(speaker.kind, "another body")
    why = (f"The statement is by {speaker.name or who} ({who}), not by a body the ask addresses "
           f"({addressed}): it takes up the subject but is not the addressee's own policy.")
    return Finding(finding.demand, "partial", [Reason("addressee", why)] + [
        r for r in finding.reasons if r.code not in ("contradiction", "negated")], finding.evidence)
