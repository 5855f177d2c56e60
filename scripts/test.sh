#!/usr/bin/env bash
# The test command: sets up the environment (scripts/setup.sh) and runs the whole suite,
# including papermill reruns of every notebook in quick mode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
python -m pytest -q "$@"
