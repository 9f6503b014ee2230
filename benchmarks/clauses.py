"""Realistic synthetic drafts for benchmarks and tests: ``make_draft(pages, seed=0) -> str``.

A draft reads like a ceasefire or framework agreement: a title, recitals, "have agreed as
follows:", then articles on the usual subjects (ceasefire, withdrawal, release of detainees,
humanitarian access, monitoring, amnesty, return of displaced persons, documents,
reconstruction, missing persons, children, mine action, property, final provisions). The
layout varies as real drafts do: ``Article N`` with a title and paragraphs ``N.1``, points
``1.`` with sub-points ``(a)`` and ``(i)``, bullets, roman section headings, wrapped lines,
some weak, conditional or negated wording. Long drafts add annexes whose numbering restarts
(``Annex 2`` ... ``Article 1``), as real agreements do, so that no number goes past three
digits.

Every clause here was written for this file; none is quoted from a real agreement. The output
depends only on ``pages`` and ``seed`` (one ``random.Random(seed)``, no clock, no hashing of
strings), so a benchmark or a failing test can be reproduced exactly.
"""
from __future__ import annotations

import random
import re
import textwrap

PAGE = 3000                      # characters of a typeset page, roughly
_ARTICLES_PER_PART = 150         # an annex restarts the numbering after this many articles
_ARTICLE_SHARE = 0.6             # of the parts (main text, annexes), those laid out as articles
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
           "XIV", "XV"]

PARTIES = ["The Parties", "The Sides", "Both Parties", "The two Parties", "The signatories"]
BINDING = ["shall", "shall", "shall", "will", "undertake to", "commit to", "must"]
WEAK = ["should", "may", "will endeavour to", "will seek to", "are encouraged to",
        "will make best efforts to"]
WHEN = ["within 30 days of the signature of this Agreement", "no later than 15 days after the "
        "entry into force of this Agreement", "without delay", "immediately upon signature",
        "within 72 hours", "within a period of 60 days", "by the date set in Annex 1",
        "in stages, according to the schedule agreed by the Joint Commission"]
CONDITIONS = ["once the exchange of prisoners of war is completed", "subject to the approval "
              "of the Joint Commission", "after the elections have been held", "provided that the "
              "ceasefire holds for 30 consecutive days", "in accordance with national legislation",
              "where the security situation allows"]
BODIES = ["the Joint Commission", "the Monitoring Mission", "the International Committee of "
          "the Red Cross", "the United Nations", "the OSCE Special Monitoring Mission",
          "a Joint Coordination Centre", "the Humanitarian Working Group"]
WHERE = ["along the line of contact", "in the areas listed in Annex 2", "in the security zone",
         "throughout the territory covered by this Agreement", "in the districts adjoining the "
         "contact line", "on both sides of the line of separation"]
PEOPLE = ["civilians", "detained civilians", "prisoners of war", "persons deprived of their "
          "liberty in connection with the conflict", "hostages", "illegally detained persons",
          "political prisoners", "journalists and human rights defenders",
          "all persons held in connection with the conflict"]
WEAPONS = ["heavy weapons", "artillery systems of a calibre of 100 mm and above", "multiple "
           "launch rocket systems", "mortars", "tanks and armoured vehicles", "military equipment",
           "foreign armed formations, military equipment and mercenaries"]
DISTANCES = ["15 km", "30 km", "50 km", "70 km", "140 km", "a distance set in Annex 3"]
DOCUMENTS = ["identity documents", "passports", "birth and death certificates",
             "property titles", "pension and social benefit records", "educational diplomas",
             "civil registration records"]
DISPLACED = ["internally displaced persons", "refugees", "displaced persons and refugees",
             "persons forced to leave their homes", "deported persons, including children"]
THINGS_TO_RESTORE = ["water supply", "electricity and gas networks", "schools and hospitals",
                     "roads and bridges", "housing", "banking services", "postal and "
                     "telecommunication services", "social payments"]
CRIMES = ["war crimes", "crimes against humanity", "genocide", "torture",
          "enforced disappearances", "serious violations of international humanitarian law"]
SUBJECTS = {
    "ceasefire": "Ceasefire", "withdrawal": "Withdrawal of forces and weapons",
    "detainees": "Release and exchange of detainees", "access": "Humanitarian access",
    "monitoring": "Monitoring and verification", "amnesty": "Amnesty",
    "return": "Return of displaced persons", "documents": "Documents",
    "reconstruction": "Reconstruction", "missing": "Missing persons",
    "children": "Children", "mines": "Mine action", "property": "Property and restitution",
    "contact": "Line of contact and crossing points", "justice": "Accountability",
    "final": "Final provisions",
}


class _Writer:
    """Sentences and clauses from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def pick(self, options):
        return self.r.choice(options)

    def modal(self) -> str:
        """Mostly binding, sometimes weak, now and then negated: the cases the engine judges."""
        roll = self.r.random()
        if roll < 0.12:
            return self.pick(WEAK)
        if roll < 0.16:
            return self.pick(["shall not", "will not", "may not"])
        return self.pick(BINDING)

    def auxiliary(self) -> str:
        """The modal of a passive or non-party subject ("Crossing points shall operate")."""
        roll = self.r.random()
        if roll < 0.12:
            return self.pick(["should", "may", "could"])
        if roll < 0.16:
            return self.pick(["shall not", "will not", "may not"])
        return self.pick(["shall", "shall", "will", "must"])

    def when(self) -> str:
        if self.r.random() < 0.15:
            return self.pick(CONDITIONS)
        return self.pick(WHEN)

    def sentence(self, subject: str) -> str:
        """One operative sentence on ``subject``."""
        p, m, w, who = self.pick(PARTIES), self.modal(), self.when(), self.pick(PEOPLE)
        a = self.auxiliary()
        b = self.pick(["shall", "shall", "will", "must", "may"])   # after "No person"
        body = self.pick(BODIES)
        options = {
            "ceasefire": [
                f"{p} {m} observe a comprehensive and unconditional ceasefire {self.pick(WHERE)} {w}.",
                f"{p} {m} refrain from any offensive operations, including shelling, air strikes "
                f"and the use of drones, {self.pick(WHERE)}.",
                f"Any violation of the ceasefire {a} be reported to {body} within 24 hours.",
                f"The ceasefire {a} apply on land, at sea and in the air, {w}.",
            ],
            "withdrawal": [
                f"{p} {m} withdraw {self.pick(WEAPONS)} to a distance of {self.pick(DISTANCES)} "
                f"from the line of contact {w}.",
                f"{self.pick(WEAPONS).capitalize()} {a} be stored in designated sites under the "
                f"supervision of {body}.",
                f"The withdrawal {a} be completed {w} and verified by {body}.",
            ],
            "detainees": [
                f"{p} {m} release {who} {w}, on the principle of all for all.",
                f"{p} {m} release and exchange {who} without any preconditions {w}.",
                f"{body.capitalize()} {a} have access to all places where {who} are held.",
                f"Lists of {who} {a} be exchanged through {body} {w}.",
                f"No person {b} be held incommunicado, and the families of {who} {b} be "
                f"informed of their whereabouts.",
            ],
            "access": [
                f"{p} {m} ensure the safe, rapid and unimpeded passage of humanitarian aid to "
                f"the population {self.pick(WHERE)}.",
                f"Humanitarian organisations, including {body}, {a} have access to all areas "
                f"affected by the conflict {w}.",
                f"Humanitarian corridors {a} be opened for civilians wishing to leave the areas "
                f"of hostilities.",
                f"Convoys carrying food, medicine and fuel {a} be exempt from taxes and fees.",
            ],
            "monitoring": [
                f"{body.capitalize()} {a} monitor and verify the implementation of this "
                f"Agreement {self.pick(WHERE)}.",
                f"{p} {m} grant monitors safe and unrestricted access, including by satellite "
                f"and unmanned aerial vehicles.",
                f"{body.capitalize()} {a} report on compliance every two weeks and publish its "
                f"reports.",
            ],
            "amnesty": [
                f"An amnesty {a} apply to persons who took part in the events, with the "
                f"exception of those who committed {self.pick(CRIMES)}.",
                f"{p} {m} adopt a law prohibiting the prosecution and punishment of persons in "
                f"connection with the events {w}.",
                f"The amnesty {a} exclude {self.pick(CRIMES)} and {self.pick(CRIMES)}.",
            ],
            "return": [
                f"{self.pick(DISPLACED).capitalize()} {a} have the right to return voluntarily, "
                f"in safety and dignity, to their places of origin.",
                f"{p} {m} facilitate the return of {self.pick(DISPLACED)} {w}.",
                f"No person {b} be forced to return, and those who choose not to return {b} "
                f"receive compensation.",
            ],
            "documents": [
                f"{p} {m} recognise {self.pick(DOCUMENTS)} issued on either side of the line of "
                f"contact.",
                f"{self.pick(DOCUMENTS).capitalize()} {a} be issued free of charge {w}.",
                f"No person {b} be required to obtain a new citizenship in order to keep "
                f"{self.pick(DOCUMENTS)}.",
            ],
            "reconstruction": [
                f"{p} {m} restore {self.pick(THINGS_TO_RESTORE)} in the affected areas {w}.",
                f"An international fund for reconstruction {a} be established under {body}.",
                f"{p} {m} resume {self.pick(THINGS_TO_RESTORE)} {self.pick(WHERE)}.",
            ],
            "missing": [
                f"{p} {m} search for persons missing in connection with the conflict and "
                f"exchange all information on their fate {w}.",
                f"Mortal remains {a} be identified and returned to their families with the "
                f"assistance of {body}.",
            ],
            "children": [
                f"Children deported or forcibly transferred {a} be returned to their families "
                f"{w}.",
                f"{p} {m} provide {body} with lists of children separated from their parents.",
                f"No child {b} be adopted or given a new citizenship while the search for the "
                f"family continues.",
            ],
            "mines": [
                f"{p} {m} clear mines and unexploded ordnance {self.pick(WHERE)} {w}.",
                f"Maps of minefields {a} be exchanged through {body}.",
            ],
            "property": [
                f"{p} {m} return property seized in connection with the conflict or pay "
                f"compensation {w}.",
                f"No property {b} be confiscated on the ground that its owner left the area.",
            ],
            "contact": [
                f"{p} {m} open checkpoints on the line of contact for the entry and exit of "
                f"civilians {w}.",
                f"Crossing points {a} operate at least twelve hours a day, including for the "
                f"elderly and persons with disabilities.",
                f"A temporary line of contact {a} be established as shown in Annex 1.",
            ],
            "justice": [
                f"{p} {m} investigate {self.pick(CRIMES)} and bring those responsible to justice.",
                f"Victims {a} receive reparation, including restitution and compensation.",
                f"{p} {m} cooperate with international courts {w}.",
            ],
            "final": [
                "This Agreement shall enter into force on the date of its signature.",
                f"Disputes on the interpretation of this Agreement {a} be settled by {body}.",
                "This Agreement may be amended by mutual written consent of the Parties.",
                "Annexes 1 to 3 form an integral part of this Agreement.",
            ],
        }[subject]
        return self.pick(options)

    def items(self, subject: str, count: int) -> list[str]:
        """Short list items that complete a lead-in ("... shall release:")."""
        pools = {
            "detainees": PEOPLE, "withdrawal": WEAPONS, "documents": DOCUMENTS,
            "return": DISPLACED, "reconstruction": THINGS_TO_RESTORE, "justice": CRIMES,
        }
        pool = pools.get(subject, THINGS_TO_RESTORE)
        return self.r.sample(pool, min(count, len(pool)))

    def lead_in(self, subject: str) -> str:
        verbs = {"detainees": "release", "withdrawal": "withdraw", "documents": "recognise",
                 "return": "facilitate the return of", "reconstruction": "restore",
                 "justice": "investigate"}
        verb = verbs.get(subject, "ensure")
        return f"{self.pick(PARTIES)} {self.modal()} {verb}, {self.when()}:"


_LABEL_AT_LINE_START = re.compile(
    r"(?:Annex|Article|Part|Chapter|Section|Point)\s+\w+|\d+(?:\.\d+)*[.)]|\(\w+\)|[IVXL]+\.|[-*•]\s")


def _wrap(text: str, rng: random.Random, indent: str = "") -> str:
    """Hard-wrapped lines (as text pasted from a PDF), or one line per paragraph. A wrap that
    would put a label-like word at a line start ("... as shown in" / "Annex 1.") is not used:
    the drafts measure the engine on ordinary structure (tests/test_hostile.py covers the rest)."""
    if rng.random() < 0.3:
        lines = textwrap.wrap(text, width=rng.choice((72, 80, 90)), break_on_hyphens=False)
        if not any(_LABEL_AT_LINE_START.match(line) for line in lines[1:]):
            return "\n".join(indent + line for line in lines)
    return indent + text


def _preamble(w: _Writer, rng: random.Random) -> str:
    title = w.pick(["Draft Framework Agreement on a Ceasefire and Humanitarian Measures",
                    "Memorandum of Understanding on De-escalation",
                    "Draft Agreement on the Cessation of Hostilities",
                    "Protocol on the Implementation of Humanitarian Commitments"])
    recitals = [
        "Recalling the obligations of the Parties under international humanitarian law,",
        "Mindful of the suffering of the civilian population,",
        "Reaffirming their commitment to the release of all persons detained in connection "
        "with the conflict,",
        "Noting the role of the International Committee of the Red Cross,",
        "Desiring to create conditions for the safe return of displaced persons,",
        "Bearing in mind the need to search for missing persons,",
    ]
    rng.shuffle(recitals)
    chosen = recitals[: rng.randint(2, len(recitals))]
    return "\n\n".join([title, *chosen, f"{w.pick(PARTIES)} have agreed as follows:"])


def _article(w: _Writer, rng: random.Random, number: int, subject: str) -> str:
    """``Article N`` in one of three layouts (paragraphs N.1 with (a) items, or text and bullets)."""
    title = SUBJECTS[subject]
    layout = rng.random()
    if layout < 0.6:
        head = w.pick([f"Article {number}: {title}", f"Article {number}\n{title}",
                       f"ARTICLE {number} - {title}"])
        parts = [head]
        for k in range(1, rng.randint(1, 4) + 1):
            if rng.random() < 0.35:
                parts.append(_wrap(f"{number}.{k}. {w.lead_in(subject)}", rng))
                items = w.items(subject, rng.randint(2, 5))
                parts.extend(_wrap(f"({ch}) {item};", rng, "    ") for ch, item in zip("abcdefgh", items))
            else:
                parts.append(_wrap(f"{number}.{k}. {w.sentence(subject)} {w.sentence(subject)}", rng))
        return "\n".join(parts)
    if layout < 0.8:
        lines = [f"Article {number}", "", _wrap(w.lead_in(subject), rng)]
        for item in w.items(subject, rng.randint(2, 5)):
            lines.append(f"{w.pick(['-', '•', '*'])} {item};")
        return "\n".join(lines)
    head = w.pick([f"Article {number}. {title}", f"Article {number}"])
    return head + "\n" + _wrap(" ".join(w.sentence(subject) for _ in range(rng.randint(1, 3))), rng)


def _point(w: _Writer, rng: random.Random, number: int, subject: str) -> str:
    """A numbered point ``N.`` in one of three layouts (sub-points (a) and (i), or bullets)."""
    layout = rng.random()
    if layout < 0.45:
        intro = w.pick([f"{w.pick(PARTIES)} agree as follows:", f"With regard to "
                        f"{SUBJECTS[subject].lower()}, the following measures {w.auxiliary()} apply:"])
        lines = [_wrap(f"{number}. {intro}", rng)]
        for ch in "abcdef"[: rng.randint(2, 6)]:
            lines.append(_wrap(f"({ch}) {w.sentence(subject)}", rng, "    "))
            if rng.random() < 0.2:
                for roman in ("i", "ii", "iii")[: rng.randint(1, 3)]:
                    lines.append(_wrap(f"({roman}) {w.sentence(subject)}", rng, "        "))
        return "\n".join(lines)
    if layout < 0.6:
        lines = [_wrap(f"{number}. {w.lead_in(subject)}", rng)]
        for item in w.items(subject, rng.randint(2, 5)):
            lines.append(f"    {w.pick(['-', '•'])} {item};")
        return "\n".join(lines)
    sentences = " ".join(w.sentence(subject) for _ in range(rng.randint(1, 3)))
    return _wrap(f"{number}. {sentences}", rng)


def _layout(phase: float, part: int):
    """The layout of the main text (part 0) and of each annex: articles in 3 parts of 5 and points
    in the others, spread evenly from a seeded starting point, so that every stretch of parts has
    the same mix. A draft 10 times longer is then 10 times the same kind of text, which is what
    the benchmark's scaling figure compares (a coin tossed for each part gave a 100-page draft
    2 article parts of 5 and the 1,000-page one 28 of 46: x10.7 the lines for x10 the text)."""
    return _article if int(phase + _ARTICLE_SHARE * (part + 1)) > int(phase + _ARTICLE_SHARE * part) else _point


def make_draft(pages: float, seed: int = 0) -> str:
    """A synthetic draft of about ``pages`` * 3,000 characters (at least one provision).

    The main text and each annex pick one layout, as real drafts do: articles (``Article N``,
    ``N.1``, ``(a)``, bullets) or points (``N.``, ``(a)``, ``(i)``, bullets), grouped under
    roman section headings (``I. Ceasefire``) numbered in order."""
    rng = random.Random(seed)
    w = _Writer(rng)
    target = max(1, int(pages * PAGE))
    subjects = [s for s in SUBJECTS if s != "final"]
    blocks = [_preamble(w, rng)]
    size = len(blocks[0])
    number, part, section = 0, 0, 0
    phase = rng.random()
    layout = _layout(phase, part)
    sections = rng.random() < 0.5
    while size < target:
        if number == _ARTICLES_PER_PART:
            part, number, section = part + 1, 0, 0
            layout = _layout(phase, part)
            head = f"Annex {part}\n{w.pick(['Implementation', 'Procedures', 'Schedule', 'Modalities'])}"
            blocks.append(head)
            size += len(head) + 2
        if sections and number % 10 == 0 and section < len(_ROMANS):
            head = f"{_ROMANS[section]}. {SUBJECTS[rng.choice(subjects)]}"
            section += 1
            blocks.append(head)
            size += len(head) + 2
        number += 1
        block = layout(w, rng, number, rng.choice(subjects))
        blocks.append(block)
        size += len(block) + 2
    blocks.append(layout(w, rng, number + 1, "final"))
    blocks.append("For the First Party: ____________\n\nFor the Second Party: ____________")
    return "\n\n".join(blocks) + "\n"


if __name__ == "__main__":   # python benchmarks/clauses.py 2 [seed]: print a sample
    import sys

    args = sys.argv[1:]
    print(make_draft(float(args[0]) if args else 1, int(args[1]) if len(args) > 1 else 0), end="")
