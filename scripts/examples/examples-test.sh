#!/usr/bin/env bash
# Examples test: every TypeScript example folder (examples/typescript/<name>/), copied out of the
# repository, builds and synthesizes against the packed library, as it does for a user who copies it.
#
#   1. bundle the handlers and compile (unless EXAMPLES_SKIP_BUILD=1), `npm pack` once;
#   2. for each example: copy the folder (without cdk.out/ and node_modules/) into a temp folder
#      OUTSIDE the repository, `npm install <tarball>` there (its other dependencies come from the
#      registry as its package.json names them), `npm run build` (tsc) and `npx cdk synth --quiet`
#      (the aws-cdk CLI it installed). No AWS account: the stacks are environment-agnostic, and the
#      CLI gets no credentials, no metadata service, no notices, version check or telemetry;
#   3. check the cloud assembly with scripts/consumer/check-assembly.js against
#      scripts/examples/expected/<name>.json: stacks, resource types, outputs, the package's handler
#      bundles behind the Lambda functions, each loading with no node_modules around it.
#
# Prints one `PASS ...` / `FAIL ...` line per check and last `examples: N passed, M failed`; exits
# non-zero when a check failed. Env: EXAMPLES_SKIP_BUILD=1 skips step 1's build (lib/ and assets/
# must exist), EXAMPLES_KEEP=1 keeps the temp folder.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SUITE=examples KEEP_WORK="${EXAMPLES_KEEP:-}"
# shellcheck source=../consumer/harness.sh
. "$ROOT/scripts/consumer/harness.sh"

pack_library "${EXAMPLES_SKIP_BUILD:-}"

# What `cdk synth` may reach: npm's registry for the install only, nothing of AWS.
export AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true CDK_HOME="$WORK/cdk-home"
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION \
  CDK_DEFAULT_ACCOUNT CDK_DEFAULT_REGION

installed() { node -p "require('$1/package.json').version" 2>/dev/null || echo missing; }
recorded_tarball() { # the copied package.json now names the tarball, not the registry
  node -e "const d = require('./package.json').dependencies['cdk-status-and-streams'];
    if (require('path').resolve(d.replace(/^file:/, '')) !== '$TGZ') { console.log('dependency is ' + d); process.exit(1); }"
}

examples=0
for src in "$ROOT"/examples/typescript/*/; do
  name="$(basename "$src")"
  examples=$((examples + 1))
  app="$WORK/$name"
  expected="$HERE/expected/$name.json"
  if [ ! -f "$expected" ]; then fail "$name: $(realpath --relative-to="$ROOT" "$expected") lists what its assembly holds"; continue; fi

  step "$name: copy, npm install, build, cdk synth"
  mkdir -p "$app" && tar -C "$src" --exclude=./cdk.out --exclude=./node_modules -cf - . | tar -C "$app" -xf -
  cd "$app" || exit 1
  check "$name: npm install <tarball> and the dependencies its package.json names" \
    npm install --no-audit --no-fund --loglevel=error "$TGZ"
  check "$name: package.json now depends on the tarball" recorded_tarball
  versions="aws-cdk-lib $(installed aws-cdk-lib), constructs $(installed constructs), aws-cdk $(installed aws-cdk), typescript $(installed typescript)"
  check "$name: npm run build (tsc; $versions)" npm run build
  check "$name: npx cdk synth --quiet" npx cdk synth --quiet --no-notices
  check_assembly "$PWD" "$expected" "$name"
done
check "found the TypeScript examples ($examples)" test "$examples" -ge 2
finish
