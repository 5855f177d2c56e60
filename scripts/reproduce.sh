#!/usr/bin/env bash
# The reproduce command: sets up the environment, then runs every notebook in order with its
# defaults (papermill), regenerating figures/ and results/. Executed copies go to runs/executed/.
# Extra arguments are passed to papermill, e.g.  bash scripts/reproduce.sh -p device cuda
# Run a subset with NOTEBOOKS="01 02", e.g.  NOTEBOOKS=04 bash scripts/reproduce.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
mkdir -p runs/executed
start=$(date +%s)
for nb in notebooks/[0-9][0-9]_*.ipynb; do
    name=$(basename "$nb" .ipynb)
    if [ -n "${NOTEBOOKS:-}" ] && [[ " $NOTEBOOKS " != *" ${name:0:2} "* ]]; then continue; fi
    echo "=== $name ($(date +%H:%M:%S))"
    papermill "$nb" "runs/executed/$name.ipynb" --cwd notebooks --progress-bar "$@"
done
echo "reproduced in $(( $(date +%s) - start )) s"
