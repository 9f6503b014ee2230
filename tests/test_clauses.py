"""The clause model (issue "Clauses"): where sentences split into clauses, and how qualifiers,
negation, positions, carve-outs and narrowing keep to their scope. Each case is written here;
the phenomenon suite (tests/data/phenomena) measures the same on 425 texts."""
from __future__ import annotations

import pytest

from checklist.assessment import assess
from checklist.documents import document_from_text
from checklist.engine import split_clauses
from checklist.rules import bundled_library


@pytest.fixture(scope="module")
def lib():
    return bundled_library()


def clauses(text):
    return [text[a:b] for a, b in split_clauses(text)]


@pytest.mark.parametrize("text,parts", [
    ("The Parties shall release all detainees, but observers may visit the camps.", 2),
    ("The Parties shall release all detainees and shall not prosecute them.", 2),
    ("Civilians held by Russia, and those held in the occupied areas, shall be released.", 1),
    ("All persons who are detained and who were deported shall be returned.", 1),
    ("The Parties shall release them, but not before the settlement.", 1),
    ("Residents may stay without a passport or residence permit once an administration has been set up.", 1),
    ("Сторони звільняють усіх затриманих, але спостерігачі можуть відвідувати табори.", 2),
    ("Стороны освобождают всех задержанных, однако наблюдатели могут посещать лагеря.", 2),
    ("The Parties shall establish Mixed Medical Commissions, while visits by the International Committee of "
     "the Red Cross to places of internment may be arranged.", 2),
    # a quotation, then the outlet's frame
    ("“We cannot fill this gap,” the Commission told reporters as NGOs sought emergency aid.", 2),
    ("«Ми не можемо заповнити цю прогалину», — сказав речник, коли організації просили допомоги.", 2),
    # a quotation without a frame of saying after it is one clause
    ("The so-called “peace plan,” drafted in secret, was published.", 1),
])
def test_where_a_sentence_splits(text, parts):
    assert len(clauses(text)) == parts, clauses(text)


def status(text, demand, lib, **kw):
    a = assess(document_from_text(text, "t"), lib.select([demand.split("/")[0]]), lib, **kw)
    return {r["demand"]: r for r in a["results"]}[demand]


@pytest.mark.parametrize("text,demand,expected", [
    # a weak word in another clause does not colour the commitment
    ("4. The Parties shall immediately release all civilians detained in connection with the conflict, "
     "but the ICRC may be invited to observe.", "tot-2025/1", "met"),
    # a trailing condition scopes back over the coordination
    ("6. Search teams shall be granted access to the occupied territory and shall receive the information "
     "on missing persons, subject to prior approval of each visit.", "tot-2025/5", "partial"),
    # negative subject with an obstruction protects
    ("Article 6. No resident displaced from the occupied territory shall be prevented from returning to "
     "his or her home or from leaving for territory controlled by the Government of Ukraine.", "tot-2025/10", "met"),
    # a refusal of the action contradicts
    ("Article 6. Residents displaced from the occupied territory shall be prohibited from returning to their homes.",
     "tot-2025/10", "contradicted"),
    # a position is never met, a recorded rejection never contradicts
    ("2. The Ukrainian side insisted that all detained civilians be released immediately.", "tot-2025/1", "partial"),
    ("2. The Russian side rejected the release of detained civilians.", "tot-2025/1", "partial"),
    # a carve-out narrows
    ("3. The Parties shall release all detained civilians, except those convicted of terrorism.", "tot-2025/1",
     "partial"),
    # the same things released are goods, not people
    ("3. Cargo vessels detained in the ports shall be released within ten days.", "tot-2025/1", "absent"),
    # only narrows
    ("5. Demining shall be carried out only in the Kherson region.", "tot-2025/7", "partial"),
])
def test_qualifiers_keep_to_their_scope(text, demand, expected, lib):
    assert status(text, demand, lib)["status"] == expected


# (what the case shows, demand, text, expected status; "!contradicted": any status but that)
READINGS = [
    ('a heading names the subject of the first item under it', 'amnesty-eu-2026/3',
     'Article 11. Participation of victims and survivors in the negotiations\n1. Their representatives '
     'shall be admitted to all plenary sessions.',
     'partial'),
    ('a lead in that borrows its subject defers to its items', 'tot-2025/1',
     'Article 2. Release of detainees\n\nThe Russian Federation shall release without delay:\n\n(a) '
     'all journalists detained in the occupied territory;\n\n(b) all minors held in custody.',
     'partial'),
    ('a lead in that borrows its subject defers to its items', 'tot-2025/1',
     'Article 2. Release of detainees\n\nThe Russian Federation shall release without delay:\n\n(a) '
     'all civilians detained in connection with the conflict;\n\n(b) all minors held in custody.',
     'met'),
    ('a lead in that borrows its subject defers to its items', 'tot-2025/1',
     'Article 2\n\nThe Russian Federation shall release all detained civilians, in particular:\n\n(a) '
     'journalists;\n\n(b) minors.',
     'met'),
    ('a lead in that borrows its subject defers to its items', 'tot-2025/1',
     'Стаття 2. Звільнення затриманих\n\nРосійська Федерація невідкладно звільняє:\n\nа) журналістів, '
     'затриманих на окупованих територіях;\n\nб) неповнолітніх, які утримуються під вартою.',
     'partial'),
    ('a negation after a refusal does not undo it', 'amnesty-eu-2026/3',
     'Article 19\nThe Parties waive all claims arising from the hostilities and undertake not to '
     'pursue such claims before any court.',
     'contradicted'),
    ('a negation after a refusal does not undo it', 'amnesty-eu-2026/3',
     'Article 19\nThe Parties shall not waive any claims of victims arising from the hostilities.',
     'partial'),
    ('a negation after a refusal does not undo it', 'amnesty-eu-2026/3',
     "Стаття 19\nСторони відмовляються від усіх претензій, пов'язаних з бойовими діями, і не "
     'висуватимуть таких претензій у жодному суді.',
     'contradicted'),
    ('a forbidden list ending in an obstruction is still forbidden', 'tot-2025/2',
     'Article 6\nNo resident of the occupied territory may be prosecuted, detained or deprived of '
     'liberty for his or her political views.',
     'met'),
    ('a forbidden list ending in an obstruction is still forbidden', 'tot-2025/2',
     'Стаття 6\nЖоден мешканець окупованої території не може бути притягнутий до кримінальної '
     'відповідальності, затриманий або позбавлений волі за свої політичні погляди.',
     'met'),
    ('a forbidden list ending in an obstruction is still forbidden', 'tot-2025/2',
     'Статья 6\nНи один житель оккупированной территории не может быть привлечен к уголовной '
     'ответственности, задержан или лишен свободы за свои политические взгляды.',
     'met'),
    ('a forbidden list ending in an obstruction is still forbidden', 'tot-2025/2',
     'Article 6\nNothing in this Agreement shall prevent the authorities from prosecuting '
     'residents for their political views.',
     'contradicted'),
    ('a relative clause s negation stays in it', 'tot-2025/8',
     'Article 8\nCitizens of Ukraine who have not acquired Russian citizenship may reside in the '
     'region only with a residence permit issued under the laws of the Russian Federation.',
     'contradicted'),
    ('a relative clause s negation stays in it', 'tot-2025/8',
     'Стаття 8\nГромадяни України, які не набули громадянства Російської Федерації, можуть '
     'проживати лише за наявності дозволу, виданого відповідно до законодавства Російської '
     'Федерації.',
     'contradicted'),
    ('a relative clause s negation stays in it', 'tot-2025/8',
     'Статья 8\nГраждане Украины, которые не приобрели гражданство Российской Федерации, могут '
     'проживать только при наличии разрешения, выданного в соответствии с законодательством '
     'Российской Федерации.',
     'contradicted'),
    ('a relative clause s negation stays in it', 'tot-2025/8',
     'Article 8\nNo resident shall be required to acquire Russian citizenship or to hold a Russian '
     'passport in order to reside in his or her home.',
     'met'),
    ('negations that undo a negation', 'amnesty-eu-2025/1',
     'Article 20\nCrimes under international law shall be investigated and prosecuted without '
     'amnesty, and victims shall have the right to truth and reparation.',
     '!contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2025/1',
     'Стаття 20\nЗлочини за міжнародним правом розслідуються і переслідуються без амністії.',
     '!contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2025/1',
     'Article 20\nAll combatants shall receive an amnesty for acts committed during the conflict.',
     'contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2026/3',
     'Article 14\nNo claim of victims lodged with the Register of Damage shall be considered '
     'extinguished by this Agreement.',
     '!contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2026/3',
     'Article 14\nNo claims for war damage shall be brought by either Party.',
     'contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2025/8',
     'Statement by the European Commission\n1. No organisation supporting victims will be left '
     'without funding because of the suspension of US foreign aid.',
     '!contradicted'),
    ('negations that undo a negation', 'amnesty-eu-2025/8',
     'Statement by the European Commission\n1. No additional funding will be provided to fill the '
     'gap left by the suspension of US foreign aid.',
     'contradicted'),
    ('negations and exceptions in their own scope', 'tot-2025/1',
     'Пункт 3. Все гражданские лица, задержанные оккупационной администрацией, где бы они ни '
     'содержались, освобождаются незамедлительно.',
     '!contradicted'),
    ('negations and exceptions in their own scope', 'tot-2025/1',
     'Пункт 3. Гражданские лица, задержанные оккупационной администрацией, не освобождаются до '
     'окончания следствия.',
     'contradicted'),
    ('negations and exceptions in their own scope', 'amnesty-eu-2025/3b',
     'Council conclusions\n1. The Council asks the Commission to extend the annex of the blocking '
     'statute to the measures against the International Criminal Court, so that they do not apply '
     'within the Union.',
     '!contradicted'),
    ('negations and exceptions in their own scope', 'amnesty-eu-2025/3b',
     'Заява Уряду\n1. Уряд доповнить блокувальний регламент заходами проти Міжнародного '
     'кримінального суду, щоб вони не застосовувалися в Україні.',
     '!contradicted'),
    ('negations and exceptions in their own scope', 'amnesty-eu-2026/2a',
     'Article 10\nPersons who took part in the hostilities shall be granted an amnesty, subject to '
     'Article 11.\nArticle 11\nThe amnesty provided for in Article 10 shall not extend to war '
     'crimes, crimes against humanity or genocide.',
     '!contradicted'),
    ('negations and exceptions in their own scope', 'amnesty-eu-2026/2a',
     'Article 10\nPersons who took part in the hostilities shall be granted an amnesty.\nArticle '
     '11\nThe Parties shall exchange lists of prisoners.',
     'contradicted'),
    ('list items share their lead in commitment', 'amnesty-eu-2026/2a',
     'Article 5. The Parties undertake:\n(a) to cooperate fully with the International Criminal '
     'Court;\n(b) to execute all arrest warrants issued by the Court.',
     'met'),
    ('list items share their lead in commitment', 'amnesty-eu-2026/2a',
     'Article 5. The Parties shall cooperate fully with the International Criminal Court.',
     'partial'),
    ('a contrasting clause and multiword weak wording', 'tot-2025/10',
     'Article 5\nResidents displaced within the occupied territory shall return to their homes '
     'within 60 days, but the return of those deported to the Russian Federation will be '
     'discussed at a later round.',
     'partial'),
    ('a contrasting clause and multiword weak wording', 'tot-2025/10',
     'Article 5\nResidents displaced within the occupied territory shall return to their homes '
     'within 60 days, and those deported to the Russian Federation shall return within 90 days.',
     'met'),
    ('a contrasting clause and multiword weak wording', 'amnesty-eu-2026/4b',
     '6. Сторони повертають депортованих дітей їхнім родинам та, наскільки це можливо, інших '
     'депортованих осіб до місць їхнього постійного проживання.',
     'partial'),
    ('the agreement taking effect is no condition but a later one is', 'tot-2025/1',
     'Article 10\nCivilians detained in connection with the conflict shall be released within 30 '
     'days after the entry into force of this Agreement.',
     'met'),
    ('the agreement taking effect is no condition but a later one is', 'tot-2025/1',
     'Статья 10\nГражданские лица, задержанные в связи с конфликтом, освобождаются после '
     'вступления в силу всеобъемлющего мирного договора.',
     'partial'),
    ('the agreement taking effect is no condition but a later one is', 'amnesty-eu-2026/2a',
     '12. The modalities of cooperation with the International Criminal Court, including the '
     'execution of arrest warrants, shall be agreed in a separate protocol after the entry into '
     'force of this Agreement.',
     'partial'),
    ('a negated condition and a deferral in the next sentence', 'tot-2025/1',
     'Article 4\nThe Russian Federation shall release all civilians it detains. Such release shall '
     'not depend on any exchange of prisoners.',
     'met'),
    ('a negated condition and a deferral in the next sentence', 'tot-2025/1',
     'Стаття 4\nРосійська Федерація звільняє всіх затриманих цивільних осіб. Таке звільнення не '
     'залежить від будь-якого обміну полоненими.',
     'met'),
    ('a negated condition and a deferral in the next sentence', 'tot-2025/6',
     '5. An international mission shall be deployed throughout the temporarily occupied '
     'territories to monitor the ceasefire and the human rights situation. Its composition and '
     'mandate are to be agreed in a separate protocol.',
     'partial'),
]


@pytest.mark.parametrize("why,demand,text,expected", READINGS, ids=[f"{w[:40]}-{i}" for i, (w, *_) in enumerate(READINGS)])
def test_clause_readings(why, demand, text, expected, lib):
    got = status(text, demand, lib)["status"]
    if expected.startswith("!"):
        assert got != expected[1:], why
    else:
        assert got == expected, why


def test_an_item_with_a_flaw_of_its_own_gives_nothing_firm(lib):
    text = ("2. The following shall return to the territory controlled by the Government of Ukraine:\n"
            "(a) children deported to the Russian Federation;\n"
            "(b) persons who accompanied such children.")
    assert status(text, "amnesty-eu-2026/4b", lib)["status"] == "partial"


def test_a_firm_lead_in_takes_its_items_as_elements(lib):
    text = ("Стаття 13. Права потерпілих\nОсобам, які постраждали від злочинів, учинених під час збройного "
            "конфлікту, гарантуються:\n1) медична, психологічна та правова підтримка;\n2) участь у "
            "кримінальних провадженнях;\n3) повне відшкодування завданої шкоди;\n4) участь їхніх "
            "представників у переговорах.")
    assert status(text, "amnesty-eu-2026/3", lib)["status"] == "met"
