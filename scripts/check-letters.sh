#!/usr/bin/env bash
# Renders the sample letters (and the demo's Planning and Review Record, End of Provision
# letter and annual report) to PNG pages so a person can check them: writes
# target/letters/*.pdf (from the mns-app letter tests) and target/letters/*-N.png.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftoppm >/dev/null || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
cargo test -q -p mns-app write_sample_letters -- --ignored
cargo test -q -p mns-web --test it write_case_letters -- --ignored
for pdf in target/letters/*.pdf; do
  pdftoppm -png -r 80 "$pdf" "${pdf%.pdf}"
done
ls -1 target/letters/
