"""Score the engine against expert gold labels (``checklist eval``).

Gold files are TOML, one a document, named after the corpus text's stem (see
../shared/gold/CODEBOOK.md). Only the demands a gold file lists are scored; demands of rule
sets that are not loaded are counted as skipped.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .assessment import assess
from .documents import read_file
from .errors import ChecklistError
from .rules import Library

STATUSES = ("met", "partial", "absent", "contradicted")
_REF_WORDS = re.compile(r"\b(article|art|point|para|paragraph|section|annex|clause|item|bullet)\b\.?", re.I)


def ref_parts(ref: str) -> tuple[str, ...]:
    """Reference components after ignoring case, spaces, brackets and words such as Article,
    Point, para: "Article 4.2" -> ("4", "2"); "21(b)" -> ("21", "b"); "para 2" -> ("2",)."""
    s = _REF_WORDS.sub(" ", ref.lower())
    return tuple(re.findall(r"\d+|[^\W\d_]+", s))


def refs_match(gold: str, reported: str) -> bool:
    """Equal after normalising, or one a sub-provision of the other (gold 6 ~ reported 6(a))."""
    g, r = ref_parts(gold), ref_parts(reported)
    if not g or not r:
        return gold.strip().lower() == reported.strip().lower()
    n = min(len(g), len(r))
    return g[:n] == r[:n]


def ref_sort_key(ref: str) -> tuple:
    """Sort key for references that may mix numbers and words ("preamble", "11", "Appendix I",
    "1"): each part is (0, number) or (1, word), so the parts always compare."""
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in ref_parts(ref)) or ((2, 0, ref),)


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """{document: gold file data}: its ``labels`` and its optional ``language`` and
    ``phenomenon`` keys."""
    out = {}
    for path in sorted(Path(gold_dir).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ChecklistError(f"{path}: not a valid gold file ({exc}); fix the TOML.") from exc
        out[data.get("document", path.stem)] = data
    return out


def _f1(tp, fp, fn):
    if tp == 0:
        return 0.0
    p, r = tp / (tp + fp), tp / (tp + fn)
    return 2 * p * r / (p + r)


def evaluate(corpus_dir, gold_dir, library: Library, set_ids=None) -> dict:
    corpus_dir, gold_dir = Path(corpus_dir), Path(gold_dir)
    if not corpus_dir.is_dir():
        raise ChecklistError(f"Corpus folder {corpus_dir} not found: pass --corpus with the folder of .txt texts.")
    if not gold_dir.is_dir():
        raise ChecklistError(f"Gold folder {gold_dir} not found: pass --gold with the folder of gold .toml files.")
    gold = load_gold(gold_dir)
    rule_sets = library.select(set_ids)
    loaded = {d.id for rs in rule_sets for d in rs.demands}
    pairs, skipped, documents = [], 0, 0
    for stem, data in sorted(gold.items()):
        labels = data.get("labels", {})
        candidates = [p for p in corpus_dir.glob(stem + ".*") if p.suffix.lower() in (".txt", ".md", ".html", ".pdf", ".docx")]
        if not candidates:
            continue
        documents += 1
        # the kind of text and its speaker are read from the text, as for a user who does not
        # give them
        result = assess(read_file(candidates[0]), rule_sets, library, document_kind="auto")
        by_id = {r["demand"]: r for r in result["results"]}
        for demand_id, label in sorted(labels.items()):
            if demand_id not in loaded:
                skipped += 1
                continue
            got = by_id[demand_id]
            pairs.append({"document": stem, "demand": demand_id, "gold": label["status"],
                          "language": data.get("language", "en"),
                          "phenomenon": label.get("phenomenon", data.get("phenomenon", "")),
                          "rule_set": demand_id.split("/")[0],
                          "predicted": got["status"], "gold_provisions": list(label.get("provisions", [])),
                          "predicted_provisions": sorted({e["provision"] for e in got["evidence"]}, key=ref_sort_key),
                          "reasons": [r["code"] for r in got["reasons"]],
                          "note": label.get("note", "")})
    return metrics(pairs, documents, skipped)


GROUPINGS = ("language", "phenomenon", "rule_set", "demand")


def metrics_by(pairs: list[dict], key: str) -> dict[str, dict]:
    """The same figures for each value of ``key`` (one of GROUPINGS) over the scored pairs."""
    groups: dict[str, list[dict]] = {}
    for x in pairs:
        groups.setdefault(x.get(key) or "(none)", []).append(x)
    return {k: metrics(v, len({x["document"] for x in v}), 0) for k, v in sorted(groups.items())}


def metrics(pairs: list[dict], documents: int, skipped: int) -> dict:
    n = len(pairs)
    confusion = {g: {p: 0 for p in STATUSES} for g in STATUSES}
    for x in pairs:
        confusion[x["gold"]][x["predicted"]] += 1
    correct = sum(confusion[s][s] for s in STATUSES)
    f1s = {}
    for s in STATUSES:
        tp = confusion[s][s]
        fp = sum(confusion[g][s] for g in STATUSES if g != s)
        fn = sum(confusion[s][p] for p in STATUSES if p != s)
        if tp + fp + fn:
            f1s[s] = _f1(tp, fp, fn)
    macro = sum(f1s.values()) / len(f1s) if f1s else 0.0
    po = correct / n if n else 0.0
    pe = sum(sum(confusion[s].values()) * sum(confusion[g][s] for g in STATUSES) for s in STATUSES) / (n * n) if n else 0.0
    kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
    present = ("met", "partial")
    tp = sum(1 for x in pairs if x["gold"] in present and x["predicted"] in present)
    fp = sum(1 for x in pairs if x["gold"] not in present and x["predicted"] in present)
    fn = sum(1 for x in pairs if x["gold"] in present and x["predicted"] not in present)
    gold_contra = [x for x in pairs if x["gold"] == "contradicted"]
    contra_recall = (sum(1 for x in gold_contra if x["predicted"] == "contradicted") / len(gold_contra)
                     if gold_contra else None)
    false_met = sum(1 for x in pairs if x["predicted"] == "met" and x["gold"] in ("absent", "contradicted"))
    with_ev = [x for x in pairs if x["gold_provisions"]]
    hits = sum(1 for x in with_ev if any(refs_match(g, r) for g in x["gold_provisions"] for r in x["predicted_provisions"]))
    return {
        "documents": documents,
        "labels": n,
        "skipped": skipped,
        "accuracy": round(po, 4),
        "macro_f1": round(macro, 4),
        "f1_by_status": {k: round(v, 4) for k, v in f1s.items()},
        "kappa": round(kappa, 4),
        "presence_f1": round(_f1(tp, fp, fn), 4),
        "contradiction_recall": None if contra_recall is None else round(contra_recall, 4),
        "false_met": false_met,
        "evidence_hit_rate": round(hits / len(with_ev), 4) if with_ev else None,
        "evidence_labels": len(with_ev),
        "confusion": confusion,
        "disagreements": [x for x in pairs if x["gold"] != x["predicted"]],
        "pairs": pairs,
    }


def format_groups(groups: dict[str, dict], key: str) -> str:
    """One line a group: labels, accuracy, macro-F1, contradiction recall, false met."""
    width = max([len(key)] + [len(k) for k in groups]) + 2
    lines = [f"{key:<{width}}{'labels':>7}{'acc':>7}{'macroF1':>9}{'c.rec':>7}{'f.met':>7}"]
    for k, m in groups.items():
        cr = "n/a" if m["contradiction_recall"] is None else f"{m['contradiction_recall']:.2f}"
        lines.append(f"{k:<{width}}{m['labels']:>7}{m['accuracy']:>7.3f}{m['macro_f1']:>9.3f}{cr:>7}{m['false_met']:>7}")
    return "\n".join(lines)


def format_text(m: dict) -> str:
    def fmt(v):
        return "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    lines = [
        f"documents            {m['documents']}",
        f"labels               {m['labels']} (skipped {m['skipped']}: rule set not loaded)",
        f"accuracy             {fmt(m['accuracy'])}",
        f"macro-F1             {fmt(m['macro_f1'])}  (" + ", ".join(f"{k} {v:.3f}" for k, v in m["f1_by_status"].items()) + ")",
        f"Cohen's kappa        {fmt(m['kappa'])}",
        f"presence F1          {fmt(m['presence_f1'])}",
        f"contradiction recall {fmt(m['contradiction_recall'])}",
        f"false met            {m['false_met']}",
        f"evidence hit rate    {fmt(m['evidence_hit_rate'])} (over {m['evidence_labels']} labels with gold provisions)",
        "",
        "confusion (rows gold, columns predicted)",
        "              " + "".join(f"{s:>13}" for s in STATUSES),
    ]
    for g in STATUSES:
        lines.append(f"{g:>13} " + "".join(f"{m['confusion'][g][p]:>13}" for p in STATUSES))
    if m["disagreements"]:
        lines += ["", "disagreements"]
        for x in m["disagreements"]:
            lines.append(f"  {x['document']} {x['demand']}: gold {x['gold']} {x['gold_provisions']}, "
                         f"got {x['predicted']} {x['predicted_provisions']} {x['reasons']}")
    return "\n".join(lines)
