#!/usr/bin/env bash
# Scans every synthesized example template with cfn-lint and checkov.
#
#   scripts/scan/scan-templates.sh                 the examples' templates
#   scripts/scan/scan-templates.sh <template>...   these templates (the consumer test's app)
#
# With no arguments, run `npm run synth:examples` first (CI does): this script reads
# examples/typescript/*/cdk.out/*.template.json and fails if there are none.
# The scanners live in a venv under node_modules/.cache/scan-venv, created on first use and
# re-created when the pinned versions below change.
#
# Policy: cfn-lint errors AND warnings fail the scan (warnings are either fixed or skipped next to
# their resource with a reason, so none can pile up); checkov failed checks fail the scan. Skips
# are resource metadata written by src/private/scanner-skips.ts (or the example app), each with a
# reason; test/scan-metadata.test.ts checks the reasons.
#
# Output: one line per template x scanner, `PASS|FAIL <scanner> <template> (<n> findings)`, the
# findings indented under a FAIL, and a last line `scan: N passed, M failed`. Exit 1 on failure.
set -euo pipefail

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/node_modules/.cache/scan-venv"
STAMP="$VENV/.scan-versions"
WANT="cfn-lint==$CFN_LINT_VERSION checkov==$CHECKOV_VERSION"

if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]]; then
  echo "scan: installing $WANT into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $WANT >&2
  echo "$WANT" > "$STAMP"
fi

if [[ $# -gt 0 ]]; then
  templates=("$@")
else
  shopt -s nullglob
  templates=(examples/typescript/*/cdk.out/*.template.json)
  shopt -u nullglob
fi
if [[ ${#templates[@]} -eq 0 ]]; then
  echo "scan: no templates under examples/typescript/*/cdk.out/*.template.json; run 'npm run synth:examples' first" >&2
  echo "scan: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
report() { # <scanner> <template> <count> <rc> <output>
  local scanner=$1 template=$2 count=$3 rc=$4 output=$5
  if [[ $rc -eq 0 && $count -eq 0 ]]; then
    echo "PASS $scanner $template ($count findings)"
    passed=$((passed + 1))
  else
    echo "FAIL $scanner $template ($count findings)"
    [[ -n "$output" ]] && printf '%s\n' "$output" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

for template in "${templates[@]}"; do
  # cfn-lint: exit code is a bitmask (2 error, 4 warning, 8 informational; default rules show E and W).
  rc=0
  out=$("$VENV/bin/cfn-lint" --format parseable -- "$template" 2>&1) || rc=$?
  count=$(printf '%s\n' "$out" | grep -c ':[EWI][0-9]\{4\}:' || true)
  report cfn-lint "$template" "$count" "$rc" "$out"

  # checkov: --skip-download keeps it offline (this machine reaches only PyPI, npm and Maven Central).
  rc=0
  out=$("$VENV/bin/checkov" --framework cloudformation --compact --quiet --skip-download -f "$template" 2>&1) || rc=$?
  count=$(printf '%s\n' "$out" | grep -c 'FAILED for resource' || true)
  findings=$(printf '%s\n' "$out" | grep -E '^(Check: |[[:space:]]+FAILED for resource)' || true)
  [[ $rc -ne 0 && $count -eq 0 ]] && findings=$out   # a crash, not findings: show everything
  report checkov "$template" "$count" "$rc" "$findings"
done

echo "scan: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
