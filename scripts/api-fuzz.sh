#!/usr/bin/env bash
# Property-based tests of the JSON API (/api/v1) against its own OpenAPI document, with
# schemathesis. For CI: bounded, seeded, and talking to 127.0.0.1 only.
#
# It starts `mns demo` in a throwaway data directory, issues an API token for the demo
# coordinator and one for the demo school user (the two sides of the API see different
# records and may do different things), and runs schemathesis once per token with every
# check on: server errors, and status codes, content types, headers and response bodies
# that the document does not describe, plus schemathesis's checks of invalid input being
# refused, valid input accepted and requests without credentials refused.
#
# Usage: scripts/api-fuzz.sh [PATH_TO_MNS]        (default target/debug/mns; build it first)
#
#   API_FUZZ_MAX_EXAMPLES  test cases per operation in each generating phase (default 30)
#   API_FUZZ_SEED          the seed, so that a failure in CI reproduces locally (default 1)
#   API_FUZZ_WORKERS       concurrent requests (default 1: the runs change the demo data,
#                          and with one worker they change it in the same order every time)
#   API_FUZZ_RUN_TIMEOUT   seconds one schemathesis run may take before it counts as failed
#                          (default 240)
#
# The last line is `api-fuzz: N passed, M failed`, counting API operations over both runs.
# Exits non-zero when either run found a failure or could not finish. Each run leaves its
# console output, JUnit, JSON and NDJSON reports (every request and response) in
# target/api-fuzz/<role>/, and the service's log in target/api-fuzz/server.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

schemathesis_version=4.32.5
bin=${1:-target/debug/mns}
max_examples=${API_FUZZ_MAX_EXAMPLES:-30}
seed=${API_FUZZ_SEED:-1}
workers=${API_FUZZ_WORKERS:-1}
run_timeout=${API_FUZZ_RUN_TIMEOUT:-240}
venv=$root/target/api-fuzz-venv
out=$root/target/api-fuzz

if [ ! -x "$bin" ]; then
  echo "api-fuzz: no mns binary at $bin (cargo build --bin mns first, or pass its path)" >&2
  exit 2
fi
bin=$(realpath "$bin")

source "$root/scripts/demo-server.sh"

# --- schemathesis, pinned, in a virtualenv under target/ --------------------------------
# Reused while it has the pinned version, so that a rerun on the same machine costs nothing
# and a change of pin rebuilds it rather than mixing versions.
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $schemathesis_version" ]; then
  fresh_venv api-fuzz "$venv" "schemathesis==$schemathesis_version"
fi

# --- the service, with demo data, in a fresh data directory ------------------------------
rm -rf "$out"
mkdir -p "$out"
demo_start api-fuzz "$bin" "$out/server.log"

# --- API tokens --------------------------------------------------------------------------
# `mns demo` keeps its records in mns-demo.sqlite, while every other command defaults to
# mns.sqlite in the data directory (and would create an empty one): name the demo's database.
issue_token() {
  local token
  token=$(MNS_DATA_DIR=$data MNS_DATABASE_URL="sqlite://$data/mns-demo.sqlite" \
    "$bin" user token "$1" --name api-fuzz | tail -n 1)
  case $token in
    mns_*) printf '%s' "$token" ;;
    *) echo "api-fuzz: 'mns user token $1' printed no token" >&2; return 1 ;;
  esac
}
coordinator_token=$(issue_token coordinator@demo.invalid)
school_token=$(issue_token school@demo.invalid)

# --- the runs ----------------------------------------------------------------------------
declare -A run_rc run_seconds
fuzz() {
  local role=$1 token=$2 dir=$out/$1 rc=0 started=$SECONDS
  mkdir -p "$dir"
  echo
  echo "== api-fuzz: schemathesis as $role (at most $max_examples examples per operation, seed $seed)"
  # Run from the report directory: schemathesis and Hypothesis keep working files (.hypothesis/,
  # .schemathesis/) in the current directory, which belong in target/, not in the work tree.
  # All four phases: examples and coverage are quick and catch boundary values (negative
  # page numbers, unknown enum values, empty bodies); fuzzing and stateful are bounded by
  # --max-examples. --max-redirects 0 keeps a redirect from taking a request off 127.0.0.1.
  (cd "$dir" && local_only timeout "$run_timeout" "$venv/bin/schemathesis" \
    --config-file "$root/scripts/schemathesis.toml" \
    run "$base/api/v1/openapi.json" \
    --url "$base/api/v1" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --workers "$workers" \
    --request-timeout 10 \
    --max-redirects 0 \
    --report junit,json,ndjson \
    --report-dir "$dir" \
    --report-junit-path "$dir/junit.xml" \
    --report-json-path "$dir/report.json" \
    --report-ndjson-path "$dir/events.ndjson" \
    --no-color) 2>&1 | tee "$dir/output.txt" || rc=$?
  [ "$rc" -ne 124 ] || echo "api-fuzz: the $role run took over ${run_timeout}s and was stopped" >&2
  run_rc[$role]=$rc
  run_seconds[$role]=$((SECONDS - started))
}
fuzz coordinator "$coordinator_token"
fuzz school "$school_token"

# --- summary -----------------------------------------------------------------------------
# Counts come from each run's JSON report: an operation passed when no check failed on it.
# A run that left no report (stopped, or could not load the document) counts as one failure.
echo
echo "== api-fuzz: summary"
"$venv/bin/python" - "$out" coordinator "${run_rc[coordinator]}" "${run_seconds[coordinator]}" \
  school "${run_rc[school]}" "${run_seconds[school]}" <<'PY'
import json, sys
from pathlib import Path

out, args = Path(sys.argv[1]), sys.argv[2:]
passed = failed = 0
for role, rc, seconds in zip(args[0::3], args[1::3], args[2::3]):
    rc = int(rc)
    try:
        report = json.loads((out / role / "report.json").read_text())
    except (OSError, ValueError):
        print(f"{role}: no report (schemathesis exit code {rc}, {seconds}s)")
        failed += 1
        continue
    ops = report.get("operations") or {}
    tested = ops.get("tested", 0)
    bad = set()
    for group in report["failures"]:
        bad.update(group["operations"])
    bad_count = min(tested, len(bad) + ops.get("errored", 0))
    if rc != 0 and bad_count == 0:
        bad_count = 1  # e.g. errors not tied to an operation: never report a failed run as clean
    passed += max(tested - bad_count, 0)
    failed += bad_count
    cases = report["test_cases"]
    print(f"{role}: {tested} operations tested, {bad_count} with failures; "
          f"{cases['generated']} test cases, {cases['unique_failures']} unique failures, "
          f"{cases['errored']} errors ({seconds}s, exit code {rc})")
    for group in report["failures"]:
        print(f"  {group['code']} {group['title']} x{group['count']}: {', '.join(group['operations'])}")
    for error in report["errors"]:
        print(f"  error: {error['title']} x{error['count']}")
print(f"api-fuzz: {passed} passed, {failed} failed")
PY

[ "${run_rc[coordinator]}" -eq 0 ] && [ "${run_rc[school]}" -eq 0 ]
