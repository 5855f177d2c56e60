#!/usr/bin/env bash
# Build (or reuse) the virtual environment with everything the library, notebooks and tests need.
# The venv lives in $LANDAU_VENV (default .venv); it is rebuilt when the dependency list in
# pyproject.toml (or this script) changes, and reused otherwise.
# Usage: source scripts/setup.sh   (activates it)   or   bash scripts/setup.sh
set -e
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_venv="${LANDAU_VENV:-$_root/.venv}"
_deps="$(python3 -c 'import sys, tomllib; p = tomllib.load(open(sys.argv[1], "rb"))["project"]; print(p["dependencies"], p["optional-dependencies"])' "$_root/pyproject.toml")"
_key="$( (echo "$_deps"; cat "$_root/scripts/setup.sh") | sha256sum | cut -c1-16)"
if [ ! -f "$_venv/.landau-key" ] || [ "$(cat "$_venv/.landau-key")" != "$_key" ]; then
    echo "setup: building the environment in $_venv (torch is large: this takes minutes once)"
    rm -rf "$_venv"
    python3 -m venv "$_venv"
    "$_venv/bin/python" -m pip install -q --upgrade pip
    # torch/torchvision first, as a pair that imports together (pip on this machine takes them from disk)
    "$_venv/bin/python" -m pip install -q "torch>=2.3" "torchvision>=0.18"
    "$_venv/bin/python" -m pip install -q -e "$_root[notebooks,test]"
    "$_venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
    echo "$_key" > "$_venv/.landau-key"
fi
# pip install -e records the checkout it was run from; a reused env must point at this one
# (asked from / so that the landau_lib folder of the current directory cannot answer instead)
if ! (cd / && "$_venv/bin/python" -c "import landau_lib, sys; sys.exit(not landau_lib.__file__.startswith('$_root/'))") 2>/dev/null; then
    "$_venv/bin/python" -m pip install -q --no-deps -e "$_root"
fi
export PATH="$_venv/bin:$PATH"
export VIRTUAL_ENV="$_venv"
