# Shared by the tests that install the packed library outside the repository
# (scripts/consumer/consumer-test.sh, scripts/examples/examples-test.sh). Source it after setting
#   SUITE      the name in the summary line ("<SUITE>: N passed, M failed")
#   ROOT       the repository root
#   KEEP_WORK  1 keeps the temp folder for inspection
# It creates WORK, a fresh temp folder OUTSIDE the repository with no node_modules above it (else
# require() could find our devDependencies and the test would prove nothing), removed on exit, and
# points TMPDIR into it (npm's, CDK's and the assembly checker's temp files). It provides counted
# checks (pass, fail, check, finish), step (progress on stderr) and pack_library.

START=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/$SUITE-test.XXXXXX")"
case "$WORK/" in "$ROOT"/*) rm -rf "$WORK"; WORK="$(mktemp -d "/tmp/$SUITE-test.XXXXXX")";; esac
cleanup() { if [ "${KEEP_WORK:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR" "$WORK/pack"

PASSED=0; FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
check() { local what="$1"; shift; if "$@" >"$WORK/last.log" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/    /' "$WORK/last.log" | tail -n 20; fi; }
finish() {
  echo "$SUITE: $PASSED passed, $FAILED failed  ($((SECONDS - START)) s)"
  [ "$FAILED" -eq 0 ]
  exit $?
}
step() { echo "-- $* ($((SECONDS - START)) s)" >&2; }

no_node_modules_above() {
  local d; d="$(dirname "$WORK")"
  while :; do
    [ -e "$d/node_modules" ] && { echo "$d/node_modules exists above $WORK"; return 1; }
    [ "$d" = / ] && return 0
    d="$(dirname "$d")"
  done
}
check "temp folder $WORK is outside the repository with no node_modules above it" no_node_modules_above

in_root() { (cd "$ROOT" && "$@"); }

# pack_library <skip build: 1 or anything else>: bundles the handlers and compiles (unless skipped:
# then lib/ and assets/ must exist), packs the library with npm pack into $WORK/pack and sets TGZ.
# Finishes the suite when packing fails.
pack_library() {
  if [ "$1" != 1 ]; then
    step "npx projen bundle && npx projen compile"
    check "npx projen bundle" in_root npx -y projen bundle
    check "npx projen compile" in_root npx -y projen compile
  fi
  step "npm pack"
  if ! in_root npm pack --pack-destination "$WORK/pack" --silent >"$WORK/pack.log" 2>&1; then
    fail "npm pack"; tail -n 20 "$WORK/pack.log"; finish
  fi
  TGZ="$(ls "$WORK"/pack/*.tgz)"
  pass "npm pack ($(basename "$TGZ"), $(du -k "$TGZ" | cut -f1) KiB)"
}

# check_assembly <app dir> <expectations json> [label]: runs check-assembly.js on the app's
# cdk.out against the library installed in its node_modules; each PASS/FAIL line it prints
# (prefixed with the label) counts.
check_assembly() {
  local app="$1" expected="$2" prefix="${3:+$3: }"
  if [ ! -f "$app/cdk.out/manifest.json" ]; then fail "${prefix}cdk.out/manifest.json exists"; return; fi
  node "$ROOT/scripts/consumer/check-assembly.js" "$app/cdk.out" "$app/node_modules/cdk-status-and-streams" "$expected" \
    >"$WORK/assembly.log" 2>&1
  sed "s/^\(PASS\|FAIL\) /\1 $prefix/" "$WORK/assembly.log"
  PASSED=$((PASSED + $(grep -c '^PASS ' "$WORK/assembly.log")))
  FAILED=$((FAILED + $(grep -c '^FAIL ' "$WORK/assembly.log")))
  grep -qE '^(PASS|FAIL) ' "$WORK/assembly.log" || fail "${prefix}assembly checker ran (see output above)"
}
