#!/usr/bin/env bash
# Builds the jsii Python wheel and Java jar from this checkout (only when their inputs changed),
# installs them where examples/python and examples/java find the published package's name, runs
# `cdk synth` in both folders (their cdk.json; the aws-cdk CLI of node_modules), synthesizes the
# TypeScript examples, and compares the templates (scripts/bindings/compare-templates.js).
# The last line of output is "bindings: N passed, M failed"; the exit code is non-zero on any failure.
#
# Needs: node/npm with node_modules installed, python3 with the venv module (Debian: python3-venv),
# Java 17 + Maven 3.8, and network access to PyPI and Maven Central on the first run.
#
# Rebuild policy: `npx projen compile`, `package:python` and `package:java` run only when the
# SHA-256 of their inputs (src/, assets/, schemas/, package.json, tsconfig.json, .npmignore,
# README.md) differs from the one the
# current output was built from (or the output is missing). FORCE_REBUILD=1 always rebuilds.
# The TypeScript examples are always re-synthesized (`npm run synth:examples`, which also bundles
# the handlers), so the reference templates are never stale.
#
# Caches (venv, private Maven repository, stamps, scratch TMPDIR) live in
# $BINDINGS_CACHE_DIR, default node_modules/.cache/cdk-bindings: ignored by git, and never put
# into the npm tarball (which jsii-pacmak embeds in the wheel and the jar) whatever .npmignore says.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CACHE="${BINDINGS_CACHE_DIR:-$ROOT/node_modules/.cache/cdk-bindings}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
VENV="$CACHE/venv"
M2="$CACHE/m2"
export TMPDIR="$CACHE/tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
# jsii prints a large banner on every call under Node 20; the examples do not need it.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
# cdk synth needs no AWS account: no metadata service, version check or telemetry.
export AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true
CDK="$ROOT/node_modules/.bin/cdk"

VERSION="$(node -p 'require("./package.json").version')"
WHEEL="dist/python/cdk_status_and_streams-${VERSION}-py3-none-any.whl"
JAVA_DIR="dist/java/io/github/cdk-status-and-streams/cdk-status-and-streams/${VERSION}"
JAR="$JAVA_DIR/cdk-status-and-streams-${VERSION}.jar"
POM="$JAVA_DIR/cdk-status-and-streams-${VERSION}.pom"

step_start=0
step() { step_start=$(date +%s.%N); echo "== $1"; }
took() { printf '   took %.1fs\n' "$(echo "$(date +%s.%N) - $step_start" | bc)"; }
# Runs a command quietly; shows its output only when it fails.
quiet() {
  local log="$CACHE/last.log"
  if ! "$@" >"$log" 2>&1; then
    grep -v '^!!' "$log" | tail -n 40 >&2
    echo "FAILED: $*" >&2
    exit 1
  fi
}

# ---------- 1. TypeScript reference templates (bundles the handlers first) ----------
step "npm run synth:examples"
quiet npm run synth:examples
took

# ---------- 2. jsii packages, when their inputs changed ----------
inputs_hash() {
  { find src assets schemas -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum package.json tsconfig.json .npmignore README.md; } | sha256sum | cut -c1-64
}
HASH="$(inputs_hash)"
stale() { # stale <stamp> <output...>
  local stamp="$CACHE/stamp-$1"; shift
  [[ "${FORCE_REBUILD:-0}" == 1 ]] && return 0
  for out in "$@"; do [[ -e "$out" ]] || return 0; done
  [[ "$(cat "$stamp" 2>/dev/null)" != "$HASH" ]]
}
stamp() { echo "$HASH" > "$CACHE/stamp-$1"; }

if stale compile .jsii lib/index.js; then
  step "npx projen compile"; quiet npx projen compile; stamp compile; took
  rm -f "$CACHE/stamp-python" "$CACHE/stamp-java"
else echo "== compile: up to date"; fi
if stale python "$WHEEL"; then
  step "npx projen package:python"; quiet npx projen package:python; stamp python; took
else echo "== package:python: up to date ($WHEEL)"; fi
if stale java "$JAR" "$POM"; then
  step "npx projen package:java"; quiet npx projen package:java; stamp java; took
else echo "== package:java: up to date ($JAR)"; fi

# What the packages ship: the jsii tarball inside the wheel is the npm package itself.
dev_files="$(python3 - "$WHEEL" <<'EOF'
import io, sys, tarfile, zipfile
whl = zipfile.ZipFile(sys.argv[1])
tgz = next(n for n in whl.namelist() if n.endswith('.jsii.tgz'))
names = tarfile.open(fileobj=io.BytesIO(whl.read(tgz))).getnames()
bad = sorted({n.split('/')[1] for n in names if n.split('/')[1] in ('.cache', '.tmp', 'rosetta', 'coverage', 'test-reports', 'scripts', 'bench', 'examples')})
print(' '.join(bad))
EOF
)"
if [[ -n "$dev_files" ]]; then
  echo "WARN package: the wheel's jsii tarball (= the npm package) ships repository folders: $dev_files ($(du -h "$WHEEL" | cut -f1) wheel)"
fi

# ---------- 3. Python app ----------
step "python: venv + wheel, cdk synth in examples/python"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  quiet "$VENV/bin/pip" install -q --upgrade pip
fi
# The wheel keeps version 0.0.0 across builds: force its reinstall. requirements.txt names the
# published package, which the installed wheel satisfies; aws-cdk-lib and constructs are held at
# package.json's devDependency versions, the ones the TypeScript templates are synthesized with.
quiet "$VENV/bin/pip" install -q --force-reinstall --no-deps "$WHEEL"
node -p '["aws-cdk-lib", "constructs"].map((n) => `${n}==${require("./package.json").devDependencies[n]}`).join("\n")' \
  > "$CACHE/constraints.txt"
quiet "$VENV/bin/pip" install -q -r examples/python/requirements.txt -c "$CACHE/constraints.txt"
rm -rf examples/python/cdk.out
(cd examples/python && PATH="$VENV/bin:$PATH" quiet "$CDK" synth --quiet --no-notices)
took

# ---------- 4. Java app ----------
step "java: install jar into $M2, cdk synth in examples/java"
# A private local repository: the freshly built 0.0.0 jar replaces the previous one on every
# run, and ~/.m2 never holds a stale copy of it. Dependencies are downloaded once into it.
quiet mvn -B -q -Dmaven.repo.local="$M2" \
  org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file \
  -Dfile="$JAR" -DpomFile="$POM"
rm -rf examples/java/cdk.out
(cd examples/java && MAVEN_OPTS="-Dmaven.repo.local=$M2" quiet "$CDK" synth --quiet --no-notices)
took

# ---------- 5. Compare ----------
echo "== compare templates"
node scripts/bindings/compare-templates.js python java
