"""Rules describe language, never a particular document: no rule example or term repeats a
run of eight or more words from a development corpus text or a gold note (runs that are the
seed demands' own words are allowed: rules may quote the demand they encode)."""
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUN = 8


def ngrams(text: str, n: int = RUN) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="the development corpus (../shared) is not beside the repo")
def test_no_rule_repeats_corpus_or_gold_wording():
    sources = set()
    for p in list((SHARED / "corpus").glob("*.txt")) + list((SHARED / "gold").glob("*.toml")):
        sources |= ngrams(p.read_text(encoding="utf-8"))
    seeds = set()
    for p in (SHARED / "seeds").glob("*.txt"):
        seeds |= ngrams(p.read_text(encoding="utf-8"))
    sources -= seeds
    offenders = []
    for path in sorted((ROOT / "rules").rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "concepts" in path.name or path.parent.name == "concepts.d":
            matching = data                  # every term of a concepts file
        else:
            matching = {"example": [e.get("text", "") for e in data.get("example", [])],
                        "concepts": data.get("concepts", {}), "match": data.get("match", {})}
        for s in strings(matching):
            shared = ngrams(s) & sources
            if shared:
                offenders.append(f"{path.relative_to(ROOT)}: '{sorted(shared)[0]}'")
    assert not offenders, "rule text repeats corpus or gold wording:\n" + "\n".join(offenders)


# ---------------------------------------------------------------- every concept in three languages

from checklist.rules import bundled_library, language_gaps, load_library  # noqa: E402


def test_every_used_concept_has_ukrainian_and_russian_terms():
    """A concept a demand's topic, elements, narrowing qualifiers or contradictions rest on, and
    each shared qualifier the engine applies, has uk and ru terms (or says why not)."""
    gaps = language_gaps(bundled_library())
    assert not gaps, "concepts without Ukrainian or Russian terms:\n" + "\n".join(gaps)


def _rules_copy(tmp_path):
    import shutil
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def test_a_concept_without_russian_terms_is_named_with_its_file(tmp_path):
    root = _rules_copy(tmp_path)
    path = root / "tot-2025" / "03.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[concepts.passage]")
    block_end = text.index("\n[", start + 1) if "\n[" in text[start + 1:] else len(text)
    block = text[start:block_end]
    lines = [l for l in block.split("\n") if not l.startswith("ru =")]
    path.write_text(text[:start] + "\n".join(lines) + text[block_end:], encoding="utf-8")
    gaps = language_gaps(load_library(root))
    assert gaps == [f"{path}: concept 'passage': no ru terms (used by tot-2025/3); add them, "
                    f'or say why not with exempt_languages = "..."']
    # an explicit exemption with its reason silences it
    text = path.read_text(encoding="utf-8").replace(
        "[concepts.passage]\n", '[concepts.passage]\nexempt_languages = "a test: the Russian terms are elsewhere"\n')
    path.write_text(text, encoding="utf-8")
    assert language_gaps(load_library(root)) == []


def test_a_shared_qualifier_without_ukrainian_terms_is_named(tmp_path):
    root = _rules_copy(tmp_path)
    path = root / "concepts.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[negator]")
    end = text.index("\n[", start + 1)
    block = "\n".join(l for l in text[start:end].split("\n") if not l.startswith("uk ="))
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    gaps = language_gaps(load_library(root))
    assert gaps == [f"{path}: concept 'negator': no uk terms (a shared qualifier); add them, "
                    f'or say why not with exempt_languages = "..."']


# ---------------------------------------------------------------- wildcards checked against the corpora

import unicodedata  # noqa: E402

from checklist.terms import expand  # noqa: E402

CORPORA = [SHARED / "corpus", SHARED / "probes" / "corpus"]

# what each `word*` of the rules may match in the corpora: the words it is plausibly meant for
# (a word here that no text has any more is harmless; a new match not listed fails the test)
WILDCARD_ALLOWED = {
    'атомн': "атомної",
    'електростанці': "електростанції",
    'запоріз': "запорізької",
    'херсон': "херсонської",
    'accede': "accede",
    'accountab': "accountability",
    'admit': "admitted",
    'agenc': "agencies agency",
    'agreement': "agreement agreements",
    'allocate': "allocated",
    'allow': "allow allowing",
    'arrest': "arrest",
    'assist': "assist assistance",
    'attack': "attack",
    'avoid': "avoid",
    'benefit': "benefit benefits",
    'build': "building",
    'capabilit': "capabilities",
    'case': "case cases",
    'checkpoint': "checkpoints",
    'civilian': "civilian civilians",
    'clear': "clear clearance",
    'compensat': "compensate compensation",
    'condemn': "condemns",
    'condition': "condition conditional conditions",
    'consistent': "consistent consistently",
    'consult': "consultations consultative",
    'convention': "convention",
    'convoy': "convoys",
    'cooperat': "cooperate cooperating cooperation",
    'corridor': "corridor",
    'crossing': "crossing",
    'damage': "damage",
    'deliver': "deliver delivered",
    'demin': "demining",
    'deplore': "deplores",
    'deport': "deported",
    'detainee': "detainees",
    'discriminat': "discrimination discriminatory",
    'distribut': "distributed distribution",
    'education': "education educational",
    'effort': "efforts",
    'endeavour': "endeavour",
    'engag': "engage engagement",
    'enjoy': "enjoy",
    'ensure': "ensure ensured",
    'establish': "establish established establishment",
    'exchange': "exchange exchanged",
    'exclud': "excluded",
    'exclude': "excluded",
    'execut': "execute executing",
    'extend': "extend",
    'facilit': "facilitate facilities facility",
    'fill': "fill",
    'forcibl': "forcibly",
    'framework': "framework",
    'fund': "fund fundamental fundamentals funding funds",
    'gap': "gap",
    'grant': "grant granted",
    'guarantee': "guarantee guaranteed guarantees",
    'hospital': "hospitals",
    'hostage': "hostage hostages",
    'identif': "identified identify",
    'illegal': "illegal illegally",
    'implement': "implement implementation implemented implementing",
    'improv': "improve",
    'increase': "increase",
    'instrument': "instrument",
    'investigat': "investigate investigated investigation investigations investigators",
    'investigation': "investigation investigations",
    'involv': "involvement",
    'landmine': "landmines",
    'lift': "lifted",
    'line': "line lines",
    'mechanism': "mechanism mechanisms",
    'meet': "meet meeting meetings",
    'mission': "mission mission's",
    'monitor': "monitored monitoring",
    'negotiation': "negotiation negotiations",
    'oblast': "oblast oblasts",
    'oblig': "obligations",
    'obligation': "obligations",
    'observer': "observer observers",
    'obtain': "obtain obtained",
    'operat': "operate operations operators",
    'organisation': "organisation organisations",
    'particip': "participants participate participation",
    'passport': "passport passports",
    'payment': "payment payments",
    'peacekeep': "peacekeepers peacekeeping",
    'pension': "pension pensions",
    'permit': "permit",
    'plant': "plant plants",
    'point': "point points",
    'power': "power",
    'prevent': "prevent preventing",
    'prisoner': "prisoners",
    'program': "program programme programmes programs",
    'programme': "programme programmes",
    'prohibit': "prohibited",
    'prosecut': "prosecute prosecuted prosecution prosecutor prosecutor's prosecutors",
    'protect': "protect protecting protection",
    'protocol': "protocol",
    'provid': "provide provided providers providing",
    'provider': "providers",
    'punish': "punishment",
    'rebuild': "rebuilding",
    'receiv': "receive receiving",
    'recogni': "recognise recognition recognized",
    'reconstruct': "reconstruction",
    'redevelop': "redeveloped",
    'reform': "reform",
    'refugee': "refugees",
    'region': "region regions",
    'regulation': "regulation",
    'rehabilitat': "rehabilitation",
    'reject': "rejected rejects",
    'release': "release released releases",
    'remov': "remove",
    'renew': "renewal",
    'renounc': "renounce",
    'reparation': "reparation",
    'repatriat': "repatriated",
    'reprisal': "reprisals",
    'request': "requested requests",
    'require': "require required",
    'rescind': "rescind",
    'resident': "resident residents",
    'respect': "respect",
    'respond': "respond",
    'restor': "restoration restore",
    'restriction': "restrictions",
    'return': "return returned",
    'sanction': "sanctions",
    'school': "schools",
    'search': "search",
    'seek': "seek",
    'settle': "settle settled settlement settlements",
    'settlement': "settlement settlements",
    'shield': "shielding",
    'station': "station stationed",
    'statute': "statute statutes",
    'stop': "stop",
    'strengthen': "strengthen strengthening",
    'strik': "strikes",
    'substation': "substations",
    'supervise': "supervised",
    'support': "support supports",
    'survivor': "survivors",
    'suspect': "suspect suspects",
    'suspend': "suspend suspended",
    'system': "system",
    'team': "teams",
    'terminat': "terminate terminated",
    'territor': "territorial territories territory",
    'train': "training",
    'transfer': "transfer transferred",
    'undermin': "undermine undermines",
    'universal': "universal",
    'uphold': "uphold",
    'victim': "victim victims",
    'waive': "waive",
    'warrant': "warrant warrants",
    'withdraw': "withdraw withdrawal",
    'work': "work working",
}


def _words_of(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return set(re.findall(r"\w+(?:'\w+)?", text))


def _wildcards() -> dict[str, set[str]]:
    """Every `word*` of every rule term -> the concepts (file: name) that use it."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "rules").rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        shared = path.name == "concepts.toml" or path.parent.name == "concepts.d"
        tables = data if shared else data.get("concepts", {})
        for name, table in tables.items():
            if not isinstance(table, dict):
                continue
            for lang in ("en", "uk", "ru"):
                for term in table.get(lang, []):
                    for seq in expand(term):
                        for w in seq:
                            if w.endswith("*") and len(w) > 1:
                                prefix = unicodedata.normalize("NFKC", w[:-1]).lower()
                                out.setdefault(prefix, set()).add(f"{path.relative_to(ROOT)}: {name}")
    return out


@pytest.mark.skipif(not all(c.is_dir() for c in CORPORA), reason="the corpora (../shared) are not beside the repo")
def test_every_wildcard_matches_only_words_it_is_meant_for():
    words: set[str] = set()
    for folder in CORPORA:
        for path in folder.glob("*.txt"):
            words |= _words_of(path.read_text(encoding="utf-8", errors="replace"))
    offenders = []
    for prefix, users in sorted(_wildcards().items()):
        allowed = set(WILDCARD_ALLOWED.get(prefix, "").split())
        for word in sorted(w for w in words if w.startswith(prefix) and w not in allowed):
            offenders.append(f"'{prefix}*' ({', '.join(sorted(users))}) matches '{word}'")
    assert not offenders, ("wildcards match words they are not meant for: write the dictionary form or a "
                           "narrower prefix, or add the word to WILDCARD_ALLOWED if it is meant:\n"
                           + "\n".join(offenders))
