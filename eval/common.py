"""Shared helpers for the evaluation scripts (Python 3.11 standard library only).

Paths: the project root is the parent of this eval/ directory; the evaluation data lives in
`../shared/data/` relative to the project root; scratch files go to eval/.work/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent
DATA_DIR = ROOT.parent / "shared" / "data"
WORK = EVAL_DIR / ".work"
DEFAULT_BIN = ROOT / "target" / "release" / "dedupe"


def default_data(name: str) -> Path:
    return DATA_DIR / name


def data_file(arg: str, name: str, corpus_dir_ok: bool = False) -> Path:
    """The data file `--data` names: the path itself, or when it is a directory (such as
    run_all.sh's DATA_DIR), `name` inside it. With corpus_dir_ok, a directory that is itself an
    extracted corpus (it has a `pairs` file) is returned as it is."""
    p = Path(arg)
    if p.is_dir():
        if corpus_dir_ok and not (p / name).exists() and (p / "pairs").exists():
            return p
        return p / name
    return p


def skip_if_missing(path: Path, what: str) -> None:
    """Exit 0 with a clear message when the evaluation data is not there."""
    if not Path(path).exists():
        print(f"SKIP: {what} not found at {path} (evaluation data is optional; nothing measured)")
        sys.exit(0)


def add_common_args(ap) -> None:
    ap.add_argument("--dedupe", default=str(DEFAULT_BIN),
                    help="dedupe binary (default: target/release/dedupe; built with "
                         "`cargo build --release` when missing)")
    ap.add_argument("--build", action="store_true",
                    help="run `cargo build --release` first even if the binary exists")
    ap.add_argument("--extra", default="",
                    help="extra arguments passed to dedupe, one string, split on whitespace "
                         "(for tuning, e.g. --extra='--min-overlap 30')")
    ap.add_argument("--work", default=str(WORK), help="scratch directory (default eval/.work)")


def ensure_binary(path: str, build: bool = False) -> Path:
    p = Path(path)
    if build or not p.exists():
        if p.resolve() != DEFAULT_BIN.resolve() and not build:
            sys.exit(f"error: dedupe binary {p} does not exist")
        print("building: cargo build --release (in %s)" % ROOT, flush=True)
        r = subprocess.run(["cargo", "build", "--release"], cwd=ROOT)
        if r.returncode != 0:
            sys.exit("error: `cargo build --release` failed; cannot evaluate")
        if not p.exists():
            sys.exit(f"error: {p} still missing after the build")
    return p


def run_dedupe(binary: Path, args: list[str], out_path: Path, extra: str = "") -> dict:
    """Run dedupe with --json, write its stdout to out_path, parse and return it."""
    cmd = [str(binary)] + args + extra.split()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    err_path = out_path.with_suffix(out_path.suffix + ".stderr")
    print(f"binary: {binary} ({binary_id(binary)})")
    print("running:", " ".join(shlex_quote(c) for c in cmd), flush=True)
    t0 = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        r = subprocess.run(cmd, stdout=out, stderr=err)
    dt = time.perf_counter() - t0
    size = out_path.stat().st_size
    print(f"dedupe finished in {dt:.1f}s, exit {r.returncode}, {size / 1e6:.1f} MB of JSON",
          flush=True)
    stderr_text = err_path.read_text(errors="replace")
    try:
        with open(out_path, "rb") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        print(stderr_text[-3000:])
        sys.exit(f"error: dedupe (exit {r.returncode}) wrote no valid JSON to {out_path} ({e})")
    if r.returncode != 0:
        print(f"note: dedupe exited with {r.returncode} but wrote valid JSON; using it")
    if not isinstance(data, dict) or data.get("version") != 1:
        print(f"warning: unexpected output schema version: {data.get('version')!r}")
    data["_seconds"] = dt
    return data


def binary_id(binary: Path) -> str:
    import hashlib
    st = binary.stat()
    h = hashlib.sha1(binary.read_bytes()).hexdigest()[:10]
    return f"sha1 {h}, built {time.strftime('%Y-%m-%d %H:%M', time.gmtime(st.st_mtime))} UTC"


def shlex_quote(s: str) -> str:
    import shlex
    return shlex.quote(s)


# --- tokenisation: Python approximation of dedupe's -------------------------------------
# dedupe: UAX#29 word segments with at least one alphanumeric character, case-folded, curly
# quotes/apostrophes mapped to straight ones, dashes unified. Differences at the margin exist.
# The brief's approximation is r"\w+(?:['.]\w+)*" (after mapping \u2019 to '). Closer to UAX#29
# (checked against dedupe's word counts): "'", "." and ":" join two letters (WB6/WB7: "can't",
# "U.S"), "'", ".", "," and ";" join two digits (WB11/WB12: "3.5", "1,000"), and nothing joins a
# digit to a letter ("767's" is two words).
WORD_RE = re.compile(r"\w+(?:(?:(?<=[^\W\d_])['\u2019.:](?=[^\W\d_])|(?<=\d)['\u2019.,;](?=\d))\w+)*")
TOKENISER_VERSION = 2


def _norm(text: str) -> str:
    return text.replace("\u2019", "'")


def words(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(_norm(text).lower()) if any(c.isalnum() for c in w)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of text (same rule as words())."""
    return [m.span() for m in WORD_RE.finditer(_norm(text))
            if any(c.isalnum() for c in m.group())]


def shingles(ws: list[str], k: int = 5) -> set[str]:
    """Set of k-word shingles; 1..k-1 words give one shingle of all words; 0 words: empty."""
    if not ws:
        return set()
    if len(ws) < k:
        return {" ".join(ws)}
    return {" ".join(ws[i:i + k]) for i in range(len(ws) - k + 1)}


def fmt(x: float) -> str:
    return f"{x:.4f}"


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def rm_tree(p: Path) -> None:
    if p.exists():
        shutil.rmtree(p)


def env_info() -> str:
    return f"python {sys.version.split()[0]}, {os.cpu_count()} cpus"
