#!/usr/bin/env python3
"""Reuters-21578 near-duplicate recall/precision against an exact all-pairs reference.

1. Writes the non-empty bodies to eval/.work/reuters/reuters.jsonl as {"id": newid, "text": body}.
2. Computes (once, then cached in eval/.work/reuters/) the exact reference: every pair of
   documents whose word-5-shingle sets have Jaccard >= threshold, found with an inverted index
   over shingles (prefix filtering, which is exact) and verified with exact set Jaccard.
3. Runs `dedupe --only near-duplicates --json --threshold T reuters.jsonl` and scores its
   `near_duplicates` pairs: recall = |found & ref| / |ref|, precision = |found & ref| / |found|.

The reference tokenises with a Python approximation of dedupe's tokeniser (see common.py), so
pairs at the margin of the threshold can differ; those are printed with both Jaccard values.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

sys.dont_write_bytecode = True  # keep eval/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def write_jsonl(src: Path, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    tmp = out.with_suffix(".tmp")
    with gzip.open(src, "rt", encoding="utf-8") as f, open(tmp, "w", encoding="utf-8") as o:
        for line in f:
            d = json.loads(line)
            body = d.get("body") or ""
            if not body.strip():
                continue
            o.write(json.dumps({"id": d["newid"], "text": body}, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(out)
    return n


def load_docs(jsonl: Path) -> dict[int, str]:
    docs = {}
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d["text"]
    return docs


def reference_pairs(docs: dict[int, str], t: Fraction, k: int) -> dict[tuple[int, int], float]:
    """Exact all pairs with Jaccard >= t (prefix-filtered inverted index + exact verification)."""
    ids = sorted(docs)
    vocab: dict[str, int] = {}
    sets: dict[int, frozenset[int]] = {}
    df: dict[int, int] = defaultdict(int)
    for i in ids:
        s = frozenset(vocab.setdefault(sh, len(vocab)) for sh in common.shingles(common.words(docs[i]), k))
        sets[i] = s
        for tok in s:
            df[tok] += 1
    num, den = t.numerator, t.denominator
    index: dict[int, list[int]] = defaultdict(list)
    cands: set[tuple[int, int]] = set()
    # Process in increasing size so that each pair is generated when the larger one is probed.
    for i in sorted(ids, key=lambda x: (len(sets[x]), x)):
        s = sets[i]
        n = len(s)
        if n == 0:
            continue
        order = sorted(s, key=lambda tok: (df[tok], tok))
        need = -(-num * n // den)  # ceil(t * n): min overlap with any set no larger than n
        prefix = order[: n - need + 1]
        for tok in prefix:
            for j in index[tok]:
                cands.add((j, i) if j < i else (i, j))
            index[tok].append(i)
    out = {}
    for a, b in cands:
        sa, sb = sets[a], sets[b]
        inter = len(sa & sb)
        union = len(sa) + len(sb) - inter
        if inter * den >= num * union:
            out[(a, b)] = inter / union
    return out


def jaccard(docs, a, b, k):
    sa = common.shingles(common.words(docs[a]), k)
    sb = common.shingles(common.words(docs[b]), k)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def parse_id(name: str) -> int:
    return int(name.rsplit("#", 1)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(common.default_data("reuters21578.jsonl.gz")),
                    help="reuters21578.jsonl.gz, or a directory holding it (default: ../shared/data/)")
    ap.add_argument("--threshold", default="0.8")
    ap.add_argument("--shingle", type=int, default=5)
    ap.add_argument("--no-full", action="store_true",
                    help="skip the second, full-analysis run (used for the tokeniser check)")
    ap.add_argument("--show", type=int, default=50, help="how many missed/extra pairs to print")
    common.add_common_args(ap)
    a = ap.parse_args()

    data = common.data_file(a.data, "reuters21578.jsonl.gz")
    common.skip_if_missing(data, "Reuters-21578 (reuters21578.jsonl.gz)")
    work = Path(a.work) / "reuters"
    jsonl = work / "reuters.jsonl"
    n = write_jsonl(data, jsonl)
    docs = load_docs(jsonl)
    print(f"documents with a non-empty body: {n}")

    t = Fraction(a.threshold)
    digest = hashlib.sha1(jsonl.read_bytes()).hexdigest()[:12]
    ref_path = work / f"reference-t{a.threshold}-k{a.shingle}-tok{common.TOKENISER_VERSION}-{digest}.json"
    if ref_path.exists():
        ref = {tuple(p[:2]): p[2] for p in json.loads(ref_path.read_text())["pairs"]}
        print(f"reference: {len(ref)} pairs with Jaccard >= {a.threshold} (cached {ref_path.name})")
    else:
        import time
        t0 = time.perf_counter()
        ref = reference_pairs(docs, t, a.shingle)
        ref_path.write_text(json.dumps({
            "threshold": a.threshold, "shingle": a.shingle, "input_sha1": digest,
            "tokeniser": "python approximation, see eval/common.py",
            "pairs": sorted([x, y, j] for (x, y), j in ref.items())}))
        print(f"reference: {len(ref)} pairs with Jaccard >= {a.threshold} "
              f"(computed in {time.perf_counter() - t0:.1f}s, frozen to {ref_path.name})")

    binary = common.ensure_binary(a.dedupe, a.build)
    base = ["--json", "--threshold", a.threshold, "--shingle", str(a.shingle), str(jsonl)]
    out = common.run_dedupe(binary, ["--only", "near-duplicates"] + base, work / "dedupe-out.json", a.extra)
    evaluate("reuters", out, ref, docs, a)
    if not a.no_full:
        print("\n-- the same, full analysis (no --only): near_duplicates and tokeniser check --")
        out = common.run_dedupe(binary, base, work / "dedupe-full.json", a.extra)
        evaluate("reuters-full", out, ref, docs, a)


def evaluate(tag, out, ref, docs, a) -> None:
    found: dict[tuple[int, int], dict] = {}
    for p in out.get("near_duplicates", []):
        x, y = parse_id(p["a"]), parse_id(p["b"])
        found[(min(x, y), max(x, y))] = p
    # tokeniser agreement: dedupe's per-document word counts vs the Python approximation
    diff = []
    for d in out.get("documents", []):
        if "words" in d and "#" in d.get("path", ""):
            i = parse_id(d["path"])
            if i in docs:
                mine = len(common.words(docs[i]))
                if mine != d["words"]:
                    diff.append((i, d["words"], mine))
    if out.get("documents"):
        print(f"tokeniser check: {len(diff)} of {len(out['documents'])} documents have a different "
              f"word count in dedupe than in the Python reference tokeniser"
              + (f", e.g. (id, dedupe, python): {diff[:5]}" if diff else ""))
    tp = set(found) & set(ref)
    missed = sorted(set(ref) - set(found), key=lambda p: -ref[p])
    extra = sorted(set(found) - set(ref))
    recall = len(tp) / len(ref) if ref else 1.0
    precision = len(tp) / len(found) if found else 1.0
    print(f"dedupe pairs: {len(found)}   reference pairs: {len(ref)}   true positives: {len(tp)}")
    print(f"RESULT {tag} threshold={a.threshold} recall={recall:.4f} precision={precision:.4f} "
          f"missed={len(missed)} extra={len(extra)} seconds={out['_seconds']:.1f}")
    print(f"target: recall >= 0.99 at precision 1.0 -> "
          f"{'MET' if recall >= 0.99 and precision >= 1.0 else 'NOT MET'}")
    if missed:
        print(f"missed pairs (reference Jaccard, python tokeniser), up to {a.show}:")
        hist = defaultdict(int)
        for p in missed:
            hist[round(ref[p], 2)] += 1
        print("  histogram of missed Jaccard:", dict(sorted(hist.items())))
        for p in missed[: a.show]:
            print(f"  {p[0]:>6} {p[1]:>6}  jaccard={ref[p]:.4f}  words={len(common.words(docs[p[0]]))}/"
                  f"{len(common.words(docs[p[1]]))}")
    if extra:
        print(f"pairs dedupe reports that the reference does not (jaccard by dedupe / python), "
              f"up to {a.show}:")
        for p in extra[: a.show]:
            d = found[p]
            print(f"  {p[0]:>6} {p[1]:>6}  dedupe jaccard={d.get('jaccard')} estimate={d.get('estimate')}"
                  f"  python jaccard={jaccard(docs, p[0], p[1], a.shingle):.4f}")

if __name__ == "__main__":
    main()
