#!/usr/bin/env bash
# The browser test alone: opens the seeds' HTML report in headless Chromium, checks the DOM
# (004's repeats and 000's boilerplate highlighted, a document full of markup shown as text and
# running nothing, a shared passage side by side) and saves screenshots to target/tmp/browser/.
#
# Installs nothing: it needs the Debian package `chromium` (or DEDUPE_CHROMIUM=/path/to/chrome).
# Without it the test is skipped with a message, unless CI=true, where it fails; .ci/run installs
# chromium first. `cargo test` runs the same test with the others.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --test browser -- --nocapture
