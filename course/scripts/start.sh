#!/usr/bin/env bash
# Start the course: JupyterLab on 127.0.0.1, opened at the landing page (trainee mode).
# Extra arguments go to `clusterlab lab` (e.g. --instructor, or --no-browser --port=8890 for Jupyter).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/course/scripts/ensure-venv.sh"
exec "$root/.venv/bin/clusterlab" lab "$@"
