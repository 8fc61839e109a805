#!/usr/bin/env bash
# Rebuild plotly-core.min.js, the smaller plotly.js the public dashboards load (about 1.1 MB instead
# of the 4.9 MB of plotly's full FigureWidget script). Needs Node.js and npm; run it when the
# shared components start to use another trace type (add it to plotly-core.entry.js and to
# TRACE_TYPES in casestudies/public/charts.py), or to move to another plotly.js version.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/plotly-core.entry.js" "$work/entry.js"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent plotly.js@3.7.0 esbuild@0.28.2
npx esbuild entry.js --bundle --minify --format=esm --define:global=window --loader:.css=empty \
  --legal-comments=eof --outfile=out.js
mv out.js "$here/plotly-core.min.js"
echo "wrote $here/plotly-core.min.js ($(wc -c <"$here/plotly-core.min.js") bytes)"
