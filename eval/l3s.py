#!/usr/bin/env python3
"""L3S-GN1 boilerplate removal: word-weighted content precision/recall/F1 of what dedupe keeps.

1. Writes each of the 621 pages to eval/.work/l3s/pages/<id>.txt, one text block per line with
   a BLANK line between blocks, so that every block is one paragraph for dedupe.
2. Runs dedupe once over that directory (`dedupe --json eval/.work/l3s/pages`): the whole set is
   one corpus, so boilerplate repeated across pages of the same site can be found.
3. Maps the byte ranges of dedupe's `boilerplate` findings back to blocks: a block is REMOVED when
   at least --cover (default 0.5) of its words lie in boilerplate ranges; every other block is kept.
4. Scores, weighting every block by its number of words (tokeniser: see common.py):
   - content = labels {1 headline, 2 full text}; all other labels (0, 3, 4, 5) are non-content.
     precision = kept content words / kept words, recall = kept content words / content words.
     The keep-everything baseline is printed next to it (F1 ~0.667).
   - boilerplate class = labels {0 not content, 4 related content}; labels 3 (supplemental) and
     5 (comments) are judgment calls and are left out of the boilerplate precision/recall
     denominators: precision = removed {0,4} words / removed {0,1,2,4} words,
     recall = removed {0,4} words / all {0,4} words.
5. Per-reason breakdown: words covered by each boilerplate `reason`, and which fraction of them
   is truly content (labels 1,2), plus the words of removed blocks attributed to the reason that
   covers most of the block.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.dont_write_bytecode = True  # keep eval/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

CONTENT = {1, 2}
BOILER = {0, 4}
JUDGMENT = {3, 5}
SIZE_BUCKETS = (3, 10, 30, 100, 1_000_000_000)


def cls(label: int) -> str:
    return "content" if label in CONTENT else ("boiler" if label in BOILER else "other")


def write_pages(src: Path, pages: Path):
    """Write one file per page; return per page: list of (label, [word byte spans]) per block."""
    common.rm_tree(pages)
    pages.mkdir(parents=True)
    meta = {}
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            name = f"{d['id']}.txt"
            blocks, parts, pos = [], [], 0
            for i, (text, label) in enumerate(zip(d["lines"], d["labels"])):
                text = " ".join(text.splitlines())  # a block never spans lines
                if i:
                    parts.append("\n\n")
                    pos += 2
                spans = [(pos + len(text[:s].encode()), pos + len(text[:e].encode()))
                         for s, e in common.word_spans(text)]
                blocks.append((int(label), spans, text))
                b = text.encode()
                parts.append(text)
                pos += len(b)
            parts.append("\n")
            (pages / name).write_text("".join(parts), encoding="utf-8")
            meta[name] = blocks
    return meta


class Cover:
    """Sorted, merged byte intervals for one file; query covered words."""

    def __init__(self, ivs):
        ivs = sorted(ivs)
        merged = []
        for s, e in ivs:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ivs = merged

    def covers(self, ws: int, we: int) -> bool:
        i = bisect.bisect_right(self.starts, we - 1) - 1
        return i >= 0 and self.ivs[i][1] > ws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(common.default_data("l3s-gn1-lines.jsonl.gz")),
                    help="l3s-gn1-lines.jsonl.gz, or a directory holding it (default: ../shared/data/)")
    ap.add_argument("--cover", type=float, default=0.5,
                    help="a block is removed when at least this fraction of its words is covered")
    ap.add_argument("--examples", type=int, default=5,
                    help="per reason, how many content-removing findings to print")
    ap.add_argument("--reuse", action="store_true", help="reuse the previous dedupe output")
    ap.add_argument("--what-if", action="store_true",
                    help="diagnostic: also score dedupe's removals combined with simple rules")
    common.add_common_args(ap)
    a = ap.parse_args()

    data = common.data_file(a.data, "l3s-gn1-lines.jsonl.gz")
    common.skip_if_missing(data, "L3S-GN1 (l3s-gn1-lines.jsonl.gz)")
    work = Path(a.work) / "l3s"
    pages = work / "pages"
    meta = write_pages(data, pages)
    nblocks = sum(len(b) for b in meta.values())
    print(f"pages: {len(meta)}  blocks: {nblocks}")

    out_path = work / "dedupe-out.json"
    if a.reuse and out_path.exists():
        res = json.loads(out_path.read_text())
        print(f"reusing {out_path}")
    else:
        binary = common.ensure_binary(a.dedupe, a.build)
        res = common.run_dedupe(binary, ["--json", str(pages)], out_path, a.extra)
    findings = res.get("boilerplate", [])
    print(f"boilerplate findings: {len(findings)}")

    by_file = defaultdict(list)
    for fd in findings:
        name = os.path.basename(fd["path"])
        if name not in meta:
            print(f"warning: finding for unknown file {fd['path']}")
            continue
        by_file[name].append(fd)

    # totals by label class
    tot = defaultdict(int)          # words per class
    kept = defaultdict(int)         # kept words per class
    removed = defaultdict(int)      # removed words per class
    wl_removed = defaultdict(int)   # word-level (no block snapping) removed words per class
    reason_cov = defaultdict(lambda: defaultdict(int))   # reason -> class -> covered words
    reason_rm = defaultdict(lambda: defaultdict(int))    # reason -> class -> removed-block words
    reason_n = defaultdict(int)
    examples = defaultdict(list)    # reason -> [(content words, text)]
    label_tot = defaultdict(int)
    label_rm = defaultdict(int)
    missed_size = defaultdict(int)  # kept non-content words by block size bucket
    missed_pos = defaultdict(int)   # kept non-content words by position relative to the content
    missed_ex = []
    page_blocks = []                # per page: [(class, words, removed by dedupe)]
    for name, blocks in meta.items():
        pb = []
        page_blocks.append((pb, blocks))
        cidx = [i for i, b in enumerate(blocks) if b[0] in CONTENT]
        first_c, last_c = (cidx[0], cidx[-1]) if cidx else (len(blocks), -1)
        fds = by_file.get(name, [])
        allcov = Cover([tuple(fd["at"]["bytes"]) for fd in fds])
        rcov = {}
        for fd in fds:
            reason_n[fd["reason"]] += 1
            rcov.setdefault(fd["reason"], []).append(tuple(fd["at"]["bytes"]))
        rcov = {r: Cover(v) for r, v in rcov.items()}
        for bi, (label, spans, text) in enumerate(blocks):
            c = cls(label)
            n = len(spans)
            tot[c] += n
            label_tot[label] += n
            covered = sum(1 for s, e in spans if allcov.covers(s, e))
            wl_removed[c] += covered
            per_reason = {r: sum(1 for s, e in spans if cv.covers(s, e)) for r, cv in rcov.items()}
            for r, k in per_reason.items():
                reason_cov[r][c] += k
            pb.append((c, n, bool(n and covered >= a.cover * n)))
            if n and covered >= a.cover * n:
                removed[c] += n
                label_rm[label] += n
                best = max(per_reason, key=lambda r: per_reason[r])
                reason_rm[best][c] += n
                if c == "content":
                    examples[best].append((n, name, text))
            else:
                kept[c] += n
                if c != "content" and n:
                    missed_size[next(k for k in SIZE_BUCKETS if n <= k)] += n
                    pos = "before" if bi < first_c else ("after" if bi > last_c else "inside")
                    missed_pos[(pos, c)] += n
                    missed_ex.append((n, label, name, text))

    all_words = sum(tot.values())
    kept_words = sum(kept.values())
    p, r, f = common.prf(kept["content"], kept_words - kept["content"], tot["content"] - kept["content"])
    bp = all_words and tot["content"] / all_words
    bf = 2 * bp / (1 + bp) if bp else 0.0
    wl_kept_content = tot["content"] - wl_removed["content"]
    wl_kept = all_words - sum(wl_removed.values())
    wp, wr, wf = common.prf(wl_kept_content, wl_kept - wl_kept_content, tot["content"] - wl_kept_content)
    rm_judged = removed["boiler"] + removed["content"]
    b_p = removed["boiler"] / rm_judged if rm_judged else 0.0
    b_r = removed["boiler"] / tot["boiler"] if tot["boiler"] else 0.0

    print(f"\nwords: content(1,2)={tot['content']}  boilerplate(0,4)={tot['boiler']}  "
          f"other(3,5)={tot['other']}  total={all_words}")
    print(f"removed words: content={removed['content']}  boilerplate={removed['boiler']}  "
          f"other={removed['other']}")
    print(f"\n{'':34}{'precision':>10}{'recall':>10}{'F1':>10}")
    print(f"{'keep everything (baseline)':34}{bp:>10.4f}{1.0:>10.4f}{bf:>10.4f}")
    print(f"{'dedupe, content kept (blocks)':34}{p:>10.4f}{r:>10.4f}{f:>10.4f}")
    print(f"{'dedupe, content kept (word level)':34}{wp:>10.4f}{wr:>10.4f}{wf:>10.4f}")
    bf1 = 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0
    print(f"{'dedupe, boilerplate removed':34}{b_p:>10.4f}{b_r:>10.4f}{bf1:>10.4f}")
    print(f"RESULT l3s content precision={p:.4f} recall={r:.4f} F1={f:.4f} baseline_F1={bf:.4f} "
          f"boilerplate precision={b_p:.4f} recall={b_r:.4f}")
    print(f"target: content F1 >= 0.85 -> {'MET' if f >= 0.85 else 'NOT MET'}")

    print("\nremoved words by label:")
    for lab in sorted(label_tot):
        print(f"  label {lab}: {label_rm[lab]:>7} of {label_tot[lab]:>7} "
              f"({label_rm[lab] / label_tot[lab] if label_tot[lab] else 0:.1%})")

    print("\nper reason (findings; words covered by the reason's ranges; words of removed blocks "
          "attributed to it):")
    print(f"  {'reason':<24}{'findings':>9}{'covered':>9}{'content':>9}{'content%':>9}"
          f"{'boiler':>8}{'other':>7}{'| removed':>10}{'content':>9}{'content%':>9}")
    for rsn in sorted(reason_cov, key=lambda x: -sum(reason_cov[x].values())):
        cv, rm = reason_cov[rsn], reason_rm[rsn]
        ct, rt = sum(cv.values()), sum(rm.values())
        print(f"  {rsn:<24}{reason_n[rsn]:>9}{ct:>9}{cv['content']:>9}"
              f"{(cv['content'] / ct if ct else 0):>9.1%}{cv['boiler']:>8}{cv['other']:>7}"
              f"{rt:>10}{rm['content']:>9}{(rm['content'] / rt if rt else 0):>9.1%}")
    nk = sum(missed_size.values())
    print(f"\nnon-content words dedupe keeps: {nk} (labels 0,4: {kept['boiler']}; 3,5: {kept['other']})")
    print("  by block size (words per block): " + ", ".join(
        f"<={k}: {missed_size[k]} ({missed_size[k] / nk if nk else 0:.0%})" for k in SIZE_BUCKETS
        if missed_size[k]).replace("<=1000000000", ">100"))
    print("  by position of the block relative to the page's content blocks (labels 1,2):")
    for pos in ("before", "inside", "after"):
        print(f"    {pos:<7} first..last content block: boilerplate(0,4) {missed_pos[(pos, 'boiler')]:>7}"
              f"   other(3,5) {missed_pos[(pos, 'other')]:>7}")
    if a.what_if:
        print("\nwhat-if (diagnostic, NOT dedupe's score): dedupe's removals plus a simple rule")
        cidx_of = lambda blocks: [i for i, b in enumerate(blocks) if b[0] in CONTENT]

        def score_rule(rule):
            kc = kw = 0
            for pb, blocks in page_blocks:
                ci = cidx_of(blocks)
                last = ci[-1] if ci else -1
                for i, (c, n, rm) in enumerate(pb):
                    if rm or rule(i, c, n, last):
                        continue
                    kw += n
                    kc += n if c == "content" else 0
            return common.prf(kc, kw - kc, tot["content"] - kc)
        rules = [
            ("also drop kept blocks of <= 5 words", lambda i, c, n, last: n <= 5),
            ("also drop kept blocks of <= 10 words", lambda i, c, n, last: n <= 10),
            ("ORACLE: also drop all blocks after the last content block",
             lambda i, c, n, last: i > last),
        ]
        for label, rule in rules:
            wp, wr, wf = score_rule(rule)
            print(f"  {label:<58} P={wp:.4f} R={wr:.4f} F1={wf:.4f}")
    if a.examples:
        missed_ex.sort(key=lambda x: -x[0])
        print(f"  largest kept non-content blocks:")
        for n, label, name, text in missed_ex[: a.examples]:
            print(f"    [{n} words, label {label}] {name}: {text[:150]!r}")
    if a.examples:
        for rsn, ex in examples.items():
            ex.sort(key=lambda x: -x[0])
            print(f"\n  largest content blocks removed by '{rsn}':")
            for n, name, text in ex[: a.examples]:
                print(f"    [{n} words] {name}: {text[:150]!r}")


if __name__ == "__main__":
    main()
