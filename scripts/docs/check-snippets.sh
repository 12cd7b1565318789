#!/usr/bin/env bash
# Compile every TypeScript snippet of the package (README.md code blocks and `@example` doc
# comments, as stored in .jsii) with `jsii-rosetta extract --strict`, the way Construct Hub does
# before it shows them in Python and Java. Snippets run inside rosetta/default.ts-fixture
# (a Stack subclass: snippets may use `this` and a declared `vpc`). Non-TypeScript blocks (sh, nginx)
# are ignored by rosetta.
#
# Usage: scripts/docs/check-snippets.sh [--no-compile] [--keep-tablet]
#   --no-compile   do not run `npx projen compile` first (.jsii must be current)
#   --keep-tablet  keep the translations in .jsii.tabl.json next to .jsii (jsii-pacmak reads it
#                  to translate the examples in the Python and Java packages); by default the
#                  tablet this script writes is removed again.
# Exits non-zero on any snippet that does not compile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

compile=1 keep=0
for arg in "$@"; do
  case "$arg" in
    --no-compile) compile=0 ;;
    --keep-tablet) keep=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

start=$SECONDS
if [ "$compile" = 1 ]; then
  npx -y projen compile
fi
[ -f .jsii ] || { echo "FAIL no .jsii: run npx projen compile first" >&2; exit 1; }
had_tablet=0; [ -e .jsii.tabl.json ] && had_tablet=1

log="$(mktemp)"
trap 'rm -f "$log"; if [ "$keep" = 0 ] && [ "$had_tablet" = 0 ]; then rm -f .jsii.tabl.json; fi' EXIT

set +e
npx jsii-rosetta extract --strict --verbose .jsii 2>&1 | grep -v '^!!' | tee "$log"
rc=${PIPESTATUS[0]}
set -e

translated="$(sed -n 's/.*Translated \([0-9]*\) snippets.*/\1/p' "$log" | tail -n 1)"
errors="$(grep -c 'error TS[0-9]*' "$log" || true)"
if [ "$rc" -ne 0 ]; then
  echo "snippets: FAIL ${errors} compile error(s) (jsii-rosetta exit $rc; see above), $((SECONDS - start)) s"
  exit 1
fi
# Snippets already in the tablet are not translated again: count what the tablet holds.
total="$(node -e 'try { const t = require("./.jsii.tabl.json"); console.log(Object.keys(t.snippets || {}).length); } catch { console.log("?"); }')"
echo "snippets: PASS ${total} snippet(s) in the tablet compile under jsii-rosetta --strict (${translated:-0} translated now), $((SECONDS - start)) s"
