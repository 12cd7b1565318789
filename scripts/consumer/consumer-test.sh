#!/usr/bin/env bash
# Consumer test: prove the npm package works with no access to our source or devDependencies.
#
#   1. bundle the handlers and compile (unless CONSUMER_SKIP_BUILD=1), `npm pack` into a temp folder
#      and check what the tarball holds;
#   2. create a fresh npm project in a temp folder OUTSIDE the repository and install the tarball
#      with aws-cdk-lib at the FLOOR of its peer range (package.json peerDependencies) or, with
#      CONSUMER_CDK=newest, the newest on npm; the floor of constructs; cdk-nag (the version this
#      repository tests with), typescript and @types/node;
#   3. compile scripts/consumer/app.ts there with tsc (strict) and run it with node and CDK_OUTDIR
#      (no CDK CLI): a StatusPage and a StreamEnginePipeline with Fargate, Fargate Spot and GPU
#      engines, under cdk-nag's AwsSolutions pack;
#   4. check the cloud assembly (scripts/consumer/check-assembly.js with expected.json): stacks,
#      resource types, outputs, runtimes, the package's handler bundles behind the Lambda functions,
#      and that every Lambda asset's index.js loads with no node_modules around it;
#   5. no cdk-nag finding (scripts/consumer/check-nag.js), and cfn-lint and checkov find nothing in
#      the templates (scripts/scan/scan-templates.sh; at the floor only with CONSUMER_SCAN=1, as
#      .ci/run's scan step covers the floor).
#
# Prints one `PASS ...` / `FAIL ...` line per check and last `consumer: N passed, M failed`
# (`consumer-newest: ...` with CONSUMER_CDK=newest); exits non-zero when a check failed. Removes
# its temp folder. Env: CONSUMER_CDK=floor (default), newest or an aws-cdk-lib version;
# CONSUMER_SKIP_BUILD=1 skips step 1's build (lib/ and assets/ must exist), CONSUMER_KEEP=1 keeps
# the temp folder.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TS_VERSION="${CONSUMER_TYPESCRIPT:-~5.9.0}"   # what a typical CDK app uses today
CDK_WANTED="${CONSUMER_CDK:-floor}"
SUITE=consumer KEEP_WORK="${CONSUMER_KEEP:-}"
[ "$CDK_WANTED" != floor ] && SUITE="consumer-$CDK_WANTED"
# shellcheck source=harness.sh
. "$HERE/harness.sh"
mkdir -p "$WORK/app"

# ---- 1. build and pack ----------------------------------------------------------------------------
pack_library "${CONSUMER_SKIP_BUILD:-}"

tar -tzf "$TGZ" | sed 's#^package/##' | sort >"$WORK/files.txt"
has() { grep -Eq "$1" "$WORK/files.txt"; }
count() { grep -Ec "$1" "$WORK/files.txt"; }
for f in package.json README.md LICENSE .jsii lib/index.js lib/index.d.ts; do
  check "tarball has $f" has "^${f//./\\.}\$"
done
check "tarball has lib/**/*.js and *.d.ts ($(count '^lib/.*\.js$') js, $(count '^lib/.*\.d\.ts$') d.ts)" \
  test "$(count '^lib/.*\.d\.ts$')" -gt 10
check "tarball has assets/**/index.js ($(count '^assets/.*/index\.js$') bundles)" test "$(count '^assets/.*/index\.js$')" -eq 6
check "tarball has schemas/*.schema.json ($(count '^schemas/.*\.schema\.json$') schemas)" test "$(count '^schemas/.*\.schema\.json$')" -ge 7
# What must never ship: sources, tests, examples, CI, and this repository's local folders.
for d in src test examples .ci bench coverage test-reports projenrc .projen scripts rosetta .cache .tmp node_modules; do
  if has "^$d/"; then
    fail "tarball excludes $d/ ($(count "^$d/") files: $(grep -E "^$d/" "$WORK/files.txt" | head -n 3 | tr '\n' ' ')...)"
  else
    pass "tarball excludes $d/"
  fi
done
no_sources() { grep -E '(^|/)cdk\.out/|\.ts$|\.tsbuildinfo$' "$WORK/files.txt" | grep -vE '\.d\.ts$'; [ $? -eq 1 ]; }
check "tarball has no cdk.out, .ts sources (only .d.ts) or .tsbuildinfo" no_sources
check "package.json declares no runtime dependencies (handlers are bundled)" \
  node -e "const p=require('$ROOT/package.json'); const d=Object.keys({...p.dependencies,...p.bundledDependencies}); if(d.length){console.log(d.join(' '));process.exit(1)}"

# ---- 2. a fresh app that installs the tarball with the peer floors (or the newest aws-cdk-lib) --------
floor() { node -p "require('$ROOT/package.json').peerDependencies['$1'].replace(/^[\^~>=\s]+/, '')"; }
case "$CDK_WANTED" in
  floor) CDK_VERSION="$(floor aws-cdk-lib)" ;;
  newest) CDK_VERSION="$(npm view aws-cdk-lib version 2>/dev/null)" ;;
  *) CDK_VERSION="$CDK_WANTED" ;;
esac
[ -n "$CDK_VERSION" ] || { fail "npm view aws-cdk-lib version (the newest aws-cdk-lib)"; finish; }
CONSTRUCTS_FLOOR="$(floor constructs)"
NAG_VERSION="$(node -p "require('$ROOT/node_modules/cdk-nag/package.json').version")"
cd "$WORK/app" || exit 1
npm init -y >/dev/null
step "npm install tarball aws-cdk-lib@$CDK_VERSION constructs@$CONSTRUCTS_FLOOR cdk-nag@$NAG_VERSION typescript@$TS_VERSION"
check "npm install the tarball + aws-cdk-lib@$CDK_VERSION ($CDK_WANTED) constructs@$CONSTRUCTS_FLOOR cdk-nag@$NAG_VERSION typescript@$TS_VERSION @types/node@^20" \
  npm install --no-audit --no-fund --loglevel=error "$TGZ" "aws-cdk-lib@$CDK_VERSION" "constructs@$CONSTRUCTS_FLOOR" \
  "cdk-nag@$NAG_VERSION" "typescript@$TS_VERSION" "@types/node@^20"
check "npm ls: peer dependencies satisfied by aws-cdk-lib $CDK_VERSION and constructs $CONSTRUCTS_FLOOR" npm ls --depth=0
check "installed aws-cdk-lib is $CDK_VERSION ($CDK_WANTED)" \
  test "$(node -p "require('aws-cdk-lib/package.json').version")" = "$CDK_VERSION"
check "the package brings no node_modules of its own" test ! -e node_modules/cdk-status-and-streams/node_modules
# The incidents CLI is the package's bin: installed on the PATH of npm scripts and npx, runnable with no deps.
check "npx status-page-incident --help prints its usage" \
  bash -c 'NODE_NO_WARNINGS=1 ./node_modules/.bin/status-page-incident --help | grep -q "^Usage: status-page-incident"'

# ---- 3. compile and synthesize ----------------------------------------------------------------------
cp "$HERE/app.ts" app.ts
cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022", "module": "commonjs", "lib": ["es2022"], "types": ["node"],
    "strict": true, "noImplicitAny": true, "noUnusedLocals": true, "esModuleInterop": false,
    "skipLibCheck": true, "outDir": "."
  },
  "files": ["app.ts"]
}
EOF
step "tsc"
check "app.ts compiles against the package's .d.ts (tsc $(node -p "require('typescript/package.json').version" 2>/dev/null), strict)" \
  ./node_modules/.bin/tsc -p tsconfig.json
# With skipLibCheck a module missing from the consumer would silently become `any`: check that the
# public declarations import only relative paths and the peer dependencies.
check "public .d.ts (closure of lib/index.d.ts) import only relative paths, aws-cdk-lib and constructs" \
  node "$HERE/check-dts.js" "$WORK/app/node_modules/cdk-status-and-streams"
step "node app.js (CDK_OUTDIR)"
check "node app.js synthesizes (CDK_OUTDIR, no CDK CLI)" env CDK_OUTDIR="$WORK/app/cdk.out" node app.js

# ---- 4. the cloud assembly ----------------------------------------------------------------------------
step "check the assembly"
check_assembly "$WORK/app" "$HERE/expected.json"

# ---- 5. cdk-nag, cfn-lint and checkov ------------------------------------------------------------------
step "cdk-nag findings, cfn-lint and checkov"
counted_lines() { # runs a command whose PASS/FAIL lines (and indented details) count as checks
  "$@" >"$WORK/lines.log" 2>&1
  grep -vE '^scan: ' "$WORK/lines.log"
  PASSED=$((PASSED + $(grep -c '^PASS ' "$WORK/lines.log")))
  FAILED=$((FAILED + $(grep -c '^FAIL ' "$WORK/lines.log")))
  grep -qE '^(PASS|FAIL) ' "$WORK/lines.log" || { fail "$* ran (see output above)"; tail -n 20 "$WORK/lines.log"; }
}
counted_lines node "$HERE/check-nag.js" "$WORK/app/cdk.out"
# At the floor, .ci/run's scan step already runs both scanners on the example apps (the same
# constructs, GPU engine included, with the same aws-cdk-lib): scanning here again costs CI minutes.
if [ "$CDK_WANTED" != floor ] || [ -n "${CONSUMER_SCAN:-}" ]; then
  counted_lines "$ROOT/scripts/scan/scan-templates.sh" "$WORK"/app/cdk.out/*.template.json
fi
finish
