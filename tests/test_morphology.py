"""Word keys (checklist.morphology): the word families a term in dictionary form must join,
and the words of other senses it must keep apart, in English, Ukrainian and Russian."""
from __future__ import annotations

import pytest

from checklist.morphology import document_language, is_verb, key, word_language

JOIN = [
    ("en", ["agree", "agreed", "agrees"]), ("en", ["admit", "admitted"]), ("en", ["transfer", "transferred"]),
    ("en", ["stop", "stopped"]), ("en", ["ban", "banned"]), ("en", ["guarantee", "guaranteed"]),
    ("en", ["release", "released", "releases"]), ("en", ["nationality", "nationalities"]),
    ("uk", ["звільнити", "звільняються", "звільнення", "звільнених", "звільнено"]),
    ("uk", ["повернути", "повернення", "повернуті"]), ("uk", ["депортувати", "депортованих", "депортація"]),
    ("uk", ["розмінування", "розмінувати"]), ("uk", ["відмовитися", "відмовляються"]),
    ("uk", ["проживання", "проживати", "проживають"]),
    ("ru", ["освободить", "освобождение", "освобождены", "освобождаются", "освобождать"]),
    ("ru", ["возвращение", "возвращаются", "возвратить"]), ("ru", ["разминирование", "разминировать"]),
    ("ru", ["преследование", "преследовать"]), ("ru", ["отказаться", "отказываются"]),
    ("ru", ["защищать", "защитить", "защита"]),
]
APART = [
    ("en", "national", "nationality"), ("en", "informal", "information"), ("en", "access", "accession"),
    ("en", "hospital", "hospitality"), ("en", "international", "internal"), ("en", "mines", "mining"),
    ("uk", "доступ", "допуск"), ("ru", "мир", "мирный"),
]


@pytest.mark.parametrize("lang,words", JOIN, ids=lambda v: v if isinstance(v, str) else v[0])
def test_a_family_meets_one_key(lang, words):
    assert len({key(w, lang) for w in words}) == 1, {w: key(w, lang) for w in words}


@pytest.mark.parametrize("lang,a,b", APART)
def test_other_senses_stay_apart(lang, a, b):
    assert key(a, lang) != key(b, lang)


def test_which_language_a_word_is_read_in():
    assert word_language("release", "uk") == "en"
    assert word_language("звільнення", "ru") == "uk"      # і is Ukrainian
    assert word_language("объём", "uk") == "ru"           # ё is Russian
    assert word_language("паспорт", "ru") == "ru"         # no telling letter: the document's
    assert document_language("Стаття 1. Сторони звільняють усіх.") == "uk"
    assert document_language("Статья 1. Стороны освобождают всех.") == "ru"
    assert document_language("Article 1. The Parties shall release all.") == "en"


def test_ne_negates_only_a_verb():
    assert is_verb("може", "uk") and is_verb("звільняються", "uk")
    assert not is_verb("менше", "uk") and not is_verb("пізніше", "uk")
    assert is_verb("допущены", "ru") and not is_verb("позднее", "ru")
