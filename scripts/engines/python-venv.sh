#!/usr/bin/env bash
# Prints the path of a Python that has the Python engine templates' requirements installed.
#
# The venv (node_modules/.cache/engine-python-venv, or ENGINE_PYTHON_VENV) is made again only when
# a requirements.txt or the Python version changed: their hash is kept in the venv. Packages come
# from PyPI through pip. Progress goes to stderr; stdout is only the python path.
#
#   PYTHON=python3.12 scripts/engines/python-venv.sh   # another interpreter (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${ENGINE_PYTHON_VENV:-$ROOT/node_modules/.cache/engine-python-venv}"
BASE_PYTHON="${PYTHON:-python3}"
REQUIREMENTS=(
  "$ROOT/examples/engines/python-stream-engine/requirements.txt"
  "$ROOT/examples/engines/python-object-engine/requirements.txt"
)

mkdir -p "$(dirname "$VENV")"
# one install at a time (jest workers, a second terminal)
exec 9>"$VENV.lock"
flock 9

hash="$({ "$BASE_PYTHON" --version; cat "${REQUIREMENTS[@]}"; } 2>&1 | sha256sum | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.requirements-sha256" 2>/dev/null)" = "$hash" ]; then
  echo "$VENV/bin/python"
  exit 0
fi

echo "python-venv: installing the engine templates' requirements into $VENV" >&2
rm -rf "$VENV"
"$BASE_PYTHON" -m venv "$VENV" >&2
pip_args=()
for file in "${REQUIREMENTS[@]}"; do pip_args+=(-r "$file"); done
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${pip_args[@]}" >&2
echo "$hash" >"$VENV/.requirements-sha256"
echo "$VENV/bin/python"
