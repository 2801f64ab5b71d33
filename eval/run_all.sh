#!/usr/bin/env bash
# Run every evaluation against the real corpora in ../shared/data (relative to the project root).
# Each script skips (exit 0) when its data is absent; so does this one (it exits non-zero only when
# a script fails). Output is also saved under eval/.work/; the log's path is printed at the end.
# Usage: eval/run_all.sh [DATA_DIR]
# Env: DEDUPE=/path/to/binary evaluates that binary (no build); EXTRA='--flag v' is passed to dedupe.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac  # before the cd below
cd "$ROOT"
mkdir -p eval/.work
LOG="$ROOT/eval/.work/results-$(date +%Y%m%d-%H%M%S).txt"
ARGS=()
if [ -n "${DEDUPE:-}" ]; then ARGS+=(--dedupe "$DEDUPE"); else cargo build --release; fi
if [ -n "${EXTRA:-}" ]; then ARGS+=(--extra "$EXTRA"); fi
# One failing script does not stop the others; the group's status says whether any failed.
set +e
{
  failed=0
  run() { "$@" || { echo "FAILED (exit $?): $*"; failed=1; }; }
  echo "### dedupe evaluation $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo; echo "### Reuters-21578 near-duplicates"
  run python3 eval/reuters.py --data "$DATA/reuters21578.jsonl.gz" ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### L3S-GN1 boilerplate"
  run python3 eval/l3s.py --data "$DATA/l3s-gn1-lines.jsonl.gz" --what-if ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### PAN13 text alignment"
  run python3 eval/pan13.py --data "$DATA/pan13-train.tar.gz" --what-if --merge-gap 300 ${ARGS[@]+"${ARGS[@]}"}
  echo; echo "### summary"
  exit "$failed"
} 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
RESULTS="$(grep '^RESULT' "$LOG" || true)"
if [ -n "$RESULTS" ]; then
  printf '%s\n' "$RESULTS" | tee -a "$LOG"
else
  echo "no RESULT lines (every evaluation skipped or failed; see above)" | tee -a "$LOG"
fi
echo "log: $LOG"
exit "$status"
