#!/usr/bin/env python3
"""PAN 2013 text alignment (training corpus) scored with PAN's own evaluation script.

1. Extracts pan13-train.tar.gz under eval/.work/pan13/ (once).
2. Runs dedupe ONCE over all suspicious + source documents (`dedupe --json SRC_DIR SUSP_DIR`),
   or in batches of pairs with --batch N. A run over all files also reports overlaps between
   unrelated documents; only overlaps between a listed (suspicious, source) pair are kept.
3. Converts each kept overlap (byte ranges into the files as read) to PAN character offsets
   (decode as UTF-8, byte offset -> Unicode character offset) and writes one XML per pair in
   PAN's format into eval/.work/pan13/detections/<class>/<susp>-<src>.xml.
4. Scores each class directory and the whole corpus with
   `python pan12-plagiarism-detection-evaluation.py3.py -p <truth> -d <detections>` (PAN's
   scorer, run in a venv with numpy that this script creates under eval/.work/venv), and prints
   macro-averaged recall, precision, granularity and plagdet (PAN's standard), plus micro ones.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import quoteattr

sys.dont_write_bytecode = True  # keep eval/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

CLASSES = ["01-no-plagiarism", "02-no-obfuscation", "03-random-obfuscation",
           "04-translation-obfuscation", "05-summary-obfuscation"]
TARGETS = {"02-no-obfuscation": 0.95, "03-random-obfuscation": 0.80, "overall": 0.80}


def extract(tarball: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    existing = [p for p in dest.iterdir() if p.is_dir() and (p / "pairs").exists()]
    if existing:
        return existing[0]
    print(f"extracting {tarball} -> {dest}", flush=True)
    with tarfile.open(tarball) as tf:
        try:
            tf.extractall(dest, filter="data")
        except TypeError:  # Python without extraction filters
            tf.extractall(dest)
    existing = [p for p in dest.iterdir() if p.is_dir() and (p / "pairs").exists()]
    if not existing:
        sys.exit("error: no corpus directory with a `pairs` file after extraction")
    return existing[0]


def ensure_venv(work: Path) -> Path:
    venv = work / "venv"
    py = venv / "bin" / "python"
    ok = py.exists() and subprocess.run([str(py), "-c", "import numpy"],
                                        capture_output=True).returncode == 0
    if not ok:
        print(f"creating venv with numpy for PAN's scorer: {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "numpy"], check=True)
    return py


class CharMap:
    """Byte offset -> character offset for one UTF-8 file."""

    def __init__(self, data: bytes):
        self.ascii = data.isascii()
        if not self.ascii:
            # prefix count of UTF-8 lead bytes (non-continuation bytes)
            acc, pref = 0, [0] * (len(data) + 1)
            for i, b in enumerate(data):
                pref[i] = acc
                if b & 0xC0 != 0x80:
                    acc += 1
            pref[len(data)] = acc
            self.pref = pref
        self.n = len(data)

    def __call__(self, b: int) -> int:
        b = max(0, min(b, self.n))
        return b if self.ascii else self.pref[b]


def read_pairs(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for c in CLASSES:
        lines = (corpus / c / "pairs").read_text().split("\n")
        out[c] = [tuple(l.split()) for l in lines if l.strip()]
    return out


def write_xml(path: Path, susp: str, dets: list[tuple[int, int, str, int, int]]) -> None:
    lines = [f"<document reference={quoteattr(susp)}>"]
    for toff, tlen, src, soff, slen in dets:
        lines.append(f'<feature name="detected-plagiarism" this_offset="{toff}" this_length="{tlen}" '
                     f'source_reference={quoteattr(src)} source_offset="{soff}" source_length="{slen}"/>')
    lines.append("</document>")
    path.write_text("\n".join(lines) + "\n")


def merge(dets, gap):
    """Diagnostic only: merge detections of one pair whose ranges are within `gap` chars on both
    sides (what a post-processing step that joins fragments would do)."""
    dets = sorted(dets, key=lambda d: (d[0], d[3]))
    out = []
    for d in dets:
        if out:
            p = out[-1]
            if (d[0] <= p[0] + p[1] + gap and d[3] <= p[3] + p[4] + gap
                    and p[3] <= d[3] + d[4] + gap):
                t0, t1 = min(p[0], d[0]), max(p[0] + p[1], d[0] + d[1])
                s0, s1 = min(p[3], d[3]), max(p[3] + p[4], d[3] + d[4])
                out[-1] = (t0, t1 - t0, p[2], s0, s1 - s0)
                continue
        out.append(d)
    return out


def undominated(dets):
    """Diagnostic only: drop a detection when a longer detection of the same pair covers at
    least half of it on the suspicious side or on the source side (a second alignment of the
    same text to repeated text elsewhere)."""
    out = []
    for d in dets:
        dom = False
        for e in dets:
            if e is d or (e[1] + e[4], e) <= (d[1] + d[4], d):
                continue
            if _ov(d[0], d[1], e[0], e[1]) * 2 >= d[1] or _ov(d[3], d[4], e[3], e[4]) * 2 >= d[4]:
                dom = True
                break
        if not dom:
            out.append(d)
    return out


def score(py: Path, scorer: Path, truth: Path, dets: Path, out: Path) -> dict[str, float]:
    r = subprocess.run([str(py), str(scorer), "-p", str(truth), "-d", str(dets), "--output", str(out)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:], r.stderr[-2000:])
        sys.exit(f"error: PAN scorer failed on {truth}")
    vals = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\w+) : (\S+)$", line.strip())
        if m:
            vals[m.group(1)] = float(m.group(2))
    return vals


def truth_as_overlaps(corpus: Path, pairs) -> list[dict]:
    """Self-test input: the truth cases in dedupe's overlap schema (byte ranges), with the
    orientation of a/b following dedupe's rule (a.path < b.path)."""
    import xml.dom.minidom
    out = []
    for c, ps in pairs.items():
        for s, r in ps:
            doc = xml.dom.minidom.parse(str(corpus / c / f"{s[:-4]}-{r[:-4]}.xml")).documentElement
            st = (corpus / "susp" / s).read_text(encoding="utf-8")
            rt = (corpus / "src" / r).read_text(encoding="utf-8")
            for f in doc.getElementsByTagName("feature"):
                if not f.getAttribute("name").endswith("plagiarism"):
                    continue
                to, tl = int(f.getAttribute("this_offset")), int(f.getAttribute("this_length"))
                so, sl = int(f.getAttribute("source_offset")), int(f.getAttribute("source_length"))
                bt = len(st[:to].encode()), len(st[:to + tl].encode())
                bs = len(rt[:so].encode()), len(rt[:so + sl].encode())
                a = {"path": str(corpus / "susp" / s), "bytes": list(bt)}
                b = {"path": str(corpus / "src" / r), "bytes": list(bs)}
                out.append({"a": a, "b": b} if a["path"] < b["path"] else {"a": b, "b": a})
    return out


def read_truth(corpus: Path, pairs) -> dict[tuple[str, str], list[tuple[int, int, int, int]]]:
    import xml.dom.minidom
    out = {}
    for c, ps in pairs.items():
        for s, r in ps:
            doc = xml.dom.minidom.parse(str(corpus / c / f"{s[:-4]}-{r[:-4]}.xml")).documentElement
            cases = []
            for f in doc.getElementsByTagName("feature"):
                if f.getAttribute("name").endswith("plagiarism") and f.hasAttribute("this_offset"):
                    cases.append((int(f.getAttribute("this_offset")), int(f.getAttribute("this_length")),
                                  int(f.getAttribute("source_offset")), int(f.getAttribute("source_length"))))
            out[(s, r)] = cases
    return out


def _ov(a0, al, b0, bl):
    return max(0, min(a0 + al, b0 + bl) - max(a0, b0))


def diagnose(corpus: Path, pairs, dets) -> None:
    """Where the points go, per class: missed cases, partial recall, false and fragmented
    detections (computed here, per pair, in the spirit of PAN's measures)."""
    truth = read_truth(corpus, pairs)
    print("\n== diagnostics (per case / per detection; chars on both sides) ==")
    print(f"{'class':<28}{'cases':>6}{'missed':>7}{'rec|det':>8}{'dets':>6}{'false':>6}"
          f"{'false chars%':>13}{'prec<.5':>8}{'frag>1':>7}{'case len':>9}{'det len':>8}")
    for c, ps in pairs.items():
        ncase = missed = frag = nd = false = lowp = 0
        rec_sum = 0.0
        det_chars = false_chars = 0
        clen, dlen = [], []
        for p in ps:
            cases, ds = truth[p], dets.get(p, [])
            for (to, tl, so, sl) in cases:
                ncase += 1
                clen.append(tl)
                hit = [d for d in ds if _ov(to, tl, d[0], d[1]) and _ov(so, sl, d[3], d[4])]
                if not hit:
                    missed += 1
                    continue
                frag += len(hit) > 1
                # recall of this case: union of overlapped chars on both sides
                tcov, scov = set(), set()
                for d in hit:
                    tcov.update(range(max(to, d[0]), min(to + tl, d[0] + d[1])))
                    scov.update(range(max(so, d[3]), min(so + sl, d[3] + d[4])))
                rec_sum += (len(tcov) + len(scov)) / (tl + sl)
            for d in ds:
                nd += 1
                dlen.append(d[1])
                det_chars += d[1] + d[4]
                inside = max((_ov(to, tl, d[0], d[1]) + _ov(so, sl, d[3], d[4])
                              for (to, tl, so, sl) in cases), default=0)
                if inside == 0:
                    false += 1
                    false_chars += d[1] + d[4]
                elif inside / (d[1] + d[4]) < 0.5:
                    lowp += 1
        det_cases = ncase - missed
        med = lambda xs: sorted(xs)[len(xs) // 2] if xs else 0
        print(f"{c:<28}{ncase:>6}{missed:>7}{(rec_sum / det_cases if det_cases else 0):>8.3f}{nd:>6}"
              f"{false:>6}{(false_chars / det_chars if det_chars else 0):>13.1%}{lowp:>8}{frag:>7}"
              f"{med(clen):>9}{med(dlen):>8}")
    print("  missed = cases without any detection; rec|det = mean recall of the detected cases;\n"
          "  false = detections touching no case of their pair; prec<.5 = detections mostly outside\n"
          "  their case; frag>1 = cases hit by more than one detection; lengths = median chars\n"
          "  (suspicious side).")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(common.default_data("pan13-train.tar.gz")),
                    help="pan13-train.tar.gz, a directory holding it (default: ../shared/data/), "
                         "or an already extracted corpus directory")
    ap.add_argument("--scorer", default=None,
                    help="PAN scorer (default: pan13-tools/pan12-plagiarism-detection-evaluation.py3.py "
                         "next to the data)")
    ap.add_argument("--batch", type=int, default=0,
                    help="run dedupe per batch of N pairs instead of once over all files")
    ap.add_argument("--merge-gap", type=int, default=None,
                    help="diagnostic: also score after merging a pair's detections within this many chars")
    ap.add_argument("--what-if", action="store_true",
                    help="diagnostic: also score simple post-processing of dedupe's detections "
                         "(drop dominated / short detections, merge fragments)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the pipeline without dedupe: feed the truth cases, converted to "
                         "byte ranges, as if dedupe had reported them (must score 1.0)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the previous dedupe output in eval/.work/pan13/ instead of re-running")
    common.add_common_args(ap)
    a = ap.parse_args()

    data = common.data_file(a.data, "pan13-train.tar.gz", corpus_dir_ok=True)
    common.skip_if_missing(data, "PAN13 training corpus (pan13-train.tar.gz)")
    scorer = Path(a.scorer) if a.scorer else data.parent / "pan13-tools" / \
        "pan12-plagiarism-detection-evaluation.py3.py"
    common.skip_if_missing(scorer, "PAN's scorer")
    work = Path(a.work) / "pan13"
    corpus = data if data.is_dir() else extract(data, work)
    py = ensure_venv(common.WORK)
    pairs = read_pairs(corpus)
    all_pairs = {p: c for c, ps in pairs.items() for p in ps}
    print(f"corpus: {corpus}  pairs: " + ", ".join(f"{c[:2]}={len(ps)}" for c, ps in pairs.items()))

    overlaps = []
    secs = 0.0
    if a.self_test:
        overlaps = truth_as_overlaps(corpus, pairs)
    elif a.batch <= 0:
        out_path = work / "dedupe-out.json"
        if a.reuse and out_path.exists():
            import json
            res = json.loads(out_path.read_text())
            print(f"reusing {out_path}")
        else:
            binary = common.ensure_binary(a.dedupe, a.build)
            res = common.run_dedupe(binary, ["--json", str(corpus / "src"), str(corpus / "susp")],
                                    out_path, a.extra)
            secs += res["_seconds"]
        overlaps = res.get("overlaps", [])
        seen = {os.path.basename(d["path"]) for d in res.get("documents", [])}
        if seen:
            names = {n for p in all_pairs for n in p}
            lost = sorted(names - seen)
            if lost:
                by_cls = defaultdict(int)
                for p, c in all_pairs.items():
                    if p[0] in lost or p[1] in lost:
                        by_cls[c[:2]] += 1
                print(f"note: dedupe skipped {len(lost)} corpus files (see its warnings, e.g. "
                      f"{(res.get('warnings') or ['?'])[0]!r}); pairs affected per class: "
                      f"{dict(sorted(by_cls.items()))}")
    else:
        plist = sorted(all_pairs)
        binary = common.ensure_binary(a.dedupe, a.build)
        for bi in range(0, len(plist), a.batch):
            files = sorted({str(corpus / "susp" / s) for s, _ in plist[bi:bi + a.batch]} |
                           {str(corpus / "src" / r) for _, r in plist[bi:bi + a.batch]})
            res = common.run_dedupe(binary, ["--json"] + files, work / "dedupe-batch.json", a.extra)
            secs += res["_seconds"]
            overlaps.extend(res.get("overlaps", []))
    print(f"dedupe time: {secs:.1f}s; overlaps reported: {len(overlaps)}")

    # keep only overlaps between listed pairs, orient them (suspicious, source)
    charmaps: dict[str, CharMap] = {}

    def cmap(kind: str, name: str) -> CharMap:
        key = kind + "/" + name
        if key not in charmaps:
            charmaps[key] = CharMap((corpus / kind / name).read_bytes())
        return charmaps[key]

    dets: dict[tuple[str, str], list] = defaultdict(list)
    unrelated = 0
    for o in overlaps:
        pa, pb = o["a"], o["b"]
        na, nb = os.path.basename(pa["path"]), os.path.basename(pb["path"])
        if na.startswith("source") and nb.startswith("suspicious"):
            pa, pb, na, nb = pb, pa, nb, na
        if (na, nb) not in all_pairs:
            unrelated += 1
            continue
        ms, mr = cmap("susp", na), cmap("src", nb)
        t0, t1 = ms(pa["bytes"][0]), ms(pa["bytes"][1])
        s0, s1 = mr(pb["bytes"][0]), mr(pb["bytes"][1])
        dets[(na, nb)].append((t0, t1 - t0, nb, s0, s1 - s0))
    print(f"overlaps between listed pairs: {sum(len(v) for v in dets.values())}; "
          f"between other documents (ignored): {unrelated}")

    variants = [("dedupe", "detections", None)]
    if a.merge_gap is not None:
        variants.append((f"merged <= {a.merge_gap} chars (diagnostic)", f"detections-merged{a.merge_gap}",
                         lambda d: merge(d, a.merge_gap)))
    if a.what_if:
        variants += [
            ("what-if: drop detections dominated by a longer one of the same pair (diagnostic)",
             "whatif-undominated", undominated),
            ("what-if: drop detections shorter than 150 chars (diagnostic)", "whatif-min150",
             lambda d: [x for x in d if x[1] >= 150 and x[4] >= 150]),
            ("what-if: both, then merge <= 300 chars (diagnostic)", "whatif-all",
             lambda d: merge([x for x in undominated(d) if x[1] >= 150 and x[4] >= 150], 300)),
        ]
    for label, dirname, post in variants:
        gap = post  # None for the real detections
        det_root = work / dirname
        common.rm_tree(det_root)
        pdets = {p: (post(v) if post else v) for p, v in dets.items()}
        for c, ps in pairs.items():
            (det_root / c).mkdir(parents=True)
            for s, r in ps:
                write_xml(det_root / c / f"{s[:-4]}-{r[:-4]}.xml", s, pdets.get((s, r), []))
        print(f"\n== {label}: PAN scores (macro-averaged = PAN standard; micro in brackets) ==")
        print(f"{'class':<28}{'pairs':>6}{'dets':>7}{'recall':>9}{'precision':>11}{'granul.':>9}"
              f"{'plagdet':>9}   {'micro r/p/plagdet':>24}")
        for c in CLASSES + ["overall"]:
            truth = corpus if c == "overall" else corpus / c
            dd = det_root if c == "overall" else det_root / c
            v = score(py, scorer, truth, dd, work / f"score-{c}.prototext")
            ps = list(all_pairs) if c == "overall" else pairs[c]
            nd = sum(len(pdets.get(p, [])) for p in ps)
            tgt = TARGETS.get(c)
            flag = "" if tgt is None else f"  (target {tgt}: {'MET' if v['macro_plagdet'] >= tgt else 'NOT MET'})"
            print(f"{c:<28}{len(ps):>6}{nd:>7}{v['macro_recall']:>9.4f}{v['macro_precision']:>11.4f}"
                  f"{v['granularity']:>9.4f}{v['macro_plagdet']:>9.4f}   "
                  f"{v['micro_recall']:.3f}/{v['micro_precision']:.3f}/{v['micro_plagdet']:.3f}{flag}")
            if gap is None:
                print(f"{'SELF-TEST ' if a.self_test else ''}RESULT pan13 {c} recall={v['macro_recall']:.4f} precision={v['macro_precision']:.4f} "
                      f"granularity={v['granularity']:.4f} plagdet={v['macro_plagdet']:.4f}")
        if gap is None:
            neg = [p for p in pairs["01-no-plagiarism"] if dets.get(p)]
            print(f"note: class 01 has no cases, so PAN's scorer gives it 1.0 only when there is no "
                  f"detection at all; {len(neg)} of {len(pairs['01-no-plagiarism'])} negative pairs "
                  f"have detections.")
    diagnose(corpus, pairs, dets)
    print(f"\ndetections written under {work}/detections/<class>/; dedupe time {secs:.1f}s")


if __name__ == "__main__":
    main()
