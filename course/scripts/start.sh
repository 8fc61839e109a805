#!/usr/bin/env bash
# Start the course: JupyterLab on 127.0.0.1, opened at the landing page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/course/scripts/ensure-venv.sh"
cd "$root"
extra=()
[ "$(id -u)" = "0" ] && extra+=(--allow-root)
exec "$root/.venv/bin/jupyter" lab --ip=127.0.0.1 --ServerApp.root_dir="$root" \
  --LabApp.default_url=/lab/tree/course/start-here.ipynb "${extra[@]}" "$@"
