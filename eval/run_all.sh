#!/usr/bin/env bash
# Run every evaluation against the real corpora in ../shared/data (relative to the project root).
# Each script skips (exit 0) when its data is absent. Output is also saved under eval/.work/.
# Usage: eval/run_all.sh [DATA_DIR]
# Env: DEDUPE=/path/to/binary evaluates that binary (no build); EXTRA='--flag v' is passed to dedupe.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
cd "$ROOT"
mkdir -p eval/.work
LOG="eval/.work/results-$(date +%Y%m%d-%H%M%S).txt"
ARGS=()
if [ -n "${DEDUPE:-}" ]; then ARGS+=(--dedupe "$DEDUPE"); else cargo build --release; fi
if [ -n "${EXTRA:-}" ]; then ARGS+=(--extra "$EXTRA"); fi
{
  echo "### dedupe evaluation $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo; echo "### Reuters-21578 near-duplicates"
  python3 eval/reuters.py --data "$DATA/reuters21578.jsonl.gz" ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### L3S-GN1 boilerplate"
  python3 eval/l3s.py --data "$DATA/l3s-gn1-lines.jsonl.gz" --what-if ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### PAN13 text alignment"
  python3 eval/pan13.py --data "$DATA/pan13-train.tar.gz" --what-if --merge-gap 300 ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### summary"
} 2>&1 | tee "$LOG"
grep '^RESULT' "$LOG" | tee -a "$LOG"
echo "log: $LOG"
