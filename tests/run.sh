#!/usr/bin/env bash
# Run every test: installs what the tests need into .venv/ (and Debian's chromium when missing),
# then runs the whole suite. Extra arguments go to pytest (e.g. `bash tests/run.sh -k timeline`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash course/scripts/ensure-venv.sh test

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests ..."
  sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo -n"
  if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium; } >/tmp/clusterlab-apt.log 2>&1; then
    echo "Could not install chromium (see /tmp/clusterlab-apt.log). Install it with: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

exec "$root/.venv/bin/python" -m pytest "$@"
