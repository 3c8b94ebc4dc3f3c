#!/usr/bin/env bash
# The Open Referral UK conformance checks (scripts/oruk_conformance.py) against `mns demo`: the
# checks the two ORUK validators and DfE's "Find support for your family" make of a feed,
# replicated from their source, and the query parameters' documented meaning checked against
# the records. For CI: talks to 127.0.0.1 only, with jsonschema pinned in a virtualenv under
# target/.
#
# Usage: scripts/oruk-conformance.sh [PATH_TO_MNS]     (default target/debug/mns; build it first)
#
# The last line is `oruk-conformance: N checks, M failures, K requests`; the exit status is
# non-zero when any check failed. The service's log is left in target/oruk-conformance/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

jsonschema_version=4.26.0
bin=${1:-target/debug/mns}
venv=$root/target/oruk-venv
out=$root/target/oruk-conformance

if [ ! -x "$bin" ]; then
  echo "oruk-conformance: no mns binary at $bin (cargo build --bin mns first, or pass its path)" >&2
  exit 2
fi
bin=$(realpath "$bin")

source "$root/scripts/demo-server.sh"

# jsonschema with its format checkers (uri, email, date-time, uuid), reused while it has the
# pinned version.
if [ "$("$venv/bin/python" -c 'import jsonschema.validators, importlib.metadata as m; print(m.version("jsonschema"))' 2>/dev/null || true)" != "$jsonschema_version" ]; then
  fresh_venv oruk-conformance "$venv" "jsonschema[format-nongpl]==$jsonschema_version"
fi

rm -rf "$out"
mkdir -p "$out"
demo_start oruk-conformance "$bin" "$out/server.log"

schemas=$root/crates/mns-domain/tests/fixtures/oruk-3.0
rc=0
started=$SECONDS
local_only "$venv/bin/python" "$root/scripts/oruk_conformance.py" \
  "$base/api/oruk" "$schemas" "$schemas/open_api.json" 2>&1 | tee "$out/output.txt" || rc=$?
echo "oruk-conformance: the checks took $((SECONDS - started)) s"

# A council reading this feed as another directory's: `mns import directory --from` into an
# empty one, which must end with every service the feed lists.
echo "== mns import directory --from $base/api/oruk, into an empty directory"
reader=$(mktemp -d "${TMPDIR:-/tmp}/mns-oruk-reader.XXXXXX")
listed=$(local_only curl -s "$base/api/oruk/services?per_page=1" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["total_items"])')
started=$SECONDS
# Only this empty directory: none of the caller's database or feed settings.
if MNS_DATA_DIR=$reader local_only env -u MNS_DATABASE_URL -u MNS_DIRECTORY_FEED \
  "$bin" import directory --from "$base/api/oruk" >"$out/import.txt" 2>&1 \
  && grep -q "^Imported $listed services from" "$out/import.txt"; then
  echo "  imported all $listed services in $((SECONDS - started)) s"
else
  echo "  FAIL the import did not bring all $listed services:"
  sed 's/^/    /' "$out/import.txt" | tail -n 20
  rc=1
fi
rm -rf "$reader"
exit "$rc"
