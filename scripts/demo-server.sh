# Shared by the scripts that test a running service (api-fuzz.sh, oruk-conformance.sh): starts
# `mns demo` in a throwaway data directory on a free port of 127.0.0.1, waits until it is ready,
# and stops it and removes its data when the calling script exits. Source it, then call
#
#   demo_start LABEL BIN LOG      # sets $base (http://127.0.0.1:PORT), $data and $server_pid
#
# and run anything that talks to the service through `local_only`. Their Python tools go in a
# virtualenv under target/ made by `fresh_venv LABEL VENV REQUIREMENT`.

# Everything that talks to the service on 127.0.0.1 goes through this: a proxy from the
# environment (fine for package installs) must not see that traffic, nor forward it anywhere.
local_only() {
  env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
    NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost "$@"
}

server_pid=
data=
base=
demo_cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # It shuts down gracefully in a second or two; never leave it running after the script.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -z "$data" ] || rm -rf "$data"
}

demo_start() {
  local label=$1 bin=$2 log=$3
  data=$(mktemp -d "${TMPDIR:-/tmp}/mns-$label.XXXXXX")
  trap demo_cleanup EXIT
  trap 'exit 130' INT TERM
  # Port 0: the kernel hands out a free port and the service prints the address it got, so
  # nothing else on the machine can take the port between choosing it and binding it.
  MNS_DATA_DIR=$data MNS_BIND=127.0.0.1:0 NO_COLOR=1 "$bin" demo >"$log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 60)) # the first start creates the demo data, slower in a debug build
  until [ -n "$base" ] && [ "$(local_only curl -s -o /dev/null -w '%{http_code}' "$base/readyz" || true)" = 200 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$label: mns demo stopped before it was ready; its log:" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$label: mns demo was not ready within 60 s; its log:" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    sleep 0.5
    [ -n "$base" ] || base=$(sed -n 's|.*Serving the Medical Needs Service at \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$log" | head -n 1)
  done
  echo "$label: mns demo is up at $base (data in $data)"
}

# A new virtualenv at VENV (any old one removed) with REQUIREMENT installed from PyPI.
fresh_venv() {
  local label=$1 venv=$2 requirement=$3
  echo "$label: installing $requirement into $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian splits ensurepip out of python3; the machine's own package manager is allowed.
    rm -rf "$venv"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement"
}
