"""Split a document's text into the provisions it numbers itself.

Every finding points at a provision, so the splitter keeps the document's own numbering:
``split_provisions`` returns the provisions in document order, each with a canonical ``ref``
(how analysts cite it: "5", "21(b)", "Article 4.2", "para 2") and the ``label`` as written.

How a text is read
------------------
The text is read line by line (linear time; every pattern is anchored at a line start and
bounded by the line). A line opens a *block* when it starts with a label (``1.``, ``1)``,
``(1)``, ``5.1``, ``(a)``, ``a)``, ``a.``, ``(ii)``, ``IV.``, ``Article 5``, ``Art. 5``,
``ARTICLE V``, ``Section II``, ``Part 1``, ``Chapter 2``, ``Annex 1``, ``Point 12``, and the
Ukrainian / Russian ``Стаття``, ``Статья``, ``Пункт``, ``Розділ``, ``Раздел``, ``Частина``,
``Часть``, ``Глава``, ``Додаток``, ``Приложение``), with a bullet (``-``, ``•``, ``—``, ``–``,
``*`` ...), or after a blank line (an unnumbered paragraph). Other lines continue the block
above them (wrapped lines). A number inside a line never opens a block; at a line start a number
opens one only with its own punctuation (``2.``, ``2)``): ``1960 servicemen`` and ``10.11.2020``
do not; a decimal before a lower-case word (``1.2 to cease fire``) opens one only where it
continues the numbering, so ``1.5 million`` on a wrapped line does not. A line ``[...]`` marks where a stored copy is cut: it belongs to
whatever precedes it.

Conventions
-----------
* Spans are each provision's *own* text, from its label to the start of the next provision of
  any level; together they cover the text, in order, without overlap.
* Everything before the first numbered provision is one ``preamble`` (title, date, recitals,
  "have agreed as follows:"). In a text with no numbering at all, the preamble is the title line,
  recitals and the "agreed as follows" formula at the top; the rest are ``para N``.
* ``para N`` is counted from the top over unnumbered paragraphs and bullets that are not inside
  a numbered provision: those of an unnumbered text, those under a section heading (their parent
  is the heading) and closing matter after the last numbered point.
* Under a numbered point, a bullet is a child ``"<point> para k"``; a paragraph after a blank
  line is a child too when the point introduces a list (its text ends with ``:``) or already has
  such children, and otherwise stays part of the point's own text. Articles (and the other
  keyword provisions) keep their paragraphs until the next label.
* After the *last* numbered point of a text, bullets directly under it and paragraphs introduced
  by its ``:`` stay its children; the first other paragraph closes the numbered part, and it and
  everything after it (signature blocks, an annexed letter) become top-level ``para N``.
* Nesting: a label continues the nearest open list whose style ("58.", "a.", "(1)", "(a)", "(i)",
  "1.1" ...) and next value it fits ("b" after "a", "59" after "58") and closes the lists opened
  after it, so "b." after "a." / "(1)" / "(2)" is a sibling of "a.". A first value ("1.", "a)")
  under an item that ends with ":" opens an inner list even in the style of an outer one; elsewhere
  a label that continues no list goes to the nearest list of its style (a gap or a restart), or,
  with none open, opens a new list under the item above it, except that a number past 2 ("58.")
  does not nest under lettered items. "(i)" is the letter after "(h)", roman one before "(ii)".
* A line that is only a short title (no final period) is a section heading, ``kind="heading"``:
  "I. Key principles of the Agreement" (a capital roman numeral) unless the next line is the next
  item of the same list; "1. Ceasefire" when numbered sub-points ("1.1", "(a)") follow it; Part,
  Chapter, Section and Annex lines without text of their own. "5. Release of detainees" followed
  by a paragraph is a point with that heading, the paragraph being its text. Articles keep their
  title in ``heading`` ("Article IX: Prisoner Exchanges") and stay ``numbered``.
* Refs: top-level numbers and ``Point 12`` are bare ("12"), also under a Part / Chapter /
  Section / Annex or a roman section heading; decimals "5.1" hang under "5" (or
  "Article 5" -> "Article 5.1"); a number under an article is "Article 4.2"; letters and roman
  sub-points are appended in brackets ("3(b)", "3(b)(ii)", "Article 4(b)"). Keywords are written
  in English ("Стаття 5" -> "Article 5"); the label keeps the document's spelling. When a number
  repeats under another heading (numbering restarts in an annex), the repeat is qualified with
  that heading ("Annex 1.1"); a ref that still repeats is left as the document numbers it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Provision:
    ref: str                  # canonical reference: "5", "3(b)", "Article 4.2", "para 2", "preamble"
    label: str                # as the document writes it: "5.", "(b)", "Article 4.2", "" when unnumbered
    parent: str | None        # canonical ref of the parent provision, None at top level
    heading: str | None       # "Prisoner Exchanges" in "Article IX: Prisoner Exchanges"
    start: int                # offsets of this provision's own text (children excluded) in the document text
    end: int
    page: int | None = None   # page of ``start`` for PDFs
    kind: str = "numbered"    # numbered | paragraph | preamble | heading
    depth: int = 0            # 0 at top level

    @property
    def preamble(self) -> bool:
        return self.kind == "preamble"


# ---------------------------------------------------------------------------------------------
# Line patterns. Each is used with ``pattern.match(text, line_start, line_end)``.

_SPACE = " \t\u00a0"           # spaces within a line (what _WS matches)
_WS = "[ \\t\\u00a0]"
_LEAD = rf"{_WS}*(?:\#{{1,6}}{_WS}+)?"          # indentation, optional Markdown "## "
_AFTER = rf"(?={_WS}|$)"

# keyword (lower case) -> (canonical name, rank, container)
_KEYWORDS = {
    "annex": ("Annex", 0, True), "appendix": ("Appendix", 0, True),
    "додаток": ("Annex", 0, True), "приложение": ("Annex", 0, True),
    "part": ("Part", 1, True), "частина": ("Part", 1, True), "часть": ("Part", 1, True),
    "chapter": ("Chapter", 2, True), "глава": ("Chapter", 2, True),
    "section": ("Section", 3, True), "розділ": ("Section", 3, True), "раздел": ("Section", 3, True),
    "article": ("Article", 4, False), "art.": ("Article", 4, False),
    "стаття": ("Article", 4, False), "статья": ("Article", 4, False),
    "point": ("Point", 5, False), "пункт": ("Point", 5, False),
}
_KW_WORDS = "|".join(k for k in _KEYWORDS if not k.endswith("."))
_KW_RE = re.compile(
    rf"{_LEAD}(?P<kw>(?i:{_KW_WORDS})(?={_WS})|(?i:art)\.)"
    rf"{_WS}*(?P<num>\d{{1,3}}[A-Z]?|[IVXLC]{{1,8}}|[A-Z])(?!\w)"
    rf"(?P<sub>(?:\.\d{{1,3}}(?!\w)){{0,3}})"
    rf"(?P<sep>{_WS}*[.:)\-–—]{_WS}*|{_WS}+|{_WS}*$)"
)
_DEC_RE = re.compile(rf"{_LEAD}(?P<num>\d{{1,3}}(?:\.\d{{1,3}}){{1,4}})(?P<punct>[.)]?){_AFTER}")
_NUM_RE = re.compile(rf"{_LEAD}(?:(?P<num>\d{{1,5}})(?P<punct>[.)])|\((?P<pnum>\d{{1,3}})\)){_AFTER}")
_TOK = "[a-z]{1,6}|[A-Z]{1,6}|[а-яіїєґ]"
_ALPHA_RE = re.compile(rf"{_LEAD}(?:\((?P<t1>{_TOK})\)|(?P<t2>{_TOK})\)|(?P<t3>{_TOK})\.){_AFTER}")
_BULLET_RE = re.compile(rf"{_WS}*(?:[-*—–]{_WS}|[•·▪●◦‣○■□➢►](?=\S|{_WS}))")
_BULLETS = "-*—–•·▪●◦‣○■□➢►"           # the characters _BULLET_RE opens with
_NO_ROMANS: frozenset = frozenset()     # for label checks that need no roman-numeral lines
_CUT_RE = re.compile(rf"{_WS}*\[{_WS}*(?:\.{_WS}*\.{_WS}*\.|…){_WS}*\]{_WS}*$")
_ROMAN_RE = re.compile(r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_UPPER_ROMAN_LINES = re.compile(r"(?m)^[ \t]*([IVXL]{1,8})\.(?=[ \t]|$)")
_NAME_RE = re.compile(r"[A-ZА-ЯІЇЄҐ][\w'’-]*(?: [A-ZА-ЯІЇЄҐ][\w'’-]*)?,?")

_RECITAL_RE = re.compile(
    r"(?i:recalling|noting|mindful|reaffirming|considering|welcoming|recogni[sz]ing|bearing in mind"
    r"|having|desiring|determined|convinced|acknowledging|emphasi[sz]ing|stressing|guided by"
    r"|taking into account|expressing|affirming|aware|whereas|conscious|concerned|believing"
    r"|враховуючи|визнаючи|підтверджуючи|беручи до уваги|керуючись|прагнучи"
    r"|учитывая|признавая|подтверждая|принимая во внимание|руководствуясь|стремясь)\b"
)
_FORMULA_RE = re.compile(
    r"(?i:\b(?:agreed?|stated?|decided?|declared?)\s+(?:as\s+follows|(?:up)?on\s+the\s+following|the\s+following)"
    r"|домовилися\s+про\s+таке|договорились\s+о\s+нижеследующем|заявляем\s+о\s+следующем|заявляємо\s+про\s+таке)"
)
_TERMINAL = ".;:,!?…"
_PREAMBLE_BLOCKS = 30          # an unnumbered text's "agreed as follows:" is looked for this far


@lru_cache(maxsize=4096)
def _roman_value(tok: str) -> int | None:
    """The value of a roman numeral ("iv" -> 4), or None (cached: labels repeat)."""
    up = tok.upper()
    if not up or _ROMAN_RE.fullmatch(up) is None:
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(up):
        v = values[ch]
        total += -v if i + 1 < len(up) and values[up[i + 1]] > v else v
    return total


def _to_roman(n: int) -> str:
    out = []
    for v, s in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _title_like(s: str) -> bool:
    """A short title: starts with a capital, no sentence punctuation at its end."""
    s = s.strip().rstrip("\"'”’»)")
    if not s or len(s) > 150 or s[-1] in _TERMINAL or len(s.split()) > 15:
        return False
    first = next((c for c in s if c.isalpha()), "")
    return first.isupper()


@dataclass(slots=True)
class _Label:
    family: str          # kw | dec | num | alpha
    form: str            # "." ")" "()" for num/alpha; keyword canon for kw
    token: str           # "5", "5.1", "b", "ii", "IV"
    text: str            # the label as written
    end: int             # offset after the label and its separator
    kw: str | None = None
    rank: int = 9
    container: bool = False
    sub: str = ""        # ".2" in "Article 4.2"
    case: str = "lower"  # alpha only
    weak: bool = False   # "1.2 to cease fire": a sub-point only if it continues the numbering


_NONE, _DIGIT, _PAREN, _WORD, _KEYWORD, _ANY = range(6)


def _label_start(text: str, pos: int, end: int) -> int:
    """Which label patterns can match the line at ``pos``, from its first character (after
    indentation): a digit, "(", a keyword, a word followed by "." or ")", "#" (Markdown: any),
    or nothing (``_NONE``). Most lines start with an ordinary word and are decided here."""
    while pos < end and text[pos] in _SPACE:
        pos += 1
    if pos >= end:
        return _NONE
    c = text[pos]
    if c.isdigit():
        return _DIGIT
    if c == "(":
        return _PAREN
    if c == "#":
        return _ANY
    if not c.isalpha():
        return _NONE
    w = _LETTERS.match(text, pos, end)
    after = w.end()
    word = w.group().lower()
    if word in _KEYWORDS or word == "art":
        return _KEYWORD
    return _WORD if after < end and text[after] in ".)" else _NONE


def _parse_label(text: str, pos: int, end: int, romans) -> _Label | None:
    start = _label_start(text, pos, end)
    if start == _NONE:
        return None
    m = _KW_RE.match(text, pos, end) if start in (_KEYWORD, _ANY) else None
    if m:
        rest = text[m.end():end].strip()
        sep = m.group("sep").strip()
        num = m.group("num")
        ok = not (not sep and rest[:1].islower())
        if num.isalpha() and len(num) > 1 and _roman_value(num) is None:
            ok = False
        if ok:
            canon, rank, container = _KEYWORDS[m.group("kw").lower()]
            return _Label("kw", canon, num, text[m.start("kw"):m.end("sub")], m.end(), kw=canon,
                          rank=rank, container=container, sub=m.group("sub"))
    if start in (_KEYWORD, _WORD):
        return _alpha_label(text, pos, end, romans)
    m = _DEC_RE.match(text, pos, end) if start != _PAREN else None
    if m:
        rest = text[m.end():end].strip()
        if not rest and not m.group("punct"):
            return None
        return _Label("dec", m.group("punct") or ".", m.group("num"), text[m.start("num"):m.end("punct")],
                      m.end(), weak=not m.group("punct") and rest[0].islower())
    m = _NUM_RE.match(text, pos, end)
    if m:
        if m.group("pnum"):
            return _Label("num", "()", m.group("pnum"), text[m.start("pnum") - 1:m.end("pnum") + 1], m.end())
        # four or five digits ("2020.") only when they continue the numbering (999 -> 1000)
        return _Label("num", m.group("punct"), m.group("num"), text[m.start("num"):m.end("punct")], m.end(),
                      weak=len(m.group("num")) >= 4)
    if start == _DIGIT:
        return None
    return _alpha_label(text, pos, end, romans)


def _alpha_label(text: str, pos: int, end: int, romans) -> _Label | None:
    m = _ALPHA_RE.match(text, pos, end)
    if m:
        for group, form in (("t1", "()"), ("t2", ")"), ("t3", ".")):
            tok = m.group(group)
            if tok:
                break
        label_text = text[m.start(group) - (form == "()"):m.end(group) + 1]
        case = "upper" if tok.isupper() else "lower"
        if len(tok) > 1 and _roman_value(tok) is None:
            return None
        if case == "upper" and form == ".":
            # "I.", "IV." headings; a lone "I." / "V." before a name is an initial ("I. Aliyev")
            if _roman_value(tok) is None or "C" in tok:
                return None
            rest = text[m.end():end].strip()
            if len(tok) == 1 and _NAME_RE.fullmatch(rest) and _to_roman(_roman_value(tok) + 1) not in romans:
                return None
        if tok.isalpha() and not tok.isascii() and form == ".":
            return None
        return _Label("alpha", form, tok, label_text, m.end(), case=case)
    return None


# ---------------------------------------------------------------------------------------------
# Blocks: a label line, a bullet line or an unnumbered paragraph, with its continuation lines.

class _RomanLines:
    """The capital roman numerals that open a line ("IV."), found only when first asked
    (only "I. Aliyev"-like lines ask)."""

    def __init__(self, text: str) -> None:
        self.text, self.found = text, None

    def __contains__(self, numeral: str) -> bool:
        if self.found is None:
            self.found = set(_UPPER_ROMAN_LINES.findall(self.text))
        return numeral in self.found


@dataclass(slots=True)
class _Block:
    kind: str               # label | bullet | para
    start: int
    label: _Label | None
    blank_before: bool
    first: str              # first line after the label / bullet, stripped
    second: str = ""        # second line, stripped
    last: str = ""          # last line, stripped
    lines: int = 1
    after_cut: bool = False  # a "[...]" line stands before it: what it hangs under is cut away


def _continues(token: str, seen: set[str]) -> bool:
    if "." not in token:
        return str(int(token) - 1) in seen
    prefix, last = token.rsplit(".", 1)
    return prefix in seen and (int(last) == 1 or f"{prefix}.{int(last) - 1}" in seen)


_FUNCTION_WORDS = frozenset("in of to under with by see and or the a an per from at on for as into than "
                            "в у з за до на від по та і и от".split())


def _ends_on_function_word(line: str) -> bool:
    """A line cut before the end of its sentence ("... all civilians detained in"), as text from a
    PDF is: the first line of a paragraph, not a title."""
    words = line.split()
    return bool(words) and words[-1].lower() in _FUNCTION_WORDS


def _ends_mid_sentence(line: str) -> bool:
    """A line that stops mid-sentence: no closing punctuation, last word a function word or
    lower-case ("... as shown in" / "... set out in the")."""
    line = line.rstrip()
    if not line or line[-1] in ".:;!?)]»”\"'":
        return False
    return _ends_on_function_word(line) or line.split()[-1][:1].islower()


def _blocks(text: str) -> list[_Block]:
    romans = _RomanLines(text)
    seen: set[str] = set()      # numbers of the labels so far
    blocks: list[_Block] = []
    cur: _Block | None = None
    continuing = False
    gap = True
    cut = False
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        stripped = line.strip()
        if not stripped or (stripped[0] == "[" and _CUT_RE.match(text, pos, end)):
            continuing, gap = False, True
            if stripped:
                cut = True
        else:
            first_char = pos + len(line) - len(line.lstrip())
            label = _parse_label(text, pos, end, romans)
            if label and label.weak and not _continues(label.token, seen):
                label = None                      # "1.5 million" on a wrapped line
            if label and label.family == "kw" and continuing and cur is not None \
                    and _ends_mid_sentence(cur.last):
                label = None                      # "... as shown in\nAnnex 1." is a wrapped line
            if label and label.family in ("num", "dec", "kw"):
                seen.add(label.token + label.sub)
            bullet = None if label or stripped[0] not in _BULLETS else _BULLET_RE.match(text, pos, end)
            if label or bullet:
                body_from = label.end if label else bullet.end()
                first = text[body_from:end].strip()
                if bullet and first[:1] in _BULLETS:
                    first = first[1:].strip()
                cur = _Block("label" if label else "bullet", first_char, label, gap, first, last=stripped,
                             after_cut=cut)
                cut = False
                blocks.append(cur)
            elif continuing and cur is not None:
                if cur.lines == 1:
                    cur.second = stripped
                cur.lines += 1
                cur.last = stripped
            else:
                cur = _Block("para", first_char, None, gap, stripped, last=stripped)
                blocks.append(cur)
            continuing, gap = True, False
        if nl < 0:
            break
        pos = nl + 1
    return blocks


# ---------------------------------------------------------------------------------------------
# Structure

@dataclass(slots=True)
class _Node:
    ref: str
    style: tuple
    token: str
    kind: str
    depth: int
    kw: str | None = None
    rank: int = 9
    container: bool = False
    numkey: str | None = None  # "5" for 5. / Article 5 / Point 5, "5.1" for 5.1
    ends_colon: bool = False
    child_paras: int = 0

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading" or self.container

    @property
    def bare_children(self) -> bool:
        """Points under it are cited bare: "12" under "Section II" or "I. Key principles"."""
        return self.container or (self.kind == "heading" and self.style[:2] == ("alpha", "roman")
                                  and self.style[3] == "upper")


def _style(lab: _Label, stack: list[_Node], nxt: _Label | None = None) -> tuple:
    """Labels of one style are siblings: "1." and "1)" are two lists, "5.1" and "5.1.2" two levels."""
    if lab.family == "alpha":
        return _alpha_style(lab, stack, nxt)
    if lab.family == "kw":
        return ("kw", lab.kw, lab.sub.count("."))
    if lab.family == "num":
        return ("num", lab.form)
    return ("dec", lab.token.count("."))


def _alpha_style(lab: _Label, stack: list[_Node], nxt: _Label | None = None) -> tuple:
    """Style key of a letter or roman label; "(i)" after "(h)" is a letter, after "(viii)" a numeral,
    and roman one when "(ii)" comes next ("(h) release:" / "(i)" / "(ii)")."""
    tok = lab.token
    roman = _roman_value(tok) if tok.isascii() else None
    letter_style = ("alpha", "letter", lab.form, lab.case)
    roman_style = ("alpha", "roman", lab.form, lab.case)
    if roman is None:
        return letter_style
    if len(tok) > 1 or (lab.case == "upper" and lab.form == "."):
        return roman_style
    if roman == 1 and nxt is not None and nxt.family == "alpha" and nxt.form == lab.form \
            and nxt.case == lab.case and nxt.token.lower() == "ii":
        return roman_style
    prev_letter = chr(ord(tok) - 1)
    for node in reversed(stack):
        if node.style == letter_style and node.token == prev_letter:
            return letter_style
        if node.style == roman_style and _roman_value(node.token) == roman - 1:
            return roman_style
    return roman_style if tok in "iI" else letter_style


# Letters a list runs through. Cyrillic lists often leave out letters that are easily confused or
# rarely start a word ("ґ", "є", "ї", "й", "ь"; "ё", "й", "ъ", "ы", "ь"), so those may be skipped.
_ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
              "абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_SKIPPABLE = frozenset("ґєїйьёъы")


def _ordinal(tok: str, style: tuple) -> int | None:
    """The position of a label in its list: "3" -> 3, "c" -> 3, "iii" -> 3 (None: unknown)."""
    if style[0] == "num":
        return int(tok)
    if style[0] == "alpha":
        if style[1] == "roman":
            return _roman_value(tok)
        low = tok.lower()
        for alphabet in _ALPHABETS:
            if len(low) == 1 and low in alphabet:
                return alphabet.index(low) + 1
    return None


def _follows(tok: str, prev: str, style: tuple) -> bool:
    """``tok`` is the value after ``prev`` in a list of ``style``: "59" after "58", "b" after "a",
    "iii" after "ii", "д" after "г" (or after "ґ")."""
    if style[0] == "num":
        return int(tok) == int(prev) + 1
    if style[0] == "dec":
        head, _, last = tok.rpartition(".")
        phead, _, plast = prev.rpartition(".")
        return head == phead and int(last) == int(plast) + 1
    if style[0] != "alpha":
        return False
    if style[1] == "roman":
        a, b = _roman_value(tok), _roman_value(prev)
        return a is not None and b is not None and a == b + 1
    low, plow = tok.lower(), prev.lower()
    for alphabet in _ALPHABETS:
        j = alphabet.find(plow) if len(plow) == 1 else -1
        if j < 0:
            continue
        for c in alphabet[j + 1:]:
            if c == low:
                return True
            if c not in _SKIPPABLE or alphabet is _ALPHABETS[0]:
                break
    return False


def _place(lab: _Label, style: tuple, stack: list[_Node], suspended: list[_Node] | None = None) -> None:
    """Pop ``stack`` so that its top is the new provision's parent.

    The stack holds the open lists, innermost last, each as its last item (its style and value).
    A label continues the nearest open list of its style whose next value it is ("b" after "a",
    "59" after "58") and closes the lists opened after it; a first value ("1", "a", "i") under an
    item that introduces a list ("a. release:") opens an inner list even where an outer list of
    the same style is open; otherwise it goes to the nearest list of its style (a gap or a
    restart in the numbering), and with no list of its style open it opens one under the top.
    ``suspended``: the lists a "[...]" cut closed; a number that continues one of them reopens it.
    """
    if lab.family == "kw" and not lab.sub:
        if lab.rank == 0:
            stack.clear()
            return
        while stack:
            top = stack[-1]
            if top.kw is None and not top.is_heading:
                stack.pop()
            elif top.kw is not None and top.rank >= lab.rank:
                stack.pop()
            else:
                break
        return
    if lab.family == "dec" or lab.sub:
        full = lab.token + lab.sub
        prefix = full.rsplit(".", 1)[0]
        for i in range(len(stack) - 1, -1, -1):
            node = stack[i]
            if node.numkey == prefix and (lab.family == "dec" or node.kw == lab.kw):
                del stack[i + 1:]
                return
    token = lab.token
    nearest = -1                                     # the nearest open list of its style
    for i in range(len(stack) - 1, -1, -1):
        node = stack[i]
        if node.style == style:
            if _follows(token, node.token, style):   # the open list it continues
                del stack[i:]
                return
            if nearest < 0:
                nearest = i
    if suspended and lab.family == "num":            # a list a cut closed: "57." [...] "(c)" "58."
        for i in range(len(suspended) - 1, -1, -1):
            node = suspended[i]
            if node.style == style and _follows(token, node.token, style):
                stack[:] = suspended[:i]
                return
    if nearest >= 0:
        top = stack[-1]
        if top.ends_colon and top.style != style and _ordinal(token, style) == 1:
            return                                   # a new inner list under "a. release:"
        del stack[nearest:]                          # a gap or a restart in its numbering
        return
    if lab.family == "num" and int(token) > 2:
        # no list of its style is open and a new list does not start at "58": it does not nest
        # under lettered items (a list's first item or two may stand on its lead-in line)
        while stack and stack[-1].style[0] == "alpha" and stack[-1].style[2:] != (".", "upper") \
                and not stack[-1].is_heading:
            stack.pop()                              # not under a section "II. ...:" either


def _ref_for(lab: _Label, parent: _Node | None) -> str:
    if lab.family == "kw" and lab.kw != "Point":
        return f"{lab.kw} {lab.token}{lab.sub}"
    if lab.family == "dec" or lab.sub:
        full = lab.token + lab.sub
        if parent is not None and parent.numkey and full.startswith(parent.numkey + "."):
            return parent.ref + full[len(parent.numkey):]
        return full
    if lab.family in ("num", "kw") or (lab.case == "upper" and lab.form == "."):   # 5. 5) (5) Point 5 IV.
        if parent is None or parent.bare_children:
            return lab.token
        if parent.kw == "Article":
            return f"{parent.ref}.{lab.token}"
        return f"{parent.ref}({lab.token})"
    return f"{parent.ref}({lab.token})" if parent is not None else f"({lab.token})"


def _same_list(a: _Label, b: _Label | None) -> bool:
    return b is not None and (a.family, a.form, a.case, a.kw) == (b.family, b.form, b.case, b.kw)


def _preamble_end(blocks: list[_Block]) -> int:
    """In a text without numbering: the number of leading blocks that form the preamble."""
    for i, b in enumerate(blocks[:_PREAMBLE_BLOCKS]):
        if b.kind == "bullet":
            break
        if _FORMULA_RE.search(b.last) and b.last.rstrip().endswith(":"):
            return i + 1
    count = 0
    for i, b in enumerate(blocks):
        if b.kind == "bullet":
            break
        titleish = i < 3 and b.lines == 1 and b.first[-1:] not in _TERMINAL and len(b.first.split()) <= 15
        if _RECITAL_RE.match(b.first) or titleish:
            count = i + 1
        else:
            break
    return count


def _describe(lab: _Label, blocks: list[_Block], i: int, absorbed: set[int]) -> tuple[str | None, str, bool]:
    """Heading, kind, and whether the label's own text ends with ":" (it opens a list).

    A label alone on its line takes the next paragraph as its title or text; a numbered line that
    is only a title ("5. Release of detainees") takes the paragraph below it as its text.
    """
    b = blocks[i]
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    heading = None
    ends_colon = b.last.endswith(":")
    more_text = b.lines > 1                    # text of its own after the label line
    if not b.first:
        if more_text and _title_like(b.second) and not _ends_on_function_word(b.second):
            heading, more_text = b.second, b.lines > 2
        elif not more_text and nxt is not None and nxt.kind == "para":
            absorbed.add(i + 1)
            ends_colon = nxt.last.endswith(":")
            if nxt.lines == 1 and _title_like(nxt.first):
                heading = nxt.first
            else:
                more_text = True
            nxt = blocks[i + 2] if i + 2 < len(blocks) else None
    elif _title_like(b.first) and (not more_text or lab.family == "kw"):
        heading = b.first                      # "Article IX: Prisoner Exchanges"
    title_only = heading is not None and not more_text
    next_in_list = nxt is not None and nxt.kind == "label" and _same_list(lab, nxt.label)
    if lab.family == "kw":
        if lab.container and not more_text and (heading or not b.first):
            return heading, "heading", ends_colon
        kind = "numbered"
    elif title_only and not next_in_list and (
            (lab.case == "upper" and lab.form == ".") or (nxt is not None and nxt.kind == "label")):
        return heading, "heading", ends_colon  # "I. Key principles", "1. Ceasefire" over 1.1
    else:
        kind = "numbered"
        if heading is not None and (nxt is None or nxt.kind == "label"):
            heading = None                     # a short list item: "1. Ceasefire" / "2. Withdrawal"
    if title_only and b.first and nxt is not None and nxt.kind == "para" and i + 1 not in absorbed:
        absorbed.add(i + 1)                    # the title's text
        ends_colon = nxt.last.endswith(":")
    return heading, kind, ends_colon


def split_provisions(text: str, pages=None) -> list[Provision]:
    """Provisions in document order; their spans never overlap and cover the text."""
    if not text:
        return []
    blocks = _blocks(text)
    label_idx = [i for i, b in enumerate(blocks) if b.kind == "label"]
    rows: list[tuple] = []      # (ref, label, parent, heading, start, kind, depth)

    def add(ref, label, parent, heading, start, kind, depth) -> None:
        rows.append((ref, label, parent, heading, start, kind, depth))

    para_count = 0

    def top_para(block: _Block, parent: _Node | None) -> None:
        nonlocal para_count
        para_count += 1
        add(f"para {para_count}", "", parent.ref if parent else None, None, block.start,
            "paragraph", parent.depth + 1 if parent else 0)

    def child_para(block: _Block, node: _Node) -> None:
        node.child_paras += 1
        add(f"{node.ref} para {node.child_paras}", "", node.ref, None, block.start, "paragraph",
            node.depth + 1)

    if not label_idx:
        first = _preamble_end(blocks)
        if first or not blocks:
            add("preamble", "", None, None, 0, "preamble", 0)
        lead: _Node | None = None       # an unnumbered lead-in ending in ":" and its bullets
        for b in blocks[first:]:
            if b.kind == "bullet" and lead is not None:
                child_para(b, lead)
                continue
            top_para(b, None)
            lead = _Node(f"para {para_count}", (), "", "paragraph", 0) if b.last.endswith(":") else None
        return _finish(rows, text, pages)

    first_label, last_label = label_idx[0], label_idx[-1]
    if first_label > 0:
        add("preamble", "", None, None, 0, "preamble", 0)
    stack: list[_Node] = []
    suspended: list[_Node] | None = None    # the lists a "[...]" cut closed
    used: set[str] = set()
    absorbed: set[int] = set()
    closed = False          # after the last numbered point, closing matter has begun
    tail_bullets = False    # the last point has a bullet list: a paragraph after it closes the point

    for i in range(first_label, len(blocks)):
        if i in absorbed:
            continue
        b = blocks[i]
        if b.kind == "label":
            lab = b.label
            if b.after_cut and lab.family not in ("num", "dec", "kw"):
                # a lettered or bracketed item after a cut: the point it belonged to is cut
                # away, so it does not hang under the last number seen (a number continuing
                # one of the lists the cut closed reopens it)
                if suspended is None:
                    suspended = stack[:]
                stack[:] = [nd for nd in stack if nd.is_heading]
            nxt = blocks[i + 1].label if i + 1 < len(blocks) else None
            style = _style(lab, stack, nxt)
            _place(lab, style, stack, suspended)
            if lab.family != "alpha" or (lab.case == "upper" and lab.form == "."):
                suspended = None                  # a number or a section: the cut lists stay closed
            parent = stack[-1] if stack else None
            ref = _ref_for(lab, parent)
            if ref in used:
                anc = next((n for n in reversed(stack) if n.is_heading), None)
                if anc is not None:
                    qualified = anc.ref + ref if ref.startswith("(") else f"{anc.ref}.{ref}"
                    if qualified not in used:
                        ref = qualified
            used.add(ref)

            heading, kind, ends_colon = _describe(lab, blocks, i, absorbed)
            numkey = None               # what a decimal "3.1" below it starts with
            if lab.family in ("num", "dec", "kw"):
                roman = _roman_value(lab.token) if lab.token.isalpha() else None
                numkey = (str(roman) if roman else lab.token) + lab.sub
            add(ref, lab.text, parent.ref if parent else None, heading, b.start, kind, len(stack))
            stack.append(_Node(ref, style, lab.token, kind, len(stack), kw=lab.kw, rank=lab.rank,
                               container=lab.container, numkey=numkey, ends_colon=ends_colon))
            continue

        # an unnumbered paragraph or bullet after the first label
        node = stack[-1]
        if node.is_heading:
            top_para(b, node)
            continue
        if i > last_label and node.kw in (None, "Point"):
            if not closed:
                if b.kind == "bullet" and (not b.blank_before or node.ends_colon or node.child_paras):
                    tail_bullets = True
                    child_para(b, node)
                    continue
                if b.kind == "para" and node.ends_colon and not tail_bullets:
                    child_para(b, node)
                    continue
                closed = True
            top_para(b, next((n for n in reversed(stack) if n.is_heading), None))
            continue
        if b.kind == "bullet" or node.ends_colon or node.child_paras:
            child_para(b, node)
        else:
            node.ends_colon = b.last.endswith(":")    # the paragraph stays in the point's text
    return _finish(rows, text, pages)


def _finish(rows: list[tuple], text: str, pages) -> list[Provision]:
    spans = sorted(pages or (), key=lambda p: p.start)
    starts = [p.start for p in spans]
    out = []
    ends = [row[4] for row in rows[1:]] + [len(text)]
    for (ref, label, parent, heading, start, kind, depth), end in zip(rows, ends):
        page = None
        if spans:
            j = bisect.bisect_right(starts, start) - 1
            if j >= 0 and spans[j].start <= start < spans[j].end:
                page = spans[j].page
        out.append(Provision(ref, label, parent, heading, start, end, page, kind, depth))
    if out and out[0].start != 0:
        out[0] = Provision(out[0].ref, out[0].label, out[0].parent, out[0].heading, 0, out[0].end,
                           page=out[0].page, kind=out[0].kind, depth=out[0].depth)
    return out


# ---------------------------------------------------------------------------------------------
# Sentences

_ABBREVIATIONS = frozenset("""
art arts no nos mr mrs ms dr st para paras cf vs approx incl sec ch fig ibid jr sr prof gen col lt
gov amb p pp e.g i.e u.s u.n u.k e.u ст п пп т.е т.к т.д т.п р рр г гг ін им напр див см
""".split())
_SENT_CANDIDATE = re.compile(r"[.!?;…]+[\"'”’»)\]]*|\n")
_CLOSING = ".!?;…\"'”’»)]"
_LABEL_WINDOW = 200
_TRAILING_CONNECTOR = re.compile(r"[ \t]*(?:and|or|and/or|та|і|й|або|и|или)[ \t]*(?:\n|$)")
_OPENERS = "\"'“‘«([„"


def _line_opens_item(text: str, pos: int, line_end: int) -> bool:
    """The line text[pos:line_end] starts a list item or bullet (used to break sentences)."""
    lab = _parse_label(text, pos, line_end, _NO_ROMANS)
    if lab is not None and not lab.weak:
        return True
    first = text[pos:line_end].lstrip()[:1]
    return bool(first and first in _BULLETS and _BULLET_RE.match(text, pos, line_end))


def _ends_sentence(text: str, m: re.Match, end: int) -> bool:
    after = m.end()
    if after < end and not text[after].isspace():
        return False                              # 5.1, e.g.x, 10.11.2020
    if ";" in m.group() and _TRAILING_CONNECTOR.match(text, after, end):
        return False                              # "...within 30 days; and" + next item
    if "." not in m.group() and "…" not in m.group():
        return True                               # ! ? ;
    j = after
    while j < end and text[j].isspace():
        j += 1
    while j < end and text[j] in _OPENERS:
        j += 1
    if j < end and text[j].islower():
        return False                              # "etc. and", "approx. five"
    if m.group()[0] != ".":
        return True
    k = m.start()
    i = k
    while i > 0 and k - i < 40 and not text[i - 1].isspace() and text[i - 1] not in _OPENERS:
        i -= 1
    token = text[i:k]
    if not token:
        return True
    if token.lower() in _ABBREVIATIONS:
        return False
    parts = token.split(".")
    if all(len(p) == 1 and p.isalpha() for p in parts) and (len(parts) > 1 or token.isupper()):
        return False                              # initials: N.V. Pashinyan, V. Putin, U.S
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None,
                    label_end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (document offsets, trimmed) within text[start:end].

    Breaks after . ! ? ; (not after abbreviations such as "Art.", "e.g.", "U.S.", initials such
    as "V.V. Putin", decimals "5.1", or before a lower-case word), at blank lines and before a
    line that starts a list item or bullet. A provision's leading label ("5.", "(a)") is kept in
    its first sentence; spans without a letter or digit ("[...]") are dropped. ``label_end``:
    where the leading label ends, when the caller already knows (a provision's label).
    """
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, min(start, end))
    cuts = []
    if label_end is None:
        protect = _label_end(text, start, end)
    else:                       # past the label's separator too: "Article 12. ", "Article 4: "
        protect = _after_separator(text, max(start, min(label_end, end)), end)
    # fast path: one sentence, no break candidate between the label and the closing punctuation
    rest = text[protect:end]
    while True:                 # without trailing spaces and closing punctuation
        trimmed = rest.rstrip().rstrip(_CLOSING)
        if len(trimmed) == len(rest):
            break
        rest = trimmed
    if not _SENT_CANDIDATE.search(rest):
        chunk = text[start:end]
        body = chunk.lstrip()
        s = end - len(body)
        body = body.rstrip()
        if body and _ALNUM.search(body):
            return [(s, s + len(body))]
        return []
    for m in _SENT_CANDIDATE.finditer(text, start, end):
        if m.start() < protect:
            continue
        if m.group() == "\n":
            nxt = m.end()
            line_end = text.find("\n", nxt, end)
            line_end = end if line_end < 0 else line_end
            if text[nxt:line_end].strip() == "" or _line_opens_item(text, nxt, line_end):
                cuts.append(m.start())
                protect = _label_end(text, nxt, end)
        elif _ends_sentence(text, m, end):
            cuts.append(m.end())
            protect = _label_end(text, m.end(), end)
    spans = []
    prev = start
    for cut in cuts + [end]:
        if cut > prev:
            seg = text[prev:cut]
            body = seg.strip()
            if body and _ALNUM.search(body):
                s = prev + (len(seg) - len(seg.lstrip()))
                spans.append((s, s + len(body)))
        prev = max(prev, cut)
    return spans


_LETTERS = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]")


def _after_separator(text: str, pos: int, end: int) -> int:
    """Offset after the separator that may follow a label ("." ":" ")" or a dash, with spaces)."""
    while pos < end and text[pos] in _SPACE:
        pos += 1
    if pos < end and text[pos] in ".:)-–—":
        pos += 1
        while pos < end and text[pos] in _SPACE:
            pos += 1
    return pos


def _label_end(text: str, pos: int, end: int) -> int:
    """End of a provision label or bullet at ``pos`` (after whitespace), else ``pos``."""
    while pos < end and text[pos].isspace():
        pos += 1
    if pos >= end or not (text[pos].isalnum() or text[pos] in "(#" or text[pos] in _BULLETS):
        return pos
    window = min(end, pos + _LABEL_WINDOW)       # labels are short: keep the scan linear
    nl = text.find("\n", pos, window)
    line_end = window if nl < 0 else nl
    lab = _parse_label(text, pos, line_end, _NO_ROMANS)
    if lab and not lab.weak:
        return lab.end
    m = _BULLET_RE.match(text, pos, line_end)
    return m.end() if m else pos
