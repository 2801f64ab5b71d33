#!/usr/bin/env bash
# Peer comparison for dedupe (see bench/peers/README.md). From the project root:
#
#   bash bench/peers/run.sh [--docs N] [--runs K] [--only TOOL,...] [--data DIR] [--skip-setup]
#                           [compare.py options]
#
# Sets up the peers idempotently in bench/peers/.work/ (a Python venv with pinned datasketch and
# rensa; the gaoya peer program built from bench/peers/gaoya/), builds dedupe in release mode,
# then runs compare.py with the venv's Python. Nothing is installed outside bench/peers/.work/
# and target/.
#
# run.sh's own options:
#   --skip-setup   do not (re)install the venv or rebuild the gaoya peer and dedupe
#   -h, --help     print this help and compare.py's options, set up nothing
# Every other option goes to compare.py, e.g. --data DIR (the directory holding
# reuters21578.jsonl.gz and pan13-train.tar.gz; default ../shared/data relative to the project
# root). compare.py exits non-zero when a tool failed in the sitting.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$HERE/.work"
DATASKETCH_VERSION=2.0.0
RENSA_VERSION=0.5.0

skip_setup=0
args=()
for a in "$@"; do
  case "$a" in
    -h|--help)
      # Before any setup: this file's header, then compare.py's options (it needs no venv for that).
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      echo
      py="$WORK/venv/bin/python"
      [ -x "$py" ] || py="${PYTHON:-python3}"
      exec "$py" "$HERE/compare.py" --help ;;
    --skip-setup) skip_setup=1 ;;
    *) args+=("$a") ;;
  esac
done

mkdir -p "$WORK"

setup() {
  # 1. Python venv with the pinned Python peers.
  local py="${PYTHON:-python3}"
  if [ ! -x "$WORK/venv/bin/python" ]; then
    echo "setup: creating venv $WORK/venv" >&2
    "$py" -m venv "$WORK/venv"
  fi
  if ! "$WORK/venv/bin/python" - "$DATASKETCH_VERSION" "$RENSA_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if (version("datasketch"), version("rensa")) == tuple(sys.argv[1:3]) else 1)
PY
  then
    echo "setup: pip install datasketch==$DATASKETCH_VERSION rensa==$RENSA_VERSION" >&2
    "$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      "datasketch==$DATASKETCH_VERSION" "rensa==$RENSA_VERSION"
  fi

  # 2. The gaoya peer: copy the committed sources into the work dir and build there.
  mkdir -p "$WORK/gaoya/src"
  for f in Cargo.toml Cargo.lock src/main.rs; do
    cmp -s "$HERE/gaoya/$f" "$WORK/gaoya/$f" || cp "$HERE/gaoya/$f" "$WORK/gaoya/$f"
  done
  echo "setup: building the gaoya peer" >&2
  (cd "$WORK/gaoya" && cargo build --release --locked --quiet --target-dir "$WORK/gaoya-target")

  # 3. dedupe itself (release). A failed build is reported; compare.py then skips dedupe.
  echo "setup: building dedupe (release)" >&2
  if ! (cd "$ROOT" && cargo build --release --quiet --bin dedupe); then
    echo "setup: WARNING: cargo build --release failed; dedupe rows will be skipped" >&2
  fi
}

if [ "$skip_setup" = 0 ]; then
  setup
fi

exec "$WORK/venv/bin/python" "$HERE/compare.py" "${args[@]+"${args[@]}"}"
