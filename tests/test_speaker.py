"""Statements: the kind of text, the speaker read or given, and the codebook's reasoning on
who speaks (issue "Statements"). Texts are written for these tests."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from checklist.assessment import assess, speaker_note
from checklist.cli import main
from checklist.documents import document_from_text
from checklist.rules import bundled_library
from checklist.speaker import Speaker, detect_kind, detect_speaker

CONDEMN = ("1. The Government condemns the sanctions imposed on the International Criminal Court and its "
           "officials and reaffirms its unwavering commitment to the Court.\n")


@pytest.fixture(scope="module")
def lib():
    return bundled_library()


def status(text, demand, lib, **kw):
    a = assess(document_from_text(text, "t"), lib.select([demand.split("/")[0]]), lib, **kw)
    return {r["demand"]: r for r in a["results"]}[demand], a


@pytest.mark.parametrize("text,kind", [
    ("Statement by the Minister for Foreign Affairs\n\n1. ...", "statement"),
    ("Заява Міністерства закордонних справ України\n\n1. ...", "statement"),
    ("Заявление Министерства иностранных дел\n\n1. ...", "statement"),
    ("Draft Agreement on the Rights of Residents\n\nArticle 1\n...", "agreement"),
    ("Протокол по вопросам военнопленных\n\n1. ...", "agreement"),
    ("Memorandum of Understanding\n\n1. The Parties shall ...", "agreement"),
    ("Mongolia will not arrest him, a government spokesperson told reporters on Tuesday, "
     "according to the news agency.", "statement"),
    # one-sided acts that name their author are its policy, read like statements
    ("Notice of the National Migration Authority\n\n1. Applications ...", "statement"),
    ("Cabinet of Ministers Decision on Border Crossings (draft)\n\n1. ...", "statement"),
    ("Readout of the Secretary-General's call with the President\n\n1. ...", "statement"),
    ("Проєкт закону України про співпрацю з Міжнародним кримінальним судом\n\nСтаття 1", "statement"),
    ("Указ Президента Российской Федерации\n\n1. ...", "statement"),
    # taken together, or with no author: still an agreement
    ("Decision of the Joint Commission on Prisoner Exchanges\n\n1. ...", "agreement"),
    ("Decision No. 4\n\n1. The Parties shall ...", "agreement"),
    # a news report opens its body with a dateline
    ("Уряд схвалив нову програму\n\nКИЇВ. Кабінет Міністрів України затвердив програму захисту свідків.",
     "statement"),
    ("Protocol on Prisoners of War\n\nARTICLE 1. The Parties shall exchange lists.", "agreement"),
])
def test_kind_of_text(text, kind):
    assert detect_kind(text) == kind


@pytest.mark.parametrize("text,kind", [
    ("Statement by the High Representative on behalf of the EU on the sanctions\n\n1. ...", "eu"),
    ("Joint statement by 60 States Parties to the Rome Statute\n\n1. ...", "state"),
    ("Statement by the Bureau of the Assembly of States Parties\n\n1. ...", "asp"),
    ("Statement of the Office of the Prosecutor of the International Criminal Court\n\n1. ...", "otp"),
    ("Statement on sanctions against the International Criminal Court\n\n1. The Spokesperson for the "
     "Secretary-General said the sanctions were regrettable.", "un"),
    ("Заява Міністерства закордонних справ України щодо санкцій проти Міжнародного кримінального суду", "state"),
    ("Заявление Председателя Ассамблеи государств – участников Римского статута", "asp"),
    ("Budapest, 3 April. The government will not execute the warrant, the Prime Minister told "
     "reporters.", "state"),
    ("Notice of the Financial Supervisory Authority\n\n1. ...", "state"),
    ("Проект федерального закона\n\nСтатья 1", "state"),
    # an outlet is not the speaker: the words quoted are the Office's
    ("NEWS DIGEST\n\n1. A wire agency reports that a spokesperson for the ICC Office of the Prosecutor "
     "said the Office had requested the information.", "otp"),
    # the keyword alone on the title line, the author on the next
    ("ЗАЯВА\nОфісу Прокурора Міжнародного кримінального суду\n\n1. ...", "otp"),
    ("Latvia — Department of Foreign Affairs, statement\n\n1. ...", "state"),
    # a news report: the body its first sentence is about, not the headline's
    ("Суд запитав інформацію\n\nГААГА. Офіс Прокурора Міжнародного кримінального суду надіслав запит "
     "Генеральному секретареві ООН, повідомив речник Офісу.", "otp"),
    ("Брюссель обещает деньги\n\nБРЮССЕЛЬ, 3 марта. Европейская комиссия объявила о новой помощи.", "eu"),
    ("International Criminal Court — Office of the Prosecutor, reply to a letter\n\n1. ...", "otp"),
    # the president of an institution is the institution's, not a state's
    ("EVENING NEWS\n\n1. The President of the International Criminal Court told journalists: \"We object.\"",
     "icc"),
    # the speaker after a quote's dash: «...», — сказав речник Генерального секретаря
    ("ЛЬВІВ. «Зустріч відбудеться, як заплановано», — сказав журналістам речник Генерального секретаря ООН.",
     "un"),
    ("МОСКВА, 2 мая. «Решения Международного уголовного суда не препятствие для встреч», — заявил "
     "журналистам официальный представитель Генерального секретаря ООН.", "un"),
    # what was confirmed is not who confirmed it
    ("ГЛАВНОЕ\n\nТаджикская сторона подтвердила, что решения Международного уголовного суда не будут "
     "исполняться.", "unknown"),
    ("СПІЛЬНА ЗАЯВА\nРеспубліки Молдова та Румунії\n\n1. ...", "state"),
])
def test_speaker_read_from_the_text(text, kind):
    assert detect_speaker(text).kind == kind


def test_speaker_unknown_when_the_text_does_not_say():
    sp = detect_speaker("1. Sanctions against the Court are unacceptable.")
    assert sp.kind == "unknown" and not sp.known


def test_an_addressee_s_firm_statement_meets_the_ask(lib):
    r, a = status("Statement by the Minister for Foreign Affairs\n\n" + CONDEMN, "cicc-icc-2025/1", lib,
                  document_kind="auto")
    assert a["document_kind"] == "statement" and a["speaker"]["kind"] == "state"
    assert r["status"] == "met"


@pytest.mark.parametrize("sentence,expected", [
    # an account of the Court's acts states no policy of the speaker's
    ("1. The EU said the President is under an arrest warrant issued by the International Criminal "
     "Court for the deportation of children.", "partial"),
    ("1. ЄС зазначив, що Міжнародний кримінальний суд видав ордер на арешт президента.", "partial"),
    # the speaker's own "will", in the verb itself in Ukrainian and Russian
    ("1. The EU will cooperate fully with the International Criminal Court and execute all of its "
     "arrest warrants.", "met"),
    ("1. ЄС повною мірою співпрацюватиме з Міжнародним кримінальним судом і виконає всі його ордери "
     "на арешт.", "met"),
    ("1. ЕС будет в полной мере сотрудничать с Международным уголовным судом и исполнит все его "
     "ордера на арест.", "met"),
])
def test_a_statement_s_account_of_events_is_no_policy(sentence, expected, lib):
    r, _ = status("Statement by the High Representative on behalf of the EU\n\n" + sentence,
                  "amnesty-eu-2025/3e", lib, document_kind="auto")
    assert r["status"] == expected, r["reasons"]
    if expected == "partial":
        assert any("account of events" in x["text"] for x in r["reasons"])


def test_rule_examples_are_read_as_the_kind_of_text_they_are(lib):
    from checklist.examples import run_example
    demand = next(d for d in lib.all_demands() if d.id == "cicc-icc-2025/1")
    # a UN body is not the addressee of this ask: partial as a statement, met as an agreement
    example = {"text": "Statement by the Spokesperson for the Secretary-General of the United Nations\n\n" + CONDEMN,
               "status": "partial"}
    assert run_example(lib, demand, 1, example).got == "partial"


def test_another_body_on_the_subject_is_partial(lib):
    # the same words said by a UN body, which the ask (to ICC States Parties) does not address
    r, a = status(CONDEMN, "cicc-icc-2025/1", lib, document_kind="statement",
                  speaker=Speaker.given("UN spokesperson", "un"))
    assert r["status"] == "partial"
    assert r["reasons"][0]["code"] == "addressee" and "UN spokesperson" in r["reasons"][0]["text"]
    assert a["speaker"] == {"name": "UN spokesperson", "kind": "un", "source": "given", "evidence": ""}


def test_an_unknown_speaker_never_meets_an_ask(lib):
    text = ("1. We condemn the sanctions imposed on the International Criminal Court and its officials "
            "and reaffirm our unwavering commitment to the Court.\n")
    r, a = status(text, "cicc-icc-2025/1", lib, document_kind="statement")
    assert a["speaker"]["kind"] == "unknown"
    assert r["status"] == "partial" and r["reasons"][0]["code"] == "addressee"
    assert "could not be determined" in speaker_note(a)


def test_an_addressee_s_refusal_contradicts_and_another_s_does_not(lib):
    text = ("1. The Government will not execute the arrest warrants issued by the International Criminal "
            "Court and will not cooperate with the Court.\n")
    r, _ = status(text, "cicc-icc-2025/3", lib, document_kind="statement", speaker=Speaker.given("", "state"))
    assert r["status"] == "contradicted"
    r, _ = status(text, "cicc-icc-2025/3", lib, document_kind="statement", speaker=Speaker.given("", "other"))
    assert r["status"] == "partial"


def test_a_news_report_s_account_names_what_the_quoted_speaker_refuses(lib):
    # the outlet says whom the Court wants; the minister's quoted words refuse the arrest
    text = ("Minister says visiting leader will be safe\n\n"
            "1. The International Criminal Court issued an arrest warrant for the leader last year.\n"
            "2. \"If he comes to our capital, he will not be arrested,\" the Minister of Foreign Affairs told "
            "reporters on Friday.\n"
            "3. The visit is planned for the spring, according to a government spokesperson.\n")
    r, a = status(text, "cicc-icc-2025/3", lib, document_kind="auto")
    assert a["document_kind"] == "statement" and a["speaker"]["kind"] == "state"
    assert r["status"] == "contradicted", r
    assert [e["provision"] for e in r["evidence"]] == ["2"]
    # the outlet's account alone refuses nothing
    r, _ = status(text.replace("he will not be arrested", "we will see"), "cicc-icc-2025/3", lib,
                  document_kind="auto")
    assert r["status"] != "contradicted"


def test_a_statement_s_earlier_paragraph_names_what_a_later_one_refuses(lib):
    text = ("Statement of the Ministry of Foreign Affairs\n\n"
            "1. The Government reaffirms its cooperation with the International Criminal Court.\n"
            "2. During the forum the Government will not take any measure to arrest the visiting leaders.\n")
    r, a = status(text, "cicc-icc-2025/3", lib, document_kind="auto")
    assert a["document_kind"] == "statement" and r["status"] == "contradicted", r
    # an agreement's provisions are not one statement's subject: each clause names its own
    r, _ = status(text, "cicc-icc-2025/3", lib, document_kind="agreement")
    assert r["status"] != "contradicted"


def test_an_agreement_keeps_its_own_reasoning(lib):
    r, a = status(CONDEMN, "cicc-icc-2025/1", lib, document_kind="agreement")
    assert a["speaker"] is None and r["section"] == "asks-to-states"


def test_every_policy_ask_names_its_addressees(lib):
    policy = [d for d in lib.all_demands() if d.where == "policy"]
    assert len(policy) == 25
    for d in policy:
        assert d.addressee_kinds, d.id
    assert lib.demand("ukraine5am-2024/3").addressee_kinds == {"otp"}
    assert lib.demand("ukraine5am-2024/1").addressee_kinds == {"asp", "un"}


def test_cli_speaker_option(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(CONDEMN, encoding="utf-8")
    r = CliRunner().invoke(main, ["assess", str(path), "--rules", "cicc-icc-2025", "--document-kind",
                                  "statement", "--speaker", "state:Government of Ireland", "--format", "md"])
    assert r.exit_code == 0, r.output
    assert "Speaker: Government of Ireland (state), as given." in r.output
    r = CliRunner().invoke(main, ["assess", str(path), "--speaker", "ministry"])
    assert r.exit_code == 2
    assert "'ministry' is not a kind of speaker" in r.output


def test_api_takes_the_speaker(client):
    body = client.post("/api/v1/assessments", json={
        "text": CONDEMN, "rule_sets": ["cicc-icc-2025"], "document_kind": "statement", "store": False,
        "speaker": {"name": "Government of Ireland", "kind": "state"}}).get_json()
    assert body["speaker"]["source"] == "given"
    assert {r["demand"]: r["status"] for r in body["results"]}["cicc-icc-2025/1"] == "met"
    bad = client.post("/api/v1/assessments", json={"text": CONDEMN, "speaker": {"kind": "ministry"}})
    assert bad.status_code == 422 and "speaker.kind" in bad.get_json()["error"]
