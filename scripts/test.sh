#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the checks: ruff, the layers (import-linter), then the
# whole pytest suite.
# PostgreSQL tests run when MEILI_TEST_POSTGRES_URL is set (.ci/run starts a server and sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check meili tests benchmarks
.venv/bin/ruff format --check meili tests benchmarks
.venv/bin/lint-imports
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
