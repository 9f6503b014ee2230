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


@pytest.mark.parametrize("text,expected", [
    # the heading names the subject, the lead-in the act, the items whom: the items decide
    ("Article 2. Release of detainees\n\nThe Russian Federation shall release without delay:\n\n"
     "(a) all journalists detained in the occupied territory;\n\n(b) all minors held in custody.", "partial"),
    ("Article 2. Release of detainees\n\nThe Russian Federation shall release without delay:\n\n"
     "(a) all civilians detained in connection with the conflict;\n\n(b) all minors held in custody.", "met"),
    # a lead-in with its own subject commits by itself
    ("Article 2\n\nThe Russian Federation shall release all detained civilians, in particular:\n\n"
     "(a) journalists;\n\n(b) minors.", "met"),
    ("Стаття 2. Звільнення затриманих\n\nРосійська Федерація невідкладно звільняє:\n\n"
     "а) журналістів, затриманих на окупованих територіях;\n\nб) неповнолітніх, які утримуються під вартою.",
     "partial"),
])
def test_a_lead_in_that_borrows_its_subject_defers_to_its_items(text, expected, lib):
    assert status(text, "tot-2025/1", lib)["status"] == expected


@pytest.mark.parametrize("text,expected", [
    # a refusal is negated before it is stated, not by a negation that continues it
    ("Article 19\nThe Parties waive all claims arising from the hostilities and undertake not to pursue "
     "such claims before any court.", "contradicted"),
    ("Article 19\nThe Parties shall not waive any claims of victims arising from the hostilities.", "partial"),
    ("Стаття 19\nСторони відмовляються від усіх претензій, пов'язаних з бойовими діями, і не висуватимуть "
     "таких претензій у жодному суді.", "contradicted"),
])
def test_a_negation_after_a_refusal_does_not_undo_it(text, expected, lib):
    assert status(text, "amnesty-eu-2026/3", lib)["status"] == expected


@pytest.mark.parametrize("text,expected", [
    # what a negative subject forbids may end with an obstruction word: it is listed, not governing
    ("Article 6\nNo resident of the occupied territory may be prosecuted, detained or deprived of liberty "
     "for his or her political views.", "met"),
    ("Стаття 6\nЖоден мешканець окупованої території не може бути притягнутий до кримінальної "
     "відповідальності, затриманий або позбавлений волі за свої політичні погляди.", "met"),
    ("Статья 6\nНи один житель оккупированной территории не может быть привлечен к уголовной "
     "ответственности, задержан или лишен свободы за свои политические взгляды.", "met"),
    # a negated obstacle before persecution permits it
    ("Article 6\nNothing in this Agreement shall prevent the authorities from prosecuting residents for "
     "their political views.", "contradicted"),
])
def test_a_forbidden_list_ending_in_an_obstruction_is_still_forbidden(text, expected, lib):
    assert status(text, "tot-2025/2", lib)["status"] == expected


@pytest.mark.parametrize("text,expected", [
    # a negation inside a relative clause describes the people; it does not negate the condition
    ("Article 8\nCitizens of Ukraine who have not acquired Russian citizenship may reside in the region only "
     "with a residence permit issued under the laws of the Russian Federation.", "contradicted"),
    ("Стаття 8\nГромадяни України, які не набули громадянства Російської Федерації, можуть проживати лише "
     "за наявності дозволу, виданого відповідно до законодавства Російської Федерації.", "contradicted"),
    ("Статья 8\nГраждане Украины, которые не приобрели гражданство Российской Федерации, могут проживать "
     "только при наличии разрешения, выданного в соответствии с законодательством Российской Федерации.",
     "contradicted"),
    # the main clause's own negation still protects
    ("Article 8\nNo resident shall be required to acquire Russian citizenship or to hold a Russian passport "
     "in order to reside in his or her home.", "met"),
])
def test_a_relative_clause_s_negation_stays_in_it(text, expected, lib):
    assert status(text, "tot-2025/8", lib)["status"] == expected


@pytest.mark.parametrize("text,demand,contradicted", [
    # "without" before a refusal negates it
    ("Article 20\nCrimes under international law shall be investigated and prosecuted without amnesty, and "
     "victims shall have the right to truth and reparation.", "amnesty-eu-2025/1", False),
    ("Стаття 20\nЗлочини за міжнародним правом розслідуються і переслідуються без амністії.",
     "amnesty-eu-2025/1", False),
    ("Article 20\nAll combatants shall receive an amnesty for acts committed during the conflict.",
     "amnesty-eu-2025/1", True),
    # a negative subject inside a matched term still rules over a later predicate of the group
    ("Article 14\nNo claim of victims lodged with the Register of Damage shall be considered extinguished by "
     "this Agreement.", "amnesty-eu-2026/3", False),
    ("Article 14\nNo claims for war damage shall be brought by either Party.", "amnesty-eu-2026/3", True),
    # a double negative protects
    ("Statement by the European Commission\n1. No organisation supporting victims will be left without "
     "funding because of the suspension of US foreign aid.", "amnesty-eu-2025/8", False),
    ("Statement by the European Commission\n1. No additional funding will be provided to fill the gap left "
     "by the suspension of US foreign aid.", "amnesty-eu-2025/8", True),
])
def test_negations_that_undo_a_negation(text, demand, contradicted, lib):
    assert (status(text, demand, lib)["status"] == "contradicted") is contradicted


@pytest.mark.parametrize("text,demand,contradicted", [
    # a concessive "wherever they are held" negates nothing
    ("Пункт 3. Все гражданские лица, задержанные оккупационной администрацией, где бы они ни содержались, "
     "освобождаются незамедлительно.", "tot-2025/1", False),
    ("Пункт 3. Гражданские лица, задержанные оккупационной администрацией, не освобождаются до окончания "
     "следствия.", "tot-2025/1", True),
    # a purpose clause's own negation is the goal
    ("Council conclusions\n1. The Council asks the Commission to extend the annex of the blocking statute to "
     "the measures against the International Criminal Court, so that they do not apply within the Union.",
     "amnesty-eu-2025/3b", False),
    ("Заява Уряду\n1. Уряд доповнить блокувальний регламент заходами проти Міжнародного кримінального суду, "
     "щоб вони не застосовувалися в Україні.", "amnesty-eu-2025/3b", False),
    # an exception stated in another provision about the same amnesty limits it
    ("Article 10\nPersons who took part in the hostilities shall be granted an amnesty, subject to Article 11.\n"
     "Article 11\nThe amnesty provided for in Article 10 shall not extend to war crimes, crimes against "
     "humanity or genocide.", "amnesty-eu-2026/2a", False),
    ("Article 10\nPersons who took part in the hostilities shall be granted an amnesty.\n"
     "Article 11\nThe Parties shall exchange lists of prisoners.", "amnesty-eu-2026/2a", True),
])
def test_negations_and_exceptions_in_their_own_scope(text, demand, contradicted, lib):
    assert (status(text, demand, lib)["status"] == "contradicted") is contradicted


@pytest.mark.parametrize("text,expected", [
    # the items of one list share its commitment: together they name every element
    ("Article 5. The Parties undertake:\n(a) to cooperate fully with the International Criminal Court;\n"
     "(b) to execute all arrest warrants issued by the Court.", "met"),
    # full cooperation without the warrants is one element of two (CODEBOOK)
    ("Article 5. The Parties shall cooperate fully with the International Criminal Court.", "partial"),
])
def test_list_items_share_their_lead_in_commitment(text, expected, lib):
    assert status(text, "amnesty-eu-2026/2a", lib)["status"] == expected


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


@pytest.mark.parametrize("text,demand,expected", [
    # a contrasting clause that weakens or defers part of the demand keeps the sentence partial
    ("Article 5\nResidents displaced within the occupied territory shall return to their homes within 60 days, "
     "but the return of those deported to the Russian Federation will be discussed at a later round.",
     "tot-2025/10", "partial"),
    ("Article 5\nResidents displaced within the occupied territory shall return to their homes within 60 days, "
     "and those deported to the Russian Federation shall return within 90 days.", "tot-2025/10", "met"),
    # "as far as possible" after a people word is still weak (the permission rule is for one modal)
    ("6. Сторони повертають депортованих дітей їхнім родинам та, наскільки це можливо, інших депортованих "
     "осіб до місць їхнього постійного проживання.", "amnesty-eu-2026/4b", "partial"),
])
def test_a_contrasting_clause_and_multiword_weak_wording(text, demand, expected, lib):
    assert status(text, demand, lib)["status"] == expected


@pytest.mark.parametrize("text,demand,expected", [
    # the agreement itself taking effect is no condition; a later treaty is
    ("Article 10\nCivilians detained in connection with the conflict shall be released within 30 days after "
     "the entry into force of this Agreement.", "tot-2025/1", "met"),
    ("Статья 10\nГражданские лица, задержанные в связи с конфликтом, освобождаются после вступления в силу "
     "всеобъемлющего мирного договора.", "tot-2025/1", "partial"),
    # a void cancels the nearest condition before it, not every condition within reach
    ("12. The modalities of cooperation with the International Criminal Court, including the execution of "
     "arrest warrants, shall be agreed in a separate protocol after the entry into force of this Agreement.",
     "amnesty-eu-2026/2a", "partial"),
])
def test_the_agreement_taking_effect_is_no_condition_but_a_later_one_is(text, demand, expected, lib):
    assert status(text, demand, lib)["status"] == expected


@pytest.mark.parametrize("text,demand,expected", [
    # a negated condition is none
    ("Article 4\nThe Russian Federation shall release all civilians it detains. Such release shall not depend "
     "on any exchange of prisoners.", "tot-2025/1", "met"),
    ("Стаття 4\nРосійська Федерація звільняє всіх затриманих цивільних осіб. Таке звільнення не залежить від "
     "будь-якого обміну полоненими.", "tot-2025/1", "met"),
    # the next sentence takes the commitment up by a pronoun and defers it
    ("5. An international mission shall be deployed throughout the temporarily occupied territories to "
     "monitor the ceasefire and the human rights situation. Its composition and mandate are to be agreed "
     "in a separate protocol.", "tot-2025/6", "partial"),
])
def test_a_negated_condition_and_a_deferral_in_the_next_sentence(text, demand, expected, lib):
    assert status(text, demand, lib)["status"] == expected
