#!/usr/bin/env bash
# Fuzzes dedupe: each target for FUZZ_SECONDS (default 600, ten minutes), one after the other.
# Not part of CI. Targets (fuzz/src/lib.rs): segment (segmentation and tokenisation), jsonl (the
# JSONL reader and text decoding), analyze (the whole analysis of a small corpus).
#
#   scripts/fuzz.sh                         # every target, 10 minutes each
#   FUZZ_SECONDS=60 scripts/fuzz.sh jsonl   # one target, one minute
#   FUZZ_ENGINE=stable scripts/fuzz.sh      # force the stable driver
#
# Engine: cargo-fuzz (libFuzzer with coverage feedback) when `cargo +nightly fuzz` works, else
# the stable mutational driver (fuzz/src/bin/stable_fuzz.rs). Crashes land in
# fuzz/artifacts/TARGET/; reproduce one with `cargo +nightly fuzz run TARGET FILE` (or
# `fuzz/target/release/stable_fuzz`'s library function on it) and turn it into a regression test
# in tests/bad_input.rs. One line per target is appended to fuzz/logs/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
engine=${FUZZ_ENGINE:-auto}
if [ $# -gt 0 ]; then targets=("$@"); else targets=(segment jsonl analyze); fi
mkdir -p fuzz/logs

if [ "$engine" = auto ]; then
  if cargo +nightly fuzz --version >/dev/null 2>&1; then engine=libfuzzer; else engine=stable; fi
fi
echo "fuzz: engine $engine, ${seconds}s per target: ${targets[*]}"

# Seed corpora: the seed articles, and dirty samples of every kind the tests cover.
seed_corpus() {
  local dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $1 in
    segment | analyze)
      for f in seeds/*.txt; do head -c 12000 "$f" >"$dir/seed-$(basename "$f")"; done
      printf 'a b\r\n\r\nc d\r\re f\n\n  indented\nwrapped line\n' >"$dir/line-ends"
      printf '\xef\xbb\xbfBOM then Caf\xe9 \xff\xfe and \xe2\x80\x99quotes\xe2\x80\x99\n' >"$dir/bytes"
      printf '\xff\xfeh\x00i\x00 \x00\x3d\xd8\x00\xde\n\x00' >"$dir/utf16"
      printf '東京都は月曜日に新しい予算案を発表した。\n\nمرحبا بالعالم\n\n👨‍👩‍👧‍👦 e\xcc\x81\n' >"$dir/scripts"
      printf 'CLICK HERE TO GET THE APP\n\nCategorized in:\n\nHome | News | Sport\n\nBy Jane Doe\n' >"$dir/boilerplate"
      ;;
    jsonl)
      printf '\x40{"id":"a","text":"one two three"}\n{"id":"a","text":"dup"}\n{bad\n[1]\n{"text":5}\n' >"$dir/mixed"
      printf '\x02\xef\xbb\xbf{"id":1,"text":"x"}\r\n\r\n{"text":"\\u0000\\ud83d\\ude00"}\n' >"$dir/bom"
      printf '\x01{"id":"long","text":"%s"}\n{"id":"b","text":"after"}\n' "$(head -c 3000 /dev/zero | tr '\0' 'w')" >"$dir/long"
      printf '\x10\xff\xfe{\x00}\x00\n\x00' >"$dir/utf16"
      ;;
  esac
}

run_libfuzzer() {
  local t=$1 log=fuzz/logs/$1.log
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1 || true
  local execs crashes
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(find "fuzz/artifacts/$t" -type f 2>/dev/null | wc -l)
  local cov
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  echo "$t: libFuzzer, ${seconds}s, ${execs} executions, ${cov:-cov: ?}, ${crashes} artifacts ($(date -u +%F))"
}

run_stable() {
  local t=$1 log=fuzz/logs/$1.log
  local status=0
  fuzz/target/release/stable_fuzz "$t" "$seconds" --max-len 65536 "fuzz/corpus/$t" \
    >"$log.out" 2>"$log" || status=$?
  echo "$(tail -1 "$log.out") [stable driver, exit $status] ($(date -u +%F))"
}

if [ "$engine" = stable ]; then
  cargo build --release --manifest-path fuzz/Cargo.toml --no-default-features --bin stable_fuzz
else
  cargo +nightly fuzz build
fi

failed=0
for t in "${targets[@]}"; do
  seed_corpus "$t"
  if [ "$engine" = libfuzzer ]; then line=$(run_libfuzzer "$t"); else line=$(run_stable "$t"); fi
  echo "$line" | tee -a fuzz/logs/summary.txt
  if [ -n "$(find "fuzz/artifacts/$t" -type f 2>/dev/null)" ]; then failed=1; fi
done
if [ $failed = 1 ]; then
  echo "fuzz: crashes found, see fuzz/artifacts/ and fuzz/logs/"
  exit 1
fi
echo "fuzz: no crashes"
