"""Who speaks in a statement, and what kind of text it is.

The asks of states and institutions (``where = "policy"``) are met by a firm statement of
policy by a body the ask addresses (CODEBOOK): the EU and its member states, States Parties,
the Assembly of States Parties, UN bodies, the ICC or its Office of the Prosecutor. This module
reads the speaker from the text (the title line "Statement by the High Representative on behalf
of the EU", "Joint statement by ... States Parties", "the Spokesperson for the Secretary-General
said", a news report quoting someone: the quoted speaker, not the outlet) and tells a statement
from an agreement. A user who knows the speaker gives it instead (``Speaker.given``).

Speaker kinds: state | eu | asp | un | icc | otp | other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SPEAKER_KINDS = ("state", "eu", "asp", "un", "icc", "otp", "other")

# (kind, pattern), most specific first: the OTP before the ICC, the ASP before "States Parties",
# the EU before its member states
_KIND_PATTERNS = [
    ("otp", r"office of the prosecutor|\bOTP\b|(?:ICC|the) prosecutor\b|prosecutor of the international criminal court|"
            r"офіс\w* прокурора|канцелярі[яї] прокурора|офис\w* прокурора|прокурор(?:а)? (?:МКС|МУС)|канцеляри[яи] прокурора|прокурор(?:а)? МУС"),
    ("asp", r"assembly of states parties|\bASP\b|bureau of the assembly|president of the assembly|"
            r"асамбле\w* держав\W+учасниц\w*|ассамбле\w* государств\W+участник\w*"),
    ("icc", r"international criminal court|\bICC\b|pre-trial chamber|the presidency of the court|registry of the court|"
            r"міжнародн\w+ кримінальн\w+ суд\w*|\bМКС\b|международн\w+ уголовн\w+ суд\w*|\bМУС\b"),
    ("un", r"secretary-general|united nations|\bUN\b|high commissioner for human rights|human rights council|"
           r"security council|\bOHCHR\b|special rapporteur|генеральн\w+ секретар\w*|\bООН\b|"
           r"організаці[яї] об.єднаних націй|организаци[яи] объединенных наций"),
    ("eu", r"european union|\bEU\b|high representative|\bEEAS\b|european commission|european council|"
           r"council of the european union|foreign affairs council|\bthe council\b|council conclusions|"
           r"von der leyen|kallas|borrell|"
           r"європейськ\w+ союз\w*|\bЄС\b|європейськ\w+ комісі\w+|европейск\w+ союз\w*|\bЕС\b|европейск\w+ комисси\w+"),
    ("state", r"government|ministry|minister|ministers|"
              r"president of(?!\s+the\s+(?:international criminal court|court|assembly|european|general assembly|"
              r"security council|human rights council))|prime minister|chancellor|taoiseach|"
              r"foreign office|department of state|parliament|states parties|member states|the state of|"
              r"\bstates\b|spokesperson of the ministry|verkhovna rada|delegation|embassy|department of|"
              r"cabinet of ministers|кабінет\w* міністрів|кабинет\w* министров|"
              r"\brepublic of\b|russian federation|республік\w*|республик\w*|російськ\w+ федераці\w+|"
              r"российск\w+ федераци\w+|"
              r"(?:supervisory|financial|national|competent|migration|tax|public|government|federal|state) "
              r"(?:authority|agency)|regulator|"
              r"federal law|law of (?:ukraine|the russian federation)|"
              r"федеральн\w+ закон\w*|закон\w* україни|відомств\w*|ведомств\w*|"
              r"делегаці\w+|посольств\w+|делегаци\w+|"
              r"уряд\w*|міністерств\w*|міністр\w*|президент\w*|прем.єр\w*|верховн\w+ рад\w+|\bМЗС\b|"
              r"правительств\w*|министерств\w*|министр\w*|премьер\w*|\bМИД\b|государств\w*|держав\w*"),
]
_KINDS = [(kind, re.compile(p, re.I)) for kind, p in _KIND_PATTERNS]

# where a statement names its author: a title or opening line
_AUTHOR_LINE = re.compile(
    r"^\s*(?:(?:joint\s+)?statement|declaration|remarks|press\s+(?:release|statement)|communiqu[eé]|"
    r"conclusions|outcome|speech|address|letter|decision|resolution|note|notice|decree|order|readout|"
    r"announcement|guidance|circular|"
    r"(?:спільна\s+)?заява|звернення|декларація|висновки|рішення|постанова|"
    r"(?:совместное\s+)?заявление|декларация|обращение|выводы|решение|постановление)\b[^\n]{0,200}", re.I | re.M)
# reported speech: "X said", "according to X", "X told reporters" (also how the engine tells a
# news report's quoted words from its own narration)
SAYING = re.compile(
    r"\b(?:said|says|say|stated|states|told|tells|added|declared|announced|wrote|noted|stressed|insisted|"
    r"according to|quoted|заявив|заявила|заявили|сказав|сказала|повідомив|повідомила|за словами|наголосив|"
    r"наголосила|зазначив|зазначила|заявил|заявили|сказал|сообщил|сообщила|по словам|"
    r"подчеркнул|подчеркнула|отметил|отметила|confirmed|підтвердив|підтвердила|подтвердил|подтвердила)\b", re.I)
_AGREEMENT_TITLE = re.compile(
    r"\b(?:agreement|protocol|memorandum|accord|arrangement|plan|treaty|ceasefire|armistice|framework|"
    r"record of (?:talks|the meeting)|minutes|understanding|"
    r"угод\w*|протокол\w*|меморандум\w*|договір|договор\w*|домовленост\w*|соглашени\w*|перемири\w*|план\w*)\b",
    re.I)
_STATEMENT_TITLE = re.compile(
    r"\b(?:statement|declaration|remarks|press release|communiqu[eé]|conclusions|speech|reply|answer|letter|"
    r"заява|заяви|звернення|заявление|заявления|обращение|выступление|виступ)\b", re.I)
# the title of a one-sided act of a government or an institution (a notice, a decision, a draft
# law, a note to correspondents): its author's policy, read like a statement
_UNILATERAL_TITLE = re.compile(
    r"\b(?:note|notice|decision|decree|order|law|bill|resolution|outcome|readout|briefing|announcement|"
    r"message|guidance|circular|regulation|"
    r"закон\w*|указ\w*|постанов\w+|розпорядженн\w+|рішенн\w+|наказ\w*|повідомленн\w+|"
    r"постановлени\w+|распоряжени\w+|решени\w+|приказ\w*|уведомлени\w+|извещени\w+|сообщени\w+)\b", re.I)
# a decision taken together: the parties', a joint commission's
_JOINT = re.compile(r"\b(?:joint|parties|сторін|сторон|спільн\w+|совместн\w+|змішан\w+|смешанн\w+)\b", re.I)
_LAW_TITLE = re.compile(r"^\W*(?:draft\s+)?(?:federal\s+)?law\b|^\W*(?:проєкт\w*|проект\w*)?\s*"
                        r"(?:федеральн\w+\s+)?закон\w*\b", re.I)
# a news dateline opening the body: "ГААГА. ...", "КИЇВ. ...", "БРЮССЕЛЬ, 3 марта. ...",
# "AMMAN/WASHINGTON/PARIS: ..."
_DATELINE = re.compile(r"^\s*[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ'’/\- ]{2,40}(?:,\s*[^.\n:]{1,30})?[.:—–]\s+\S", re.M)
_NEWS = re.compile(r"\b(?:reuters|associated press|\bAP\b|AFP|news|reported|reporters|journalists|correspondent|"
                   r"кореспондент\w*|журналіст\w*|журналист\w*|корреспондент\w*|повідомляє|сообщает)\b", re.I)


@dataclass(frozen=True)
class Speaker:
    name: str            # as the text names it ("" when unknown)
    kind: str            # one of SPEAKER_KINDS, or "unknown"
    source: str          # "given" | "detected" | "unknown"
    evidence: str = ""   # the words it was read from

    @classmethod
    def given(cls, name: str, kind: str) -> "Speaker":
        if kind not in SPEAKER_KINDS:
            raise ValueError(f"speaker kind must be one of {', '.join(SPEAKER_KINDS)}, not {kind!r}")
        return cls(name.strip() or kind, kind, "given")

    @property
    def known(self) -> bool:
        return self.kind in SPEAKER_KINDS

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "source": self.source, "evidence": self.evidence}


UNKNOWN = Speaker("", "unknown", "unknown")


def _first_body(words: str) -> tuple[str, str, int] | None:
    """(kind, words, start) of the body named first in ``words`` (by position; at one position,
    the most specific kind)."""
    best = None
    for order, (kind, pattern) in enumerate(_KINDS):
        m = pattern.search(words)
        if m and (best is None or (m.start(), order) < best[0]):
            best = ((m.start(), order), kind, m.group())
    if best is None:
        return None
    start = best[0][0]
    if best[1] == "icc":
        # the Court, then its Office ("International Criminal Court — Office of the Prosecutor"):
        # the Office speaks
        otp = _KINDS[0][1].search(words, start, start + 80)
        if otp:
            return "otp", otp.group(), start
    return best[1], best[2], start


def _kind_of(words: str) -> tuple[str, str] | None:
    """(kind, words) of the body named first in ``words`` (``_first_body``)."""
    found = _first_body(words)
    return found[:2] if found else None


def _head(text: str, limit: int = 600) -> str:
    return text[:limit]


def detect_kind(text: str) -> str:
    """'statement' or 'agreement', from the title and opening lines: a text titled as a
    statement, declaration or press release, a one-sided act that names its author (a
    ministry's notice, a government decision, a note by the Secretary-General's spokesperson,
    a draft law), or a news report, is a statement; a text titled as an agreement, protocol,
    memorandum or plan, or anything else, an agreement."""
    head = _head(text, 400)
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    if _STATEMENT_TITLE.search(first) and not re.search(r"\bdraft agreement\b", first, re.I):
        return "statement"
    if _AGREEMENT_TITLE.search(first):
        return "agreement"
    if _UNILATERAL_TITLE.search(first) and not _JOINT.search(first) and (
            _kind_of(first) or _LAW_TITLE.search(first)):
        return "statement"
    if _STATEMENT_TITLE.search(head) and not _AGREEMENT_TITLE.search(head):
        return "statement"
    if SAYING.search(head) and _NEWS.search(text[:2000]):
        return "statement"
    if _dateline(head):
        return "statement"      # a news report: its dateline opens the body
    return "agreement"


def _dateline(head: str) -> re.Match | None:
    """A news dateline on one of the first lines (not the title line, not a heading such as
    "ARTICLE 1." or "PREAMBLE.")."""
    lines = [ln for ln in head.splitlines() if ln.strip()]
    for line in lines[1:4]:
        m = _DATELINE.match(line)
        if m and not re.match(r"\s*(?:ARTICLE|СТАТТЯ|СТАТЬЯ|SECTION|PART|ANNEX|PREAMBLE|CHAPTER|РОЗДІЛ|РАЗДЕЛ)\b",
                                line, re.I):
            return m
    return None


_AUTHOR_AFTER = re.compile(r"\b(?:by|of|from)\s+(?:the\s+)?", re.I)


def _author(line: str, keyword_end: int) -> tuple[str, str] | None:
    """The body that issues a titled text: named at the line's start ("EU-Ukraine Joint
    Statement", "Council of the European Union - Conclusions"), after "by", "of" or "from" in
    English ("Statement by the Minister of Justice"), or right after the keyword in Ukrainian and
    Russian ("Заява Міністерства закордонних справ")."""
    found = _kind_of(line[:keyword_end])
    if found:
        return found
    rest = line[keyword_end:]
    if rest.isascii():
        m = _AUTHOR_AFTER.search(rest)
        if not m or m.start() > 40:
            return None
        return _kind_of(rest[m.end(): m.end() + 120])
    return _kind_of(rest[:80])


def _reported_speaker(text: str) -> tuple[str, str, str] | None:
    """In a news report, the body a verb of saying attributes the words to: the nearest one
    named before it ("The EU said"), or after it where the verb follows the quote (", said the
    spokesperson") or is "according to" / "за словами" / "по словам"."""
    for rm in SAYING.finditer(text[:4000]):
        verb = rm.group().lower()
        before = text[max(0, rm.start() - 140): rm.start()]
        after = re.split(r"[.!?]\s", text[rm.end(): rm.end() + 90], maxsplit=1)[0]    # its own sentence
        # after the quote: "..., said the spokesperson", and the Ukrainian and Russian «...», —
        # сказав речник (a dash after the quote's comma)
        forward = verb in ("according to", "за словами", "по словам") or \
            before.rstrip().rstrip("—–").rstrip().endswith((",", "\"", "”", "»", "'"))
        found = None
        if forward:
            found = _kind_of(after)
            if found is None and verb not in ("according to", "за словами", "по словам"):
                # ", said its spokesperson": the body the sentence is about, named first in it
                start = max(text.rfind(". ", 0, rm.start()), text.rfind("\n", 0, rm.start())) + 1
                found = _kind_of(text[start:rm.start()])
        if found is None:
            best = None
            for kind, pattern in _KINDS:
                for m in pattern.finditer(before):
                    if best is None or m.end() > best[0]:
                        best = (m.end(), kind, m.group())
            if best:
                found = (best[1], best[2])
        if found is None and not forward and not re.match(r"\W*(?:that|що|что)\b", after, re.I):
            found = _kind_of(after[:60])    # "said the Minister" (not "confirmed that the Court ...")
        if found:
            window = (before[-80:] + rm.group() + after[:60]).strip().replace("\n", " ")
            return found[0], found[1], window
    return None


def detect_speaker(text: str) -> Speaker:
    """The speaker of a statement, read from its title or opening lines, or in a news report
    from the body quoted ("..., the Secretary-General's spokesperson said"); UNKNOWN where the
    text does not say."""
    head = _head(text, 1200)
    m = _AUTHOR_LINE.search(head)
    if m:
        line = m.group()
        keyword = re.match(r"\s*\S+(?:\s+(?:statement|release|заява|заявление))?", line)
        found = _author(line, keyword.end() if keyword else 0)
        if found is None and keyword and not line[keyword.end():].strip():
            # the keyword alone on its line ("ЗАЯВА"), the author on the next ("Офісу Прокурора ...")
            rest = head[m.end():].lstrip("\n ")
            nxt = rest.split("\n", 1)[0]
            found = _kind_of(nxt[:120])
            line = (line.strip() + " " + nxt.strip()) if found else line
        if found:
            return Speaker(line.strip()[:160], found[0], "detected", found[1])
    dateline = _dateline(head)
    # the first lines name their author at their start ("Council of the European Union - ...",
    # "ASP President, Ms. ... welcomes", "The Bureau of the Assembly ..."); not a news report's
    # headline, which is the outlet's
    for line in [ln for ln in head.splitlines() if ln.strip()][:0 if dateline else 2]:
        found = _first_body(line[:60])
        if found and found[2] <= 12:
            return Speaker(line.strip()[:160], found[0], "detected", found[1])
    reported = _reported_speaker(text)
    if reported:
        return Speaker(reported[1], reported[0], "detected", reported[2])
    if dateline:
        # a news report without a verb of saying: the body its first sentence is about
        body = head[head.find(dateline.group()) + len(dateline.group()) - 1:][:160]
        found = _kind_of(body)
        if found:
            return Speaker(found[1], found[0], "detected", body.split(".")[0][:120])
    return UNKNOWN
