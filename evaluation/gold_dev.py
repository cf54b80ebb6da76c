"""Measure the text core against the development set in ../shared/gold-dev.

    python -m evaluation.gold_dev [--json out.json] [--verbose]

Quantities: precision/recall/F1 of (value, unit) matches and, on matched rows,
the accuracy of metric, qualifier, status, period and subject. Entities: recall
per type and precision, side by side with jieba's and rjieba's own POS tags
(nr/ns/nt) as the baseline, and the share of region mentions resolved to an
admin code. Relations: agreement parties. Articles: titles, surplus, dates.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict

from pipeline.core import records

from .common import REPO, SHARED, close, norm, read_jsonl, strip_ws


def run_core(doc_id: str) -> dict:
    path = REPO / "seeds" / "documents" / f"{doc_id}.txt"
    if not path.exists():
        path = SHARED / "seeds" / f"{doc_id}.txt"
    doc = records.read_document(path.read_bytes(), path.name)
    meta, arts, _ = records.split_articles(doc["document_id"], doc["text"])
    quantities, mentions, relations = [], [], []
    for a in arts:
        ms, _roles = records.extract_entities(a)
        mentions.extend(ms)
        quantities.extend(records.extract_quantities(a, ms))
        relations.extend(records.extract_relations(a, ms))
    names = defaultdict(set)
    for m in mentions:
        names[m["entity_id"]].add(m["surface"])
        names[m["entity_id"]].add(m["name"])
    return {"meta": meta, "articles": arts, "quantities": quantities, "mentions": mentions,
            "relations": relations, "names": names}


def _subject_ok(gold: str, q: dict, names: dict) -> bool:
    g = norm(gold)
    if not g:
        return not q.get("subject_entity_id")
    cands = {norm(n) for n in names.get(q.get("subject_entity_id"), set())} | {norm(q.get("subject_name"))}
    cands.discard("")
    return any(c == g or (len(c) >= 2 and (c in g or g in c)) for c in cands)


def evaluate_quantities(gold_rows: list[dict], runs: dict, verbose: bool) -> dict:
    tp = 0
    fields = Counter()
    matched_pred = set()
    misses, wrong = [], defaultdict(list)
    n_pred = sum(len(r["quantities"]) for r in runs.values())
    for g in gold_rows:
        preds = runs[g["doc"]]["quantities"]
        ctx = strip_ws(g["context"])
        cands = [i for i, q in enumerate(preds) if (g["doc"], i) not in matched_pred
                 and q["unit_code"] == g["unit"] and close(q["value"], g["value"])]
        if not cands:
            misses.append(g)
            continue
        # prefer the candidate whose sentence holds the context
        best = max(cands, key=lambda i: (strip_ws(g["mention"]) in strip_ws(preds[i]["raw_text"]) or strip_ws(preds[i]["raw_text"]) in strip_ws(g["mention"]),
                                         sum(1 for k in range(0, len(ctx) - 3) if ctx[k:k + 4] in strip_ws(preds[i]["sentence"]))))
        matched_pred.add((g["doc"], best))
        q = preds[best]
        tp += 1
        checks = {
            "metric": q["metric_code"] == g["metric"],
            "qualifier": q["qualifier"] == g["qualifier"],
            "status": q["status"] == g["status"],
            "period": (q["period_label"] or "") == (g["period"] or ""),
            "subject": _subject_ok(g["subject"], q, runs[g["doc"]]["names"]),
        }
        for k, ok in checks.items():
            fields[k] += ok
            if not ok:
                wrong[k].append((g["mention"], g["context"], {"metric": g["metric"], "qualifier": g["qualifier"], "status": g["status"], "period": g["period"], "subject": g["subject"]}[k],
                                 {"metric": q["metric_code"], "qualifier": q["qualifier"], "status": q["status"], "period": q["period_label"], "subject": q.get("subject_name")}[k]))
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / len(gold_rows) if gold_rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out = {"gold": len(gold_rows), "predicted": n_pred, "matched": tp, "precision": round(precision, 3),
           "recall": round(recall, 3), "f1": round(f1, 3),
           **{f"{k}_accuracy": round(v / tp, 3) if tp else 0.0 for k, v in fields.items()}}
    if verbose:
        print("-- quantity misses:")
        for g in misses:
            print("  ", g["doc"][:3], g["mention"], "|", g["context"], g["value"], g["unit"])
        print("-- surplus predictions:")
        for doc, r in runs.items():
            for i, q in enumerate(r["quantities"]):
                if (doc, i) not in matched_pred:
                    print("  ", doc[:3], q["raw_text"], q["value"], q["unit_code"], "|", q["sentence"][:40])
        for k, rows in wrong.items():
            print(f"-- wrong {k}:")
            for row in rows:
                print("  ", row)
    return out


def evaluate_entities(gold_rows: list[dict], runs: dict, verbose: bool) -> dict:
    per_type = defaultdict(lambda: [0, 0])
    pred_matched = defaultdict(set)
    misses = []
    for g in gold_rows:
        r = runs[g["doc"]]
        names = {norm(g["name"])} | {norm(a) for a in g.get("aliases", [])}
        per_type[g["type"]][1] += 1
        hit = None
        for m in r["mentions"]:
            if m["entity_type"] != g["type"]:
                continue
            if norm(m["surface"]) in names or norm(m["name"]) in names:
                hit = m["entity_id"]
                break
        if hit:
            per_type[g["type"]][0] += 1
            pred_matched[g["doc"]].add(hit)
        else:
            misses.append(g)
    n_pred = tp_pred = 0
    surplus = []
    for doc, r in runs.items():
        ids = {}
        for m in r["mentions"]:
            ids.setdefault(m["entity_id"], m)
        n_pred += len(ids)
        tp_pred += len(set(ids) & pred_matched[doc])
        surplus.extend((doc[:3], m["entity_type"], m["name"]) for i, m in ids.items() if i not in pred_matched[doc])
    out = {f"recall_{t}": round(a / b, 3) for t, (a, b) in sorted(per_type.items())}
    out["recall_all"] = round(sum(a for a, _ in per_type.values()) / max(1, sum(b for _, b in per_type.values())), 3)
    out["precision"] = round(tp_pred / n_pred, 3) if n_pred else 0.0
    out["predicted_entities"] = n_pred
    if verbose:
        print("-- entity misses:")
        for g in misses:
            print("  ", g["doc"][:3], g["type"], g["name"], g.get("aliases"), "BP" if g.get("in_boilerplate") else "")
        print("-- entity surplus:")
        for s in sorted(surplus):
            print("  ", *s)
    return out


def evaluate_relations(gold_rows: list[dict], runs: dict, verbose: bool) -> dict:
    found = parties_hit = parties_total = 0
    for g in gold_rows:
        if g["type"] != "agreement":
            continue
        r = runs[g["doc"]]
        gold_parties = {norm(p) for p in g["parties"]}
        parties_total += len(gold_parties)
        best = 0
        for rel in r["relations"]:
            if rel["relation_type"] != "agreement":
                continue
            names = set()
            for eid in rel["party_entity_ids"]:
                names |= {norm(n) for n in r["names"].get(eid, set())}
            hit = sum(1 for p in gold_parties if any(p == n or (len(n) >= 2 and (n in p or p in n)) for n in names))
            best = max(best, hit)
        found += best > 0
        parties_hit += best
    n = sum(1 for g in gold_rows if g["type"] == "agreement")
    return {"agreements": n, "agreements_found": found,
            "party_recall": round(parties_hit / parties_total, 3) if parties_total else 0.0}


def evaluate_articles(gold_rows: list[dict], runs: dict, verbose: bool) -> dict:
    titles_found = titles_total = surplus = dates_ok = 0
    for g in gold_rows:
        arts = [a for a in runs[g["doc"]]["articles"] if not a["is_boilerplate"]]
        got = [a["title"] for a in arts]
        titles_total += len(g["articles"])
        titles_found += sum(1 for t in g["articles"] if t in got)
        surplus += sum(1 for t in got if t not in g["articles"])
        meta = runs[g["doc"]]["meta"]
        pub = meta["published_date"].isoformat() if meta["published_date"] else ""
        want = g["published"] or g.get("published_inferred", "")
        dates_ok += bool(want) and pub.startswith(want)
    return {"titles_found": f"{titles_found}/{titles_total}", "surplus_articles": surplus,
            "dates_right": f"{dates_ok}/{len(gold_rows)}"}


# jieba's tags for names: what a user would otherwise take as entities.
_TAG_TYPES = {"nr": ("person",), "ns": ("region",), "nt": ("organization", "company", "park")}


def _tagger(name: str):
    if name == "rjieba":
        import rjieba

        return lambda text: rjieba.tag(text)
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    return lambda text: [(p.word, p.flag) for p in pseg.cut(text)]


def evaluate_pos_baseline(gold_rows: list[dict], runs: dict, name: str) -> dict:
    """Entities as jieba's (or rjieba's) POS tagger sees them: nr, ns, nt words of the article bodies."""
    import time

    tag = _tagger(name)
    predicted: dict[str, set[tuple[str, str]]] = {}
    started = time.perf_counter()
    nbytes = 0
    for doc, r in runs.items():
        words = set()
        for a in r["articles"]:
            if a["is_boilerplate"]:
                continue
            nbytes += len(a["body"].encode())
            words |= {(w, t) for w, t in tag(a["body"]) if t in _TAG_TYPES}
        predicted[doc] = words
    seconds = time.perf_counter() - started
    per_type = defaultdict(lambda: [0, 0])
    gold_names: dict[str, set[str]] = defaultdict(set)
    for g in gold_rows:
        names = {norm(g["name"])} | {norm(a) for a in g.get("aliases", [])}
        gold_names[g["doc"]] |= names
        per_type[g["type"]][1] += 1
        per_type[g["type"]][0] += any(norm(w) in names and g["type"] in _TAG_TYPES[t] for w, t in predicted[g["doc"]])
    n_pred = sum(len(v) for v in predicted.values())
    tp = sum(1 for doc, v in predicted.items() for w, _ in v if norm(w) in gold_names[doc])
    out = {f"recall_{t}": round(a / b, 3) for t, (a, b) in sorted(per_type.items())}
    out["recall_all"] = round(sum(a for a, _ in per_type.values()) / max(1, sum(b for _, b in per_type.values())), 3)
    out["precision"] = round(tp / n_pred, 3) if n_pred else 0.0
    out["predicted_entities"] = n_pred
    out["tagging_mb_per_s"] = round(nbytes / 1e6 / seconds, 3) if seconds else None
    return out


def gazetteer_coverage(runs: dict) -> dict:
    regions = [m for r in runs.values() for m in r["mentions"]
               if m["entity_type"] == "region" and m.get("region_level") != "foreign_country"]
    coded = sum(1 for m in regions if m.get("admin_code"))
    return {"region_mentions": len(regions), "with_admin_code": coded,
            "share": round(coded / len(regions), 3) if regions else 0.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    gold = SHARED / "gold-dev"
    q_gold = read_jsonl(gold / "quantities.jsonl")
    e_gold = read_jsonl(gold / "entities.jsonl")
    r_gold = read_jsonl(gold / "relations.jsonl")
    d_gold = read_jsonl(gold / "documents.jsonl")
    docs = sorted({r["doc"] for r in q_gold + e_gold + d_gold})
    runs = {d: run_core(d) for d in docs}
    result = {
        "articles": evaluate_articles(d_gold, runs, args.verbose),
        "quantities": evaluate_quantities(q_gold, runs, args.verbose),
        "entities": evaluate_entities(e_gold, runs, args.verbose),
        "relations": evaluate_relations(r_gold, runs, args.verbose),
        "gazetteer_coverage": gazetteer_coverage(runs),
        "baseline_jieba_pos": evaluate_pos_baseline(e_gold, runs, "jieba"),
        "baseline_rjieba_pos": evaluate_pos_baseline(e_gold, runs, "rjieba"),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
