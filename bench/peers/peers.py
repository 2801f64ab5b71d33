#!/usr/bin/env python3
"""Python peers of bench/peers/compare.py: datasketch and rensa.

    python peers.py datasketch|rensa CORPUS.jsonl [--threshold 0.8] [--num-perm 128]

Reads the JSONL corpus ({"id", "text"} per line), turns every text into its set of word
5-gram shingles (shingles.py), builds MinHash signatures with 128 permutations, indexes them in
the library's MinHash LSH index, queries every document, keeps the candidates whose
signature-ESTIMATED Jaccard is >= the threshold (as gaoya's MinHashIndex.query and rensa's
deduplicator do internally), and prints one "id_a<TAB>id_b" line per pair. Raw LSH candidate
counts go to stderr. Single-threaded, as both libraries are used from Python here.

datasketch: MinHash.bulk(..., num_perm=128) over UTF-8 shingles, MinHashLSH(threshold=0.8,
    num_perm=128) with the band layout datasketch itself picks (b=9, r=13 for 0.8/128),
    verification with MinHash.jaccard.
rensa: RMinHash.from_token_sets(..., num_perm=128, seed=42), RMinHashLSH(threshold=0.8,
    num_perm=128, num_bands=16) (r=8; rensa has no default band count), query_all, verification
    with RMinHashLSH.is_similar (estimated Jaccard >= threshold).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shingles import shingles  # noqa: E402


def read_batches(path, k, batch=1024):
    """Yield (ids, shingle_sets) batches, so that only one batch of shingle sets is alive."""
    ids, sets = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            sh = set(shingles(d["text"], k))
            if not sh:
                continue  # no word: never part of a pair
            ids.append(str(d["id"]))
            sets.append(sh)
            if len(ids) == batch:
                yield ids, sets
                ids, sets = [], []
    if ids:
        yield ids, sets


def run_datasketch(path, k, threshold, num_perm):
    from datasketch import MinHash, MinHashLSH

    ids, mhs = [], []
    for bids, sets in read_batches(path, k):
        ids += bids
        mhs += MinHash.bulk(([s.encode("utf-8") for s in sh] for sh in sets), num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(mhs):
            session.insert(i, m, check_duplication=False)
    pairs, raw = [], 0
    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            if j > i:
                raw += 1
                if mhs[i].jaccard(mhs[j]) >= threshold:
                    pairs.append((i, j))
    print(f"datasketch: b={lsh.b} r={lsh.r} raw_candidates={raw} verified={len(pairs)}", file=sys.stderr)
    return ids, pairs


def run_rensa(path, k, threshold, num_perm, bands=16):
    from rensa import RMinHash, RMinHashLSH

    ids, mhs = [], []
    for bids, sets in read_batches(path, k):
        ids += bids
        mhs += RMinHash.from_token_sets([list(sh) for sh in sets], num_perm=num_perm, seed=42)
    lsh = RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=bands)
    lsh.insert_many(mhs)
    pairs, raw = [], 0
    for i, cands in enumerate(lsh.query_all(mhs)):
        for j in cands:
            if j > i:
                raw += 1
                if lsh.is_similar(mhs[i], mhs[j]):
                    pairs.append((i, j))
    print(f"rensa: bands={bands} raw_candidates={raw} verified={len(pairs)}", file=sys.stderr)
    return ids, pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["datasketch", "rensa"])
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--shingle", type=int, default=5)
    a = ap.parse_args()
    fn = run_datasketch if a.tool == "datasketch" else run_rensa
    ids, pairs = fn(a.corpus, a.shingle, a.threshold, a.num_perm)
    out = sys.stdout
    for i, j in sorted(pairs):
        out.write(f"{ids[i]}\t{ids[j]}\n")


if __name__ == "__main__":
    main()
