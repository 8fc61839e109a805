#!/usr/bin/env bash
# Create .venv/ in the repository root if it is absent and install the course into it.
# Usage: ensure-venv.sh [EXTRA]   (EXTRA: "test" also installs what the test suite needs)
# A stamp file records what was installed; when nothing changed, this returns at once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
extra="${1:-}"
venv="$root/.venv"
py="${PYTHON:-python3}"

if ! command -v "$py" >/dev/null 2>&1; then
  echo "Python 3.11 or newer is needed: '$py' was not found. Install Python, or set PYTHON=/path/to/python3." >&2
  exit 1
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 or newer is needed; '$py' is $("$py" --version 2>&1). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the course environment in .venv/ ..."
  "$py" -m venv "$venv"
fi

want="$(cat "$root/pyproject.toml" "$root/course/config/lab-overrides.json" | sha256sum | cut -c1-16)-${extra:-base}"
stamp="$venv/.clusterlab-stamp"
have="$(cat "$stamp" 2>/dev/null || true)"
# A "test" install contains the base install, so it also satisfies a plain start.
case "$have" in
  "$want"|"${want%-base}-test") exit 0 ;;
esac

echo "Installing the course into .venv/ (first time takes about a minute) ..."
spec="$root"
[ -n "$extra" ] && spec="$root[$extra]"
log="$venv/install.log"
if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip \
       && "$venv/bin/python" -m pip install --disable-pip-version-check -e "$spec"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "Installing the course failed (full log: $log). Check the network connection to the package index and run this command again." >&2
  exit 1
fi
# JupyterLab defaults for the course: no news or update pop-ups (the course works offline), and every
# cell of a notebook kept on the page, so the forms of a document stay live while the trainee scrolls.
mkdir -p "$venv/share/jupyter/lab/settings"
cp "$root/course/config/lab-overrides.json" "$venv/share/jupyter/lab/settings/overrides.json"
echo "$want" > "$stamp"
