"""Word keys: the form of a word that rule terms and document words are compared on.

A term written in its dictionary form matches every inflection of the word, in each of the
three languages the engine reads:

- English: the Snowball (Porter2) stemmer, through PyStemmer: agree/agreed, admit/admitted,
  transfer/transferred, guarantee/guaranteed meet one key.
- Russian: pymorphy3's lemma (so a participle meets its verb: освобождены -> освободить),
  then the Snowball Russian stemmer, then the derivational tail below.
- Ukrainian: pymorphy3's lemma with ``pymorphy3-dicts-uk`` (Snowball has no Ukrainian), then
  the same derivational tail with Ukrainian suffixes.

The derivational tail (hand-written: no library on PyPI gives Ukrainian or Russian word
families) strips, from the lemma's stem, the suffixes that make a verb's aspect pair, its
verbal noun and its participles out of one root, and undoes the two commonest consonant
alternations at the root's end (жд/д, щ/т), so that звільнити, звільняються, звільнення and
звільнених meet one key, and освободить, освобождение, освобождены and освобождать another.
It never strips a root below four letters. ``tests/test_morphology.py`` holds the families it
must join and the words it must keep apart.

Which Cyrillic language a word is in: a word with і, ї, є or ґ is Ukrainian, one with ы, э,
ъ or ё Russian, any other the document's language (``document_language``).
"""
from __future__ import annotations

import re
from functools import lru_cache

_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_LATIN = re.compile(r"[a-z]")

# Porter2 joins a few words of unrelated sense that rule terms must tell apart; these keep
# their own key (each pair is in tests/test_morphology.py).
_EN_KEEP = {
    "accession": "accession", "accessions": "accession", "accede": "accede", "accedes": "accede",
    "acceded": "accede", "acceding": "accede",
    "informal": "informal", "informally": "informal",
    "hospitality": "hospitality",
    "organ": "organ", "organs": "organ",
    "university": "university", "universities": "university",
    "generation": "generation", "generations": "generation",
    "internship": "internship",
    "mine": "mine", "mines": "mine", "mined": "mine", "mining": "mining",
    "minor": "minor", "minors": "minor",
}

# suffixes taken off a lemma's stem, in order, each at most once; longest first within a step
_UK_STEPS = (
    ("ся", "сь"),
    ("ти",),
    ("ування", "ювання", "овання", "ення", "ання", "іння", "яння", "ння", "ація", "яція"),
    ("ий", "ій", "ої", "ого"),
    ("ен", "ан", "ян", "єн", "ут", "ют"),
    ("ува", "юва", "ова", "ув", "юв", "ов", "и", "я", "а", "і", "е", "у", "о"),
)
_RU_STEPS = (
    ("ени", "ани", "ен", "ан", "ян"),
    ("ыва", "ива", "ова", "ева", "ыв", "ив", "ов", "ев", "а", "я", "и", "е", "у", "о"),
)
# Porter2 also strips derivational suffixes (national, nationality and nationalization all
# give "nation"; informal and information "inform"). A rule term names one word family, so the
# English key keeps the class of such a suffix: inflections still meet (nationalities =
# nationality), derivations do not.
_EN_DERIVATION = (
    (("isation", "ization", "ation", "ition", "ution", "sion", "tion", "ion"), "ion"),
    (("ality", "ility", "ity"), "ity"),
    (("alism", "ism"), "ism"), (("alist", "ist"), "ist"), (("ness",), "ness"),
    (("ional", "al"), "al"), (("ive",), "ive"), (("ous",), "ous"),
    (("able", "ible"), "able"), (("ful",), "ful"),
)


def _en_singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _en_key(word: str) -> str:
    stem = _english().stemWord(word)
    base = _en_singular(word)
    for endings, cls in _EN_DERIVATION:
        if base.endswith(endings) and len(base) > len(stem) + 1:
            return stem + "~" + cls
    return stem


# at a root's end: жд/д (освобождать/освободить), щ/т (возвращать/возвратить), and the л that
# Ukrainian and Russian add after a labial in one aspect (відмовляти/відмовити, отправлять/отправить)
_ALTERNATIONS = (("жд", "д"), ("щ", "т"), ("вл", "в"), ("пл", "п"), ("бл", "б"), ("мл", "м"), ("фл", "ф"))
_MIN_ROOT = 4


def document_language(text: str) -> str:
    """'uk' or 'ru' for a text's Cyrillic words whose letters do not tell (by which of the
    two languages' own letters the text has more of; Russian where it has no Ukrainian letter),
    'en' for a text with no Cyrillic."""
    lower = text.lower()
    uk = sum(lower.count(c) for c in _UK_LETTERS)
    ru = sum(lower.count(c) for c in _RU_LETTERS)
    if uk == 0:
        # Ukrainian text almost never goes a sentence without і, ї, є or ґ; Russian can go
        # a long way without ы, э, ъ or ё ("Представители потерпевших не принимают участия")
        return "ru" if _CYRILLIC.search(lower) else "en"
    return "uk" if uk >= ru else "ru"


def word_language(word: str, default: str) -> str:
    """The language a lower-case word is read in: en (Latin letters), uk or ru."""
    if not _CYRILLIC.search(word):
        return "en"
    letters = set(word)
    if letters & _UK_LETTERS:
        return "uk"
    if letters & _RU_LETTERS:
        return "ru"
    return default if default in ("uk", "ru") else "ru"


@lru_cache(maxsize=1)
def _english():
    import Stemmer
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _russian_stemmer():
    import Stemmer
    return Stemmer.Stemmer("russian")


@lru_cache(maxsize=2)
def _analyzer(lang: str):
    import pymorphy3
    return pymorphy3.MorphAnalyzer(lang=lang)


def _tail(stem: str, steps) -> str:
    for group in steps:
        for suffix in group:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_ROOT:
                stem = stem[: -len(suffix)]
                break
    for end, repl in _ALTERNATIONS:
        if stem.endswith(end) and len(stem) - len(end) + len(repl) >= _MIN_ROOT:
            stem = stem[: -len(end)] + repl
    return stem


def _lemma(word: str, lang: str) -> str:
    parses = _analyzer(lang).parse(word)
    return parses[0].normal_form if parses else word


@lru_cache(maxsize=262144)
def key(word: str, lang: str) -> str:
    """The key of a lower-case word read in ``lang`` (en, uk or ru); see the module docstring."""
    if lang == "en":
        if not word.isascii() or not _LATIN.search(word):
            return word
        if word.endswith("'s"):
            word = word[:-2]
        kept = _EN_KEEP.get(word)
        return kept if kept is not None else _en_key(word)
    if not _CYRILLIC.search(word):
        return word
    word = word.replace("ё", "е")
    lemma = _lemma(word, lang).replace("ё", "е")
    if lang == "ru":
        if lemma.endswith(("ся", "сь")) and len(lemma) > 5:
            lemma = lemma[:-2]
        return _tail(_russian_stemmer().stemWord(lemma), _RU_STEPS)
    return _tail(lemma.replace("'", "").replace("ʼ", ""), _UK_STEPS)


_VERB_TAGS = frozenset(("VERB", "INFN", "PRTS", "PRED", "GRND"))


@lru_cache(maxsize=65536)
def is_verb(word: str, lang: str) -> bool:
    """Whether a lower-case Ukrainian or Russian word reads as a finite verb, an infinitive, a
    short participle or a predicative (the words "не" negates as a predicate: "не звільняються",
    "не може", "не допущены"), by pymorphy3's likeliest parse."""
    if lang not in ("uk", "ru") or not _CYRILLIC.search(word):
        return False
    parses = _analyzer(lang).parse(word)
    return bool(parses) and parses[0].tag.POS in _VERB_TAGS


@lru_cache(maxsize=65536)
def is_nonpast_verb(word: str, lang: str) -> bool:
    """Whether a lower-case Ukrainian or Russian word can read as a finite verb in the present
    or the future ("проведе", "укрепит", "виконуватиме", "действует"; not "зазначив", "выдал"):
    a statement's "will" is in the verb itself. Any of pymorphy3's parses counts, since the
    likeliest one can miss a future ("посилить" read first as an infinitive)."""
    if lang not in ("uk", "ru") or not _CYRILLIC.search(word):
        return False
    return any(p.tag.POS == "VERB" and p.tag.tense in ("pres", "futr") for p in _analyzer(lang).parse(word)[:4])
