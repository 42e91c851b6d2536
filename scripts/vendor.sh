#!/usr/bin/env bash
# Copy the built Apache ECharts file (locked in package-lock.json) into the Python package.
# The copy is committed: a pip install has it and nothing is fetched at run time. Run after
# changing the echarts version in package.json: npm ci && bash scripts/vendor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/echarts ] || npm ci --no-audit --no-fund --ignore-scripts
dest=meili/web/static/vendor/echarts
mkdir -p "$dest"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
cp node_modules/echarts/LICENSE "$dest/LICENSE"
cp node_modules/echarts/NOTICE "$dest/NOTICE.txt"
version=$(node -p "require('./node_modules/echarts/package.json').version")
printf 'Apache ECharts %s (npm package echarts, Apache-2.0), dist/echarts.min.js unchanged.\n' "$version" > "$dest/VERSION.txt"
echo "vendored echarts $version into $dest"
