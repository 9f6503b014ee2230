"""The term syntax of rule files: one parser, with errors that say what is wrong.

A term is words separated by spaces. Each word is one of:

    word        the word in any inflection (its dictionary form, see ``checklist.morphology``)
    =word       exactly this form, no inflection (=remains is not "remain")
    word*       any word starting so (a true prefix: detain* = detained, detainee)
    <num>       a number written in digits
    _           any one word (never first or last)

and a term may group words:

    (a|b c|d)   one of the alternatives, each one or more words: (shall|will|must) remain
    [a b]       optional words: exchange [of] prisoners
    ~N          up to N words (1-5) between the words either side: release ~2 civilians

Hyphens count as spaces ("entry-exit" = "entry exit"); matching ignores case. ``expand`` turns
a term into the plain word sequences it stands for; the engine indexes those, so alternation
costs nothing at match time. A term may stand for at most ``MAX_VARIANTS`` sequences.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

MAX_VARIANTS = 1024
MAX_GAP = 5
_WORD = re.compile(r"^(=?[\w'’ʼ.]+\*?|<num>|_)$", re.UNICODE)


class TermError(ValueError):
    """A term that cannot be parsed; the message says what is wrong."""


def _tokens(text: str) -> list[str]:
    """Words and the brackets and bars between them (hyphens are spaces)."""
    return re.findall(r"[()\[\]|]|[^\s()\[\]|]+", text.replace("-", " "))


def _parse_seq(toks: list[str], pos: int, closers: str):
    """A sequence of items up to one of ``closers``: returns (alternatives, pos), where
    alternatives is a list of word tuples."""
    seqs: list[tuple[str, ...]] = [()]
    while pos < len(toks) and toks[pos] not in closers:
        t = toks[pos]
        if t == "(":
            alts, pos = _parse_group(toks, pos + 1, ")")
            options = alts
        elif t == "[":
            alts, pos = _parse_group(toks, pos + 1, "]")
            options = [()] + alts
        elif t in ")]|":
            raise TermError(f"'{t}' without its opening bracket")
        elif t.startswith("~"):
            if not t[1:].isdigit() or not 1 <= int(t[1:]) <= MAX_GAP:
                raise TermError(f"'{t}': a gap is ~1 to ~{MAX_GAP}")
            options = [("_",) * k for k in range(int(t[1:]) + 1)]
            pos += 1
        else:
            if not _WORD.match(t) or t in ("=", "*") or t.startswith("=") and t.endswith("*"):
                raise TermError(f"'{t}' is not a word (a word, =word, word*, <num> or _)")
            options = [(t,)]
            pos += 1
        seqs = [a + b for a, b in product(seqs, options)]
        if len(seqs) > MAX_VARIANTS:
            raise TermError(f"it stands for more than {MAX_VARIANTS} word sequences: split it into several terms")
    return seqs, pos


def _parse_group(toks, pos, closer):
    alts = []
    while True:
        seqs, pos = _parse_seq(toks, pos, "|" + closer)
        if pos >= len(toks):
            raise TermError(f"'{'(' if closer == ')' else '['}' is not closed")
        if not any(seqs):
            raise TermError("an empty alternative")
        alts.extend(seqs)
        if toks[pos] == closer:
            return alts, pos + 1
        pos += 1            # past "|"


@lru_cache(maxsize=None)
def expand(text: str) -> tuple[tuple[str, ...], ...]:
    """The word sequences a term stands for; raises TermError with what is wrong."""
    toks = _tokens(text)
    if not toks:
        raise TermError("an empty term")
    seqs, pos = _parse_seq(toks, 0, "")
    if pos != len(toks):        # pragma: no cover - _parse_seq consumes to the end or raises
        raise TermError(f"unexpected '{toks[pos]}'")
    out = []
    for seq in seqs:
        if not seq:
            raise TermError("it can stand for no word at all: make something in it required")
        if seq[0] == "_" or seq[-1] == "_":
            raise TermError("it cannot start or end with _ or a gap")
        if seq not in out:
            out.append(seq)
    return tuple(out)


def check(text: str) -> str | None:
    """None for a valid term, else what is wrong with it."""
    try:
        expand(text)
    except TermError as exc:
        return str(exc)
    return None
