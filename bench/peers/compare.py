#!/usr/bin/env python3
"""Peer comparison for dedupe: speed, memory and accuracy against datasketch, rensa and gaoya.

Normally started by bench/peers/run.sh (which sets up the peers first); see bench/peers/README.md.

    python compare.py [--docs N] [--runs K] [--only TOOL,...] [--exact auto|always|never]
                      [--python-peers auto|always|never] [--seed S] [--timeout SEC]
                      [--source reuters|builtin|pan13|DIR] [--data DIR]

Steps: (1) generate a seeded JSONL corpus of N documents into bench/peers/.work/ (cached);
(2) compute the exact set of pairs with word-5-shingle Jaccard >= 0.8 (prefix-filtered inverted
index + exact verification; cached next to the corpus); (3) check that the Python tokeniser
agrees with Rust's UAX#29 one; (4) run every tool K times, round-robin, each run a fresh process
under /usr/bin/time -v; (5) print a markdown table of medians and write it to .work/.
Exits non-zero when a tool failed (or timed out) in this sitting.
"""
import argparse
import glob
import gzip
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORK = os.path.join(HERE, ".work")
DATA = os.path.join(ROOT, "..", "shared", "data")  # --data overrides (see set_data)
REUTERS = os.path.join(DATA, "reuters21578.jsonl.gz")
PAN13 = os.path.join(DATA, "pan13-train.tar.gz")
GAOYA_BIN = os.path.join(WORK, "gaoya-target", "release", "gaoya-peer")
DEDUPE_BIN = os.path.join(ROOT, "target", "release", "dedupe")
VENV_PY = os.path.join(WORK, "venv", "bin", "python")

sys.path.insert(0, HERE)
from shingles import shingles  # noqa: E402

THRESHOLD = 0.8
NUM_PERM = 128
K = 5
CORPUS_VERSION = 1  # bump when the generator changes, so cached corpora are rebuilt
CPU_ROUGH = 0.2  # CPU seconds under which time -v's 10 ms steps make per-CPU-second figures rough


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------
# 1. Corpus
# ----------------------------------------------------------------------------------------------

# Fallback generator (no Reuters file): a seeded first-order Markov chain over a small built-in
# English vocabulary plus Zipf-distributed pseudo-words, so that texts have realistic word
# frequencies and few accidental shared 5-grams.
_BUILTIN = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if so "
    "no will more said its who new than other some into them only could year market company "
    "prices shares bank trade government oil rate week month sales profit net loss billion "
    "million pct share stock dollar exchange official report analysts expected rose fell "
    "increase decline quarter results earnings tax growth production exports imports "
    "agreement talks minister president industry economic policy interest rates demand supply"
).split()


def _pseudo_words(rng, n):
    cons, vows = "bcdfghjklmnprstvwz", "aeiou"
    out = set()
    while len(out) < n:
        syl = rng.randint(1, 4)
        out.add("".join(rng.choice(cons) + rng.choice(vows) for _ in range(syl)))
    return sorted(out)


class BuiltinText:
    def __init__(self, rng):
        self.vocab = _BUILTIN + _pseudo_words(rng, 20000)
        # Zipf-like weights; the built-in function words first, so they are the most frequent.
        self.cum = []
        acc = 0.0
        for i in range(len(self.vocab)):
            acc += 1.0 / (i + 1) ** 1.05
            self.cum.append(acc)
        # A small Markov flavour: each word has a few preferred successors.
        self.succ = {}
        self.rng = rng

    def word(self):
        r = self.rng.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        return self.vocab[lo]

    def body(self, nwords):
        words, prev = [], None
        for _ in range(nwords):
            if prev is not None and self.rng.random() < 0.5:
                nxt = self.succ.setdefault(prev, [self.word() for _ in range(3)])
                w = self.rng.choice(nxt)
            else:
                w = self.word()
            words.append(w)
            prev = w
        for i in range(len(words)):
            if self.rng.random() < 0.07:
                words[i] += self.rng.choice(".,")
        return words


def load_reuters():
    bodies = []
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            b = (d.get("body") or "").replace("&#3;", " ")
            toks = b.split()
            if len(toks) >= 20:
                bodies.append(toks)
    return bodies


def plant_edits(rng, toks, target_j, vocab):
    """Copy toks with random word substitutions/deletions/insertions so that the word-5-shingle
    Jaccard with the original lands near target_j (each isolated edit changes ~5 shingles).
    The exact Jaccard is whatever it turns out to be; the exact answer is computed afterwards."""
    toks = list(toks)
    s = max(1, len(toks) - K + 1)
    if target_j >= 1.0:
        return toks
    edits = max(1, round(s * (1 - target_j) / (K * (1 + target_j))))
    for _ in range(edits):
        r = rng.random()
        pos = rng.randrange(len(toks))
        if r < 0.6:
            toks[pos] = rng.choice(vocab)
        elif r < 0.8 and len(toks) > K + 1:
            del toks[pos]
        else:
            toks.insert(pos, rng.choice(vocab))
    return toks


def load_texts(source):
    """The texts of a text source: `pan13` (the source documents of PAN13's training corpus, read
    from its archive in ../shared/data/) or a directory of *.txt files, such as books from
    Project Gutenberg; sorted by name."""
    if source == "pan13":
        named = []
        # In archive order: a gzip stream cannot seek back cheaply.
        with tarfile.open(PAN13, "r|gz") as tar:
            for m in tar:
                if m.isfile() and "/src/" in m.name and m.name.endswith(".txt"):
                    named.append((m.name, tar.extractfile(m).read().decode("utf-8", "replace")))
        return [text for _, text in sorted(named)]
    paths = sorted(glob.glob(os.path.join(source, "**", "*.txt"), recursive=True))
    return [open(p, encoding="utf-8", errors="replace").read() for p in paths]


def cut_text(rng, text):
    """Consecutive pieces of `text` of 2.9-4.5 KB, cut at white space, their own spacing, lines
    and paragraphs kept; a last piece under 1.5 KB is dropped."""
    pieces, start = [], 0
    while start < len(text):
        end = start + int(rng.uniform(2900, 4500))
        if end >= len(text):
            end = len(text)
        else:
            space = re.compile(r"\s").search(text, end)
            end = space.start() if space else len(text)
        piece = text[start:end].strip()
        if len(piece.encode("utf-8")) >= 1500:
            pieces.append(piece)
        start = end
    return pieces


def generate_corpus(path, n, seed, source, dup_rate=0.15):
    """N docs of ~3.7 KB. From Reuters: concatenations of several bodies (each doc with ~3% of its
    words substituted, so replicated bodies are not verbatim); from the built-in generator, the
    same of Markov text; from texts (PAN13's sources, or a directory of books), consecutive pieces
    of the texts, each used once (after the last, they are used again, ~3% of their words
    substituted). A fraction dup_rate are planted near-duplicates of a recent document (chains
    give clusters), with target Jaccard uniform in [0.6, 1.0) plus 10% exact copies."""
    rng = random.Random(seed)
    pieces = None
    if source == "reuters":
        bodies = load_reuters()
        vocab = [t for b in bodies[:3000] for t in b]
        label = "reuters21578 (%d bodies)" % len(bodies)
    elif source == "builtin":
        gen = BuiltinText(rng)
        bodies = [gen.body(rng.randint(40, 250)) for _ in range(20000)]
        vocab = gen.vocab
        label = "built-in Markov generator"
    else:
        texts = load_texts(source)
        pieces = [p for t in texts for p in cut_text(rng, t)]
        if not pieces:
            sys.exit(f"corpus: no text of 1.5 KB or more in {source}")
        rng.shuffle(pieces)
        vocab = [t for p in pieces[:500] for t in p.split()]
        label = f"{'PAN13 sources' if source == 'pan13' else source} ({len(texts)} texts, {len(pieces)} pieces)"
    log(f"corpus: generating {n} docs from {label} -> {path}")
    next_piece = 0
    recent = []  # ring buffer of recent docs' tokens (plant sources)
    planted = 0
    tmp = path + ".tmp"
    nbytes = 0
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(n):
            text = None  # the document's text, when not its words joined by spaces
            if recent and rng.random() < dup_rate:
                src = rng.choice(recent)
                tj = 1.0 if rng.random() < 0.1 else rng.uniform(0.6, 1.0)
                toks = plant_edits(rng, src, tj, vocab)
                planted += 1
            elif pieces is not None:
                text = pieces[next_piece % len(pieces)]
                toks = text.split()
                if next_piece >= len(pieces):
                    for _ in range(int(len(toks) * 0.03)):
                        toks[rng.randrange(len(toks))] = rng.choice(vocab)
                    text = None
                next_piece += 1
                if next_piece == len(pieces) + 1:
                    log(f"corpus: all {len(pieces)} pieces used; using them again, 3% of words substituted")
            else:
                target = rng.uniform(2900, 4500)
                toks, length = [], 0
                while length < target:
                    b = bodies[rng.randrange(len(bodies))]
                    toks.extend(b)
                    length += sum(len(t) + 1 for t in b)
                # cut at the target length, then perturb ~3% of the words
                acc, cut = 0, len(toks)
                for j, t in enumerate(toks):
                    acc += len(t) + 1
                    if acc >= target:
                        cut = j + 1
                        break
                toks = toks[:cut]
                for _ in range(int(len(toks) * 0.03)):
                    toks[rng.randrange(len(toks))] = rng.choice(vocab)
            if len(recent) < 2000:
                recent.append(toks)
            else:
                recent[rng.randrange(2000)] = toks
            line = json.dumps({"id": "d%07d" % i, "text": text or " ".join(toks)}, ensure_ascii=False)
            out.write(line + "\n")
            nbytes += len(line) + 1
    os.replace(tmp, path)
    meta = {"docs": n, "seed": seed, "source": label, "source_key": source_key(source),
            "planted": planted, "version": CORPUS_VERSION, "bytes": os.path.getsize(path)}
    with open(path + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def set_data(data_dir):
    """Read Reuters-21578 and PAN13 from data_dir (--data) instead of ../shared/data."""
    global DATA, REUTERS, PAN13
    DATA = data_dir
    REUTERS = os.path.join(data_dir, "reuters21578.jsonl.gz")
    PAN13 = os.path.join(data_dir, "pan13-train.tar.gz")


def default_source():
    return "reuters" if os.path.exists(REUTERS) else "builtin"


SOURCES = ("reuters", "builtin", "pan13")


def source_key(source):
    """The resolved source, as stored in a corpus's .meta.json: reuters, builtin, pan13, or
    dir:ABSOLUTE-PATH."""
    return source if source in SOURCES else "dir:" + os.path.abspath(source)


def meta_source_key(meta):
    """The source a cached corpus was made from: its meta's source_key, or for corpora cached
    before that field, inferred from its label ("reuters21578 (N bodies)", "built-in Markov
    generator", "PAN13 sources (...)", else a directory, whose path the file name's hash
    already fixes: None)."""
    if "source_key" in meta:
        return meta["source_key"]
    label = str(meta.get("source", ""))
    if label.startswith("reuters21578 "):
        return "reuters"
    if label == "built-in Markov generator":
        return "builtin"
    if label.startswith("PAN13 sources "):
        return "pan13"
    return None


def corpus_tag(source):
    """What names the corpus and its results: nothing for Reuters (whatever the default is, so
    that one name never holds corpora of two sources), -builtin or -pan13; a directory's name
    and a hash of its absolute path, so that two directories of one name stay apart."""
    if source == "reuters":
        return ""
    if source in SOURCES:
        return "-" + source
    import hashlib
    full = os.path.abspath(source)
    name = re.sub(r"[^A-Za-z0-9_.]+", "_", os.path.basename(os.path.normpath(full)))
    return f"-{name}-{hashlib.sha256(full.encode()).hexdigest()[:8]}"


def ensure_corpus(n, seed, source):
    path = os.path.join(WORK, f"corpus-{n}-s{seed}{corpus_tag(source)}.jsonl")
    meta_path = path + ".meta.json"
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        # (A directory's texts are not compared: delete the corpus to rebuild it from edited ones.)
        cached, wanted = meta_source_key(meta), source_key(source)
        same_source = cached == wanted or (cached is None and wanted.startswith("dir:"))
        if not same_source:
            log(f"corpus: cached {path} was made from {meta.get('source', '?')}, not from "
                f"{source}; regenerating it")
            if os.path.exists(path + ".exact.tsv"):
                os.remove(path + ".exact.tsv")  # the old corpus's answer
        elif meta.get("version") == CORPUS_VERSION and meta.get("bytes") == os.path.getsize(path):
            log(f"corpus: cached {path}")
            return path, meta
    return path, generate_corpus(path, n, seed, source)


# ----------------------------------------------------------------------------------------------
# 2. Exact answer
# ----------------------------------------------------------------------------------------------

def exact_pairs(path, threshold=THRESHOLD):
    """All pairs with shingle-set Jaccard >= threshold, exactly, without all-pairs comparison.

    Shingles are hashed to 64-bit integers (Python's hash of the shingle string, consistent within
    this one process; a collision among the ~10^8 distinct shingles of even a 100k corpus has
    probability ~10^-4). Candidates come from prefix filtering (Bayardo et al., "All-pairs"):
    order each set by global shingle frequency (rarest first); two sets with Jaccard >= t must
    share one of the first |A| - ceil(t|A|) + 1 shingles of each. Every candidate is then
    verified with an exact intersection of the two shingle sets."""
    import numpy as np

    t0 = time.time()
    ids, arrays = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            sh = set(shingles(d["text"], K))
            ids.append(str(d["id"]))
            arrays.append(np.unique(np.fromiter((hash(s) for s in sh), dtype=np.int64, count=len(sh))))
    n = len(ids)
    lens = np.array([a.size for a in arrays], dtype=np.int64)
    log(f"exact: shingled {n} docs in {time.time() - t0:.1f}s")
    allt = np.concatenate(arrays) if n else np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(n, dtype=np.int64), lens)
    _, inv, counts = np.unique(allt, return_inverse=True, return_counts=True)
    freq = counts[inv]
    order = np.lexsort((inv, freq, doc_of))  # by doc, then rarest first
    inv_sorted, doc_sorted = inv[order], doc_of[order]
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]) if n else np.zeros(0, np.int64)
    pos = np.arange(allt.size, dtype=np.int64) - np.repeat(starts, lens)
    plen = lens - np.ceil(threshold * lens - 1e-9).astype(np.int64) + 1
    keep = pos < np.repeat(plen, lens)
    ptok, pdoc = inv_sorted[keep], doc_sorted[keep]
    o = np.lexsort((pdoc, ptok))
    ptok, pdoc = ptok[o], pdoc[o]
    # groups of equal prefix token
    bounds = np.flatnonzero(np.diff(ptok)) + 1
    gstart = np.concatenate([[0], bounds])
    gend = np.concatenate([bounds, [ptok.size]])
    gsize = gend - gstart
    cand = set()
    two = gstart[gsize == 2]
    a, b = pdoc[two], pdoc[two + 1]
    codes = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    cand.update(codes.tolist())
    for s, e in zip(gstart[gsize > 2], gend[gsize > 2]):
        ds = pdoc[s:e].tolist()
        for x in range(len(ds)):
            for y in range(x + 1, len(ds)):
                p, q = ds[x], ds[y]
                if p != q:
                    cand.add(min(p, q) * n + max(p, q))
    log(f"exact: {len(cand)} candidates after prefix filter ({time.time() - t0:.1f}s)")
    result = []
    for c in cand:
        i, j = divmod(c, n)
        li, lj = lens[i], lens[j]
        if li == 0 or lj == 0 or min(li, lj) < threshold * max(li, lj) - 1e-9:
            continue
        inter = np.intersect1d(arrays[i], arrays[j], assume_unique=True).size
        jac = inter / (li + lj - inter)
        if jac >= threshold - 1e-12:
            result.append((ids[i], ids[j], round(float(jac), 6)))
    result.sort()
    log(f"exact: {len(result)} pairs with Jaccard >= {threshold} ({time.time() - t0:.1f}s)")
    return result


def ensure_exact(path):
    cache = path + ".exact.tsv"
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(path):
        with open(cache) as f:
            pairs = [tuple(l.rstrip("\n").split("\t")) for l in f if l.strip()]
        log(f"exact: cached {cache} ({len(pairs)} pairs)")
        return pairs
    pairs = exact_pairs(path)
    with open(cache + ".tmp", "w") as f:
        for a, b, j in pairs:
            f.write(f"{a}\t{b}\t{j}\n")
    os.replace(cache + ".tmp", cache)
    return pairs


def tokeniser_agreement(path, limit=10_000):
    """Compare Python's shingle sets with the gaoya peer's (Rust unicode_words, dedupe's rule)
    on the first `limit` documents (the Python side of the check is slow)."""
    if not os.path.exists(GAOYA_BIN):
        return None
    r = subprocess.run([GAOYA_BIN, "--tokens", "--threads", "2", path], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    rust = {}
    for l in r.stdout.splitlines():
        i, c, h = l.split("\t")
        rust[i] = (int(c), h)
    same = total = 0
    examples = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if total >= limit:
                break
            if not line.strip():
                continue
            d = json.loads(line)
            sh = sorted(set(shingles(d["text"], K)))
            hv = 0xcbf29ce484222325
            for s in sh:
                for byte in s.encode("utf-8") + b"\n":
                    hv = ((hv ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
            total += 1
            if rust.get(str(d["id"])) == (len(sh), "%016x" % hv):
                same += 1
            elif len(examples) < 3:
                examples.append(str(d["id"]))
    return same, total, examples


# ----------------------------------------------------------------------------------------------
# 3. Tools
# ----------------------------------------------------------------------------------------------

# Every tool and its thread counts, whatever the corpus size (tool_specs drops some by size).
TOOL_THREADS = {"datasketch": (1,), "rensa": (1,), "gaoya": (1, 2), "dedupe-docs": (1, 2),
                "dedupe-full": (1, 2)}


def only_names():
    """The names --only accepts: a tool, `dedupe` (both modes), or a tool with a thread count."""
    names = ["datasketch", "rensa", "gaoya", "dedupe", "dedupe-docs", "dedupe-full"]
    return names + [f"{n}-{t}" for n, ts in TOOL_THREADS.items() for t in ts]


def parse_only(only):
    """--only's names; exits with the list of valid names when one is unknown."""
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    valid = only_names()
    unknown = [w for w in wanted if w not in valid]
    if not wanted:
        sys.exit(f"--only {only!r}: no tool name given; valid names: {', '.join(valid)}")
    if unknown:
        sys.exit(f"--only: unknown tool name{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                 f"valid names: {', '.join(valid)}")
    return wanted


def only_matches(spec, w):
    return spec["name"] == w or spec["name"].startswith(w + "-") or f"{spec['name']}-{spec['threads']}" == w


def tool_specs(corpus, ndocs, args):
    specs = []
    py_peers = args.python_peers == "always" or (args.python_peers == "auto" and ndocs <= 200_000)
    if py_peers:
        for name in ("datasketch", "rensa"):
            specs.append(dict(name=name, threads=1, kind="pairs",
                              cmd=[VENV_PY, os.path.join(HERE, "peers.py"), name, corpus],
                              env={"RAYON_NUM_THREADS": "1"}))
    for t in (1, 2):
        specs.append(dict(name="gaoya", threads=t, kind="pairs",
                          cmd=[GAOYA_BIN, "--threads", str(t), corpus], env={}))
    base = [DEDUPE_BIN, "--json", "--threshold", str(THRESHOLD), "--shingle", str(K),
            "--num-perm", str(NUM_PERM), "--jsonl", "--text-field", "text", "--id-field", "id"]
    for t in (1, 2):
        specs.append(dict(name="dedupe-docs", threads=t, kind="dedupe",
                          cmd=base + ["--only", "near-duplicates", corpus],
                          env={"RAYON_NUM_THREADS": str(t)}))
    if ndocs <= 10_000 or args.full_analysis == "always":
        for t in (1, 2):
            specs.append(dict(name="dedupe-full", threads=t, kind="dedupe", cmd=base + [corpus],
                              env={"RAYON_NUM_THREADS": str(t)}))
    if args.only:
        wanted = parse_only(args.only)
        for w in wanted:
            if not any(only_matches(s, w) for s in specs):
                why = (("--python-peers never" if args.python_peers == "never" else
                        "the Python peers run up to 200k docs unless --python-peers always")
                       if w.split("-")[0] in ("datasketch", "rensa") else
                       "the full analysis runs up to 10k docs unless --full-analysis always")
                sys.exit(f"--only {w}: not run at {ndocs:,} docs with these options ({why})")
        specs = [s for s in specs if any(only_matches(s, w) for w in wanted)]
    return specs


def parse_time_v(path):
    rss, cpu = None, None  # None: not reported (a killed run leaves the file empty)
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", line)
            if m:
                rss = int(m.group(1))
            m = re.search(r"(User|System) time \(seconds\): ([\d.]+)", line)
            if m:
                cpu = (cpu or 0.0) + float(m.group(2))
    return rss, cpu


def run_once(spec, outdir, idx, timeout):
    key = f"{spec['name']}-{spec['threads']}"
    out_path = os.path.join(outdir, f"{key}.run{idx}.out")
    err_path = os.path.join(outdir, f"{key}.run{idx}.err")
    tv_path = os.path.join(outdir, f"{key}.run{idx}.time")
    if os.path.exists(tv_path):  # a killed run writes none: never read an earlier sitting's
        os.remove(tv_path)
    env = dict(os.environ)
    env.update(spec["env"])
    timev = shutil.which("time") and os.path.exists("/usr/bin/time")

    def kill(p):
        # The tool runs under /usr/bin/time (or the helper): kill its whole process group, not
        # only the wrapper, so that a timed-out tool does not keep running.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    cmd = (["/usr/bin/time", "-v", "-o", tv_path] if timev else []) + spec["cmd"]
    load = os.getloadavg()[0]
    with open(out_path, "wb") as o, open(err_path, "wb") as e:
        t0 = time.perf_counter()
        if timev:
            p = subprocess.Popen(cmd, stdout=o, stderr=e, env=env, start_new_session=True)
            # A blocking wait, with the time limit enforced by a timer thread: Popen.wait(timeout=)
            # polls with sleeps of up to 50 ms, which rounded short runs up by as much.
            timer = threading.Timer(timeout, kill, (p,))
            timer.start()
            rc = p.wait()
            wall = time.perf_counter() - t0
            if not timer.is_alive():
                rc = "timeout"
            timer.cancel()
            rss_kb, cpu = parse_time_v(tv_path) if os.path.exists(tv_path) else (None, None)
        else:
            # Fallback: a fresh helper process whose only child is the tool, so that
            # RUSAGE_CHILDREN's ru_maxrss is the tool's own peak RSS.
            helper = ("import resource,subprocess,sys,json;"
                      "rc=subprocess.call(sys.argv[1:]);"
                      "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
                      "sys.stderr.write('\\n@@RSS %d %d %f\\n'%(u.ru_maxrss,rc,u.ru_utime+u.ru_stime))")
            p = subprocess.Popen([sys.executable, "-c", helper] + spec["cmd"], stdout=o, stderr=e, env=env,
                                 start_new_session=True)
            timer = threading.Timer(timeout, kill, (p,))
            timer.start()
            p.wait()
            wall = time.perf_counter() - t0
            timed_out = not timer.is_alive()
            timer.cancel()
            rss_kb, rc, cpu = None, "timeout", None
            with open(err_path, errors="replace") as f:
                for line in f:
                    if line.startswith("@@RSS "):
                        rss_kb, rc = int(line.split()[1]), int(line.split()[2])
                        cpu = float(line.split()[3])
            if rc == "timeout" and not timed_out:
                rc = p.returncode  # the helper itself failed
    # /usr/bin/time exits with the tool's status.
    if rc == "timeout":
        reason = f"timeout after {timeout:g} s"
    elif rc != 0:
        reason = f"exit status {rc}"
    else:
        reason = None
    return dict(wall=wall, rss_kb=rss_kb, rc=rc, out=out_path, err=err_path, load=load, cpu=cpu,
                reason=reason)


def strip_name(name):
    # dedupe names a JSONL document "<path-as-given>#<id>"
    return name.rsplit("#", 1)[1] if "#" in name else name


def read_pairs(kind, out_path):
    pairs = set()
    if kind == "pairs":
        with open(out_path, encoding="utf-8") as f:
            for l in f:
                if l.strip():
                    a, b = l.rstrip("\n").split("\t")[:2]
                    pairs.add((min(a, b), max(a, b)))
    else:
        with open(out_path, encoding="utf-8") as f:
            doc = json.load(f)
        for nd in doc.get("near_duplicates", []):
            a, b = strip_name(nd["a"]), strip_name(nd["b"])
            pairs.add((min(a, b), max(a, b)))
    return pairs


def sitting_of(row):
    """The sitting a stored row was measured in: its `sitting` (start time to the second), or for
    rows stored before that field, its `when` (the minute)."""
    return row.get("sitting") or row.get("when", "?")


def render(rows, meta, nbytes, ndocs, n_exact, agreement):
    sittings = sorted({r.get("when", "?") for r in rows})
    for r in rows:
        r["mb_cpu_s"] = nbytes / 1e6 / r["cpu"] if r.get("cpu") else None
    # Ratios only between rows of one sitting: a row of another sitting ran under other load.
    ref = {(sitting_of(r), r["threads"]): r for r in rows if r["tool"] == "dedupe-docs" and "mb_s" in r}
    ref_when = {r["threads"]: r.get("when", "?") for r in ref.values()}
    measured = [r for r in rows if "mb_s" in r]

    lines = [
        f"Corpus: {ndocs:,} docs, {nbytes / 1e6:.1f} MB ({meta['source']}, seed {meta['seed']}, "
        f"{meta['planted']:,} planted near-duplicates); exact pairs with Jaccard >= {THRESHOLD}: "
        + (f"{n_exact:,}" if n_exact is not None else "not computed"),
        f"Medians of {'/'.join(str(n) for n in sorted({r['ok'] for r in measured})) or '0'} runs per tool "
        f"(round-robin within a sitting); wall time and peak RSS of the whole process. "
        f"Sittings: {', '.join(sittings)}. 1-min load average before the runs: "
        f"{min(l for r in rows for l in r.get('load1', [0]) or [0]):.2f}–"
        f"{max(l for r in rows for l in r.get('load1', [0]) or [0]):.2f}.",
        "",
        "| tool | threads | wall s | CPU s | docs/s | MB/s | MB/CPU-s | peak RSS MB | pairs | precision | recall | F1 | dedupe ÷ tool: MB/s (MB/CPU-s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cross, rough = [], []
    for r in rows:
        if "mb_s" not in r:
            err = (r.get("error") or "no reason recorded").replace("|", "/")[:120]
            lines.append(f"| {r['tool']} | {r['threads']} | failed: {err} |"
                         " | | | | | | | | | |")
            continue
        if r.get("cpu") is not None and r["cpu"] < CPU_ROUGH:
            rough.append(f"{r['tool']}-{r['threads']}")
        d = ref.get((sitting_of(r), r["threads"]))
        if r["tool"].startswith("dedupe") or (d is None and r["threads"] not in ref_when):
            ratio = "—"
        elif d is None:
            ratio = "n/a‡"
            cross.append((f"{r['tool']}-{r['threads']}", r.get("when", "?"), r["threads"]))
        else:
            ratio = f"{d['mb_s'] / r['mb_s']:.2f}×"
            if r.get("mb_cpu_s") and d.get("mb_cpu_s"):
                ratio += f" ({d['mb_cpu_s'] / r['mb_cpu_s']:.2f}×)"
        acc = [fmt(r.get(k), 3) if n_exact is not None else "n/a" for k in ("precision", "recall", "f1")]
        lines.append(f"| {r['tool']} | {r['threads']} | {r['wall']:.2f} | {fmt(r.get('cpu'), 2)} | {fmt(r['docs_s'], 0)} | "
                     f"{r['mb_s']:.2f} | {fmt(r.get('mb_cpu_s'), 2)} | {fmt(r['rss_mb'], 0)} | {r['found']:,} | {acc[0]} | {acc[1]} | "
                     f"{acc[2]} | {ratio} |")
    if cross:
        lines += ["", "‡ Measured in another sitting than dedupe-docs at that thread count ("
                  + "; ".join(f"{k} {w}, dedupe-docs-{t} {ref_when[t]}" for k, w, t in cross)
                  + "): ratios are only taken between rows of one sitting (rerun both together, "
                  f"e.g. --only {cross[0][0]},dedupe-docs-{cross[0][2]})."]
    if rough:
        lines += ["", f"CPU time under {CPU_ROUGH} s ({', '.join(rough)}): `time -v` counts it in 10 ms "
                  f"steps, so their MB/CPU-s and the per-CPU-second ratios (in brackets) that use "
                  f"them are rough."]
    bins = sorted({r["binary"] for r in rows if r.get("binary")})
    if bins:
        lines += ["", "dedupe binary (sha256 prefix): " + "; ".join(bins)]
    if agreement:
        lines += ["", f"Tokeniser check: Python approximation and Rust UAX#29 `unicode_words()` give "
                  f"identical shingle sets on {agreement[0]:,} of the first {agreement[1]:,} documents."]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# 4. Main
# ----------------------------------------------------------------------------------------------

def fmt(x, nd=1):
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return x
    return f"{x:,.{nd}f}"


def positive(kind):
    def parse(text):
        try:
            x = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}")
        if not x > 0:
            raise argparse.ArgumentTypeError(f"must be at least 1, got {text}" if kind is int
                                             else f"must be more than 0, got {text}")
        return x
    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=positive(int), default=10_000, help="corpus size, at least 1")
    ap.add_argument("--runs", type=positive(int), default=3, help="runs per tool, at least 1")
    ap.add_argument("--only", default="", help="comma-separated: datasketch, rensa, gaoya, dedupe, "
                    "dedupe-docs, dedupe-full, or NAME-THREADS such as gaoya-2")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--exact", choices=["auto", "always", "never"], default="auto",
                    help="auto: compute the exact answer up to 200k docs")
    ap.add_argument("--python-peers", choices=["auto", "always", "never"], default="auto",
                    help="auto: run datasketch and rensa up to 200k docs")
    ap.add_argument("--full-analysis", choices=["auto", "always"], default="auto",
                    help="auto: dedupe's full-analysis mode only up to 10k docs")
    ap.add_argument("--source", default=None,
                    help="what the documents are made of: reuters (the default when "
                    "reuters21578.jsonl.gz is in --data), builtin (the default otherwise), "
                    "pan13 (PAN13's source documents, from pan13-train.tar.gz in --data), or a "
                    "directory of *.txt files (books, say), cut into pieces each used once; the three "
                    "names win over directories of those names, which ./NAME reaches")
    ap.add_argument("--data", default=None, metavar="DIR",
                    help="the directory holding reuters21578.jsonl.gz and pan13-train.tar.gz "
                    "(default: ../shared/data relative to the project root)")
    ap.add_argument("--timeout", type=positive(float), default=3600.0, help="seconds per run")
    ap.add_argument("--corpus-only", action="store_true", help="build corpus + exact answer, run nothing")
    ap.add_argument("--report-only", action="store_true",
                    help="print the stored table of an earlier sitting for --docs/--seed/--source, "
                    "run nothing")
    args = ap.parse_args()
    if args.data is not None:
        if not os.path.isdir(args.data):
            sys.exit(f"--data {args.data}: not a directory")
        set_data(os.path.abspath(args.data))
    if args.only:
        parse_only(args.only)  # exits on an unknown name, before any work
    fallback = None
    if args.source is None and default_source() == "builtin":
        fallback = (f"WARNING: {REUTERS} is not there, so the corpus comes from the built-in "
                    "generator: these results are not comparable with the tables in "
                    "bench/peers/README.md, which were measured on Reuters-21578 (--data DIR points "
                    "at the data)")
    elif args.source == "builtin":
        fallback = ("note: --source builtin: these results are not comparable with the tables in "
                    "bench/peers/README.md, which were measured on Reuters-21578")
    args.source = args.source or default_source()
    needs = {"reuters": REUTERS, "pan13": PAN13}.get(args.source)
    if needs and not os.path.exists(needs):
        sys.exit(f"--source {args.source}: {needs} is not there")
    if args.source not in SOURCES and not os.path.isdir(args.source):
        sys.exit(f"--source {args.source}: not a directory (nor reuters, builtin or pan13)")
    tag = corpus_tag(args.source)
    if args.report_only:
        store = os.path.join(WORK, f"results-{args.docs}-s{args.seed}{tag}.json")
        if not os.path.exists(store):
            sys.exit(f"--report-only: no stored results at {store}")
        with open(store) as f:
            saved = json.load(f)
        print(render(saved["rows"], saved["meta"], saved["bytes"], saved["meta"]["docs"],
                     saved.get("exact"), saved.get("agreement")))
        return
    if fallback:
        log(fallback)

    os.makedirs(WORK, exist_ok=True)
    corpus, meta = ensure_corpus(args.docs, args.seed, args.source)
    nbytes = os.path.getsize(corpus)
    ndocs = meta["docs"]
    exact = None
    if args.exact == "always" or (args.exact == "auto" and ndocs <= 200_000):
        exact = {(min(a, b), max(a, b)) for a, b, *_ in ensure_exact(corpus)}
    agreement = tokeniser_agreement(corpus) if exact is not None else None
    if agreement:
        log(f"tokeniser: Python regex and Rust unicode_words agree on {agreement[0]}/{agreement[1]} docs"
            + (f" (differ e.g. {', '.join(agreement[2])})" if agreement[2] else ""))
    if args.corpus_only:
        return

    specs = tool_specs(corpus, ndocs, args)
    missing = [s for s in specs if not os.path.exists(s["cmd"][0])]
    for s in missing:
        log(f"skip {s['name']}-{s['threads']}: {s['cmd'][0]} not built")
    specs = [s for s in specs if s not in missing]
    if not specs:
        sys.exit("nothing to run: every selected tool is missing (run bench/peers/run.sh without "
                 "--skip-setup to build them); stored results left as they were")
    def bin_id(path):
        import hashlib
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            h = hashlib.sha256(f.read()).hexdigest()[:12]
        return f"{h}, built {time.strftime('%Y-%m-%d %H:%M', time.localtime(os.path.getmtime(path)))}"
    dedupe_id = bin_id(DEDUPE_BIN) if any(s["name"].startswith("dedupe") for s in specs) else None
    outdir = os.path.join(WORK, f"out-{ndocs}{tag}")
    os.makedirs(outdir, exist_ok=True)
    sitting = time.strftime("%Y-%m-%d %H:%M:%S")  # identifies this sitting's rows (ratios)
    results = {f"{s['name']}-{s['threads']}": [] for s in specs}
    for r in range(args.runs):  # round-robin, so slow drifts hit every tool alike
        for s in specs:
            key = f"{s['name']}-{s['threads']}"
            res = run_once(s, outdir, r, args.timeout)
            results[key].append(res)
            cpu = f"{res['cpu']:.2f}" if res["cpu"] is not None else "?"
            rss = res["rss_kb"] if res["rss_kb"] is not None else "?"
            log(f"run {r + 1}/{args.runs} {key}: {res['wall']:.2f}s cpu={cpu}s rss={rss} kB "
                f"rc={res['rc']} load1={res['load']:.2f}"
                + (f" FAILED: {res['reason']}" if res["reason"] else ""))

    stamp = time.strftime("%Y-%m-%d %H:%M")
    if dedupe_id and bin_id(DEDUPE_BIN) != dedupe_id:
        log("WARNING: target/release/dedupe changed during this sitting; dedupe rows mix builds")
        dedupe_id += " (CHANGED during the sitting)"
    new_rows, failures = [], []
    for s in specs:
        key = f"{s['name']}-{s['threads']}"
        ok = [x for x in results[key] if x["rc"] == 0]
        bad = [x for x in results[key] if x["rc"] != 0]
        if bad:
            failures.append(f"{key} ({len(bad)} of {len(results[key])} runs: {bad[-1]['reason']})")
        row = dict(tool=s["name"], threads=s["threads"], ok=len(ok), runs=len(results[key]),
                   when=stamp, sitting=sitting, load1=[round(x["load"], 2) for x in results[key]])
        if s["name"].startswith("dedupe"):
            row["binary"] = dedupe_id
        if ok:
            wall = statistics.median(x["wall"] for x in ok)
            rsss = [x["rss_kb"] for x in ok if x["rss_kb"] is not None]
            cpus = [x["cpu"] for x in ok if x["cpu"] is not None]
            row["cpu"] = statistics.median(cpus) if cpus else None
            row.update(wall=wall, docs_s=ndocs / wall, mb_s=nbytes / 1e6 / wall,
                       rss_mb=statistics.median(rsss) / 1024 if rsss else None)
            pairs = read_pairs(s["kind"], ok[-1]["out"])
            row["found"] = len(pairs)
            if exact is not None:
                tp = len(pairs & exact)
                p = tp / len(pairs) if pairs else (1.0 if not exact else 0.0)
                rc_ = tp / len(exact) if exact else 1.0
                row.update(precision=p, recall=rc_, f1=(2 * p * rc_ / (p + rc_) if p + rc_ else 0.0))
        else:
            last = results[key][-1]
            with open(last["err"], errors="replace") as f:
                tail = f.read()[-300:].strip().replace("\n", " ")
            row["error"] = last["reason"] + (f": {tail}" if tail else "")
        new_rows.append(row)
    # Merge with rows of earlier sittings on the same corpus (e.g. an --only run), newest wins;
    # but a row that failed now does not replace a stored row that was measured.
    store = os.path.join(WORK, f"results-{ndocs}-s{args.seed}{tag}.json")
    old_rows = []
    if os.path.exists(store):
        with open(store) as f:
            saved = json.load(f)
        if saved.get("bytes") == nbytes and saved.get("meta", {}).get("source") == meta["source"]:
            old_rows = saved.get("rows", [])
        else:
            log(f"stored results in {store} are of another corpus "
                f"({saved.get('meta', {}).get('source', '?')}); replacing them")
    old_ok = {(r["tool"], r["threads"]): r for r in old_rows if "mb_s" in r}
    kept = []
    for r in new_rows:
        old = old_ok.get((r["tool"], r["threads"]))
        if "mb_s" not in r and old is not None:
            log(f"{r['tool']}-{r['threads']} failed in this sitting ({r['error'][:200]}); "
                f"keeping its stored row of {old.get('when', '?')}")
            kept.append(r)
    new_rows = [r for r in new_rows if r not in kept]
    fresh = {(r["tool"], r["threads"]) for r in new_rows}
    order = ["datasketch", "rensa", "gaoya", "dedupe-docs", "dedupe-full"]
    rows = [r for r in old_rows if (r["tool"], r["threads"]) not in fresh] + new_rows
    rows.sort(key=lambda r: (order.index(r["tool"]) if r["tool"] in order else 99, r["threads"]))
    n_exact = len(exact) if exact is not None else None
    table = render(rows, meta, nbytes, ndocs, n_exact, agreement)
    print(table)
    with open(os.path.join(WORK, f"results-{ndocs}-s{args.seed}{tag}.md"), "w") as f:
        f.write(table + "\n")
    with open(store, "w") as f:
        json.dump(dict(meta=meta, bytes=nbytes, exact=n_exact, agreement=agreement, rows=rows), f,
                  indent=1)
    if fallback:
        log(fallback)
    if failures:
        log(f"FAILED in this sitting: {'; '.join(failures)} (outputs in {outdir})")
        sys.exit(1)


if __name__ == "__main__":
    main()
