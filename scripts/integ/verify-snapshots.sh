#!/usr/bin/env bash
# Verifies the integration tests' committed snapshots (test/integ/integ.*.ts.snapshot/) with
# integ-runner in snapshot mode: each test app is synthesized again and its templates compared
# with the snapshot. Nothing is deployed and no AWS credentials are used. Asset contents (handler
# bundles, layers, Docker contexts) are not committed and not compared (integ-runner's default);
# the templates, which name the assets by hash, are.
#
# After a change that alters the templates, update the snapshots and commit them:
#   scripts/integ/verify-snapshots.sh --update
# (integ-runner --dry-run --update-on-failed: it rewrites the snapshots without deploying).
# To run the tests for real on an AWS account, see the README ("Integration tests").
#
# Prints integ-runner's report, then `integ: N passed, M failed` (one per test app); exit 1 on failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# No AWS: no credentials, metadata service, version check or telemetry.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN CDK_DEFAULT_ACCOUNT CDK_DEFAULT_REGION

args=(--directory test/integ --language typescript --app 'node -r ts-node/register/transpile-only {filePath}')
[[ "${1:-}" == --update ]] && args+=(--dry-run --update-on-failed)

tests=$(find test/integ -maxdepth 1 -name 'integ.*.ts' | wc -l)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
npx integ-runner "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One line per test app: UNCHANGED passes; CHANGED, NEW (no snapshot yet) and ERROR fail.
passed=$(grep -cE '^\s+UNCHANGED\s' "$log")
failed=$((tests - passed))
if [[ "${1:-}" == --update ]]; then
  rm -rf test/integ/*.snapshot/asset.*   # not committed (test/integ/.gitignore)
  passed=$tests; failed=$((status == 0 ? 0 : 1))
fi
[[ $tests -eq 0 ]] && failed=1
echo "integ: $passed passed, $failed failed"
[[ $failed -eq 0 && $status -eq 0 ]]
