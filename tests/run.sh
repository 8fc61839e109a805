#!/usr/bin/env bash
# Run every test: installs what the tests need into .venv/ (and, when missing, Debian's chromium for
# the browser tests and bubblewrap, the sandbox that reads submissions), then runs the whole suite. Extra arguments go to pytest (e.g. `bash tests/run.sh -k timeline`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash course/scripts/ensure-venv.sh test

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v bwrap >/dev/null || missing+=(bubblewrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests ..."
  sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo -n"
  if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"; } >/tmp/clusterlab-apt.log 2>&1; then
    echo "Could not install ${missing[*]} (see /tmp/clusterlab-apt.log). Install with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

exec "$root/.venv/bin/python" -m pytest "$@"
