#!/usr/bin/env node
// Checks a cloud assembly synthesized against the installed package: the consumer app
// (scripts/consumer/app.ts) and the copied examples (scripts/examples/examples-test.sh).
// Usage: node check-assembly.js <cdk.out> <installed package dir> <expected.json>
// expected.json: { "stacks": { "<stack>": { "atLeast": { "<resource type>": <min count> },
//   "outputs": ["<output id>"] } }, "bundles": ["<area>/<handler>"] }: the assembly has exactly
// these stacks, and its Lambda functions deploy exactly these handler bundles of the package.
// Prints one `PASS ...` / `FAIL ...` line per check; exit code 1 when any check failed.
// Plain Node.js with no dependencies: it runs in the consumer's temp folder.
'use strict';
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [outdir, pkgDir, expectedFile] = process.argv.slice(2);
if (!outdir || !pkgDir || !expectedFile) {
  console.error('usage: node check-assembly.js <cdk.out> <package dir> <expected.json>');
  process.exit(2);
}
const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));

let failed = 0;
function check(ok, what, detail) {
  if (!ok) failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
}
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// The package's Lambdas run on the newest Node.js runtime the app's aws-cdk-lib knows.
const { Runtime } = require(require.resolve('aws-cdk-lib/aws-lambda', { paths: [pkgDir] }));
const nodeMajor = (name) => Number(/^nodejs(\d+)\.x$/.exec(name)?.[1] ?? 0);
const newestNodeRuntime = Runtime.ALL.map((r) => r.name).reduce((a, b) => (nodeMajor(b) > nodeMajor(a) ? b : a));

// ---- read the assembly ------------------------------------------------------------------------
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
const stacks = {}; // stack name -> template
const fileAssets = {}; // asset hash -> absolute source path
const dockerAssets = [];
for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
  if (artifact.type === 'aws:cloudformation:stack') {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
  } else if (artifact.type === 'cdk:asset-manifest') {
    const assets = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.file), 'utf8'));
    for (const [hash, entry] of Object.entries(assets.files ?? {})) {
      fileAssets[hash] = path.join(outdir, entry.source.path);
    }
    dockerAssets.push(...Object.keys(assets.dockerImages ?? {}));
  }
}
const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
check(sameSet(Object.keys(stacks), Object.keys(expected.stacks)),
  `assembly has the stacks ${Object.keys(expected.stacks).join(', ')}`, `found ${Object.keys(stacks).join(', ')}`);

// ---- resource types and outputs -----------------------------------------------------------------
for (const [stack, { atLeast, outputs = [] }] of Object.entries(expected.stacks)) {
  const resources = Object.values(stacks[stack]?.Resources ?? {});
  for (const [type, min] of Object.entries(atLeast)) {
    const n = resources.filter((r) => r.Type === type).length;
    check(n >= min, `${stack} has ${type}`, `${n} found, at least ${min} expected`);
  }
  for (const output of outputs) {
    check(output in (stacks[stack]?.Outputs ?? {}), `${stack} has output ${output}`);
  }
}
check(dockerAssets.length === 0, 'no Docker image assets (consumers need no Docker)', `${dockerAssets.length} found`);

// ---- the package's handler bundles --------------------------------------------------------------
const bundles = {}; // sha256 of index.js -> 'status-page/checker.lambda'
const assetsRoot = path.join(pkgDir, 'assets');
for (const area of fs.readdirSync(assetsRoot)) {
  for (const handler of fs.readdirSync(path.join(assetsRoot, area))) {
    const file = path.join(assetsRoot, area, handler, 'index.js');
    // *.lambda folders are handlers; others (status-page/incident-cli) are the package's bins
    if (handler.endsWith('.lambda') && fs.existsSync(file)) bundles[sha256(file)] = `${area}/${handler}`;
  }
}
check(Object.keys(bundles).length === 5, 'package ships 5 handler bundles', Object.values(bundles).join(', '));

// A folder with no node_modules anywhere above it, so require() can only find what is bundled.
function isolatedDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-lambda-'));
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) {
      throw new Error(`${d}/node_modules exists: cannot prove a bundle is self-contained under ${dir}`);
    }
    if (d === path.dirname(d)) break;
  }
  return dir;
}

// ---- every Lambda function's code asset ---------------------------------------------------------
const usedBundles = new Set();
for (const [stack, template] of Object.entries(stacks)) {
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const p = r.Properties ?? {};
    const where = `${stack}/${logicalId}`;
    const key = p.Code?.S3Key;
    const hash = typeof key === 'string' ? key.replace(/\.zip$/, '') : undefined;
    const dir = hash && fileAssets[hash];
    if (!dir || !fs.statSync(dir).isDirectory()) {
      check(false, `${where}: code is a directory asset in cdk.out`, `S3Key ${JSON.stringify(key)}`);
      continue;
    }
    const indexJs = path.join(dir, 'index.js');
    const size = fs.existsSync(indexJs) ? fs.statSync(indexJs).size : 0;
    check(size > 0, `${where}: ${path.basename(dir)}/index.js is non-empty`, `${size} bytes`);
    if (size === 0) continue;

    const bundle = bundles[sha256(indexJs)];
    const owner = bundle ? `cdk-status-and-streams ${bundle}` : 'aws-cdk-lib';
    if (bundle) {
      usedBundles.add(bundle);
      check(p.Runtime === newestNodeRuntime, `${where} (${bundle}): Runtime ${newestNodeRuntime}, the newest aws-cdk-lib knows`, `got ${JSON.stringify(p.Runtime)}`);
    }

    // Load the handler from a copy of the asset with no node_modules around it.
    const [file, exportName] = String(p.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/);
    const iso = isolatedDir();
    try {
      fs.cpSync(dir, iso, { recursive: true });
      const env = { ...process.env };
      delete env.NODE_PATH;
      delete env.NODE_OPTIONS;
      const res = childProcess.spawnSync(process.execPath, ['-e',
        `const m = require(${JSON.stringify(path.join(iso, file))});
         if (typeof m[${JSON.stringify(exportName)}] !== 'function') {
           console.error('export ${exportName} is ' + typeof m[${JSON.stringify(exportName)}]); process.exit(3);
         }
         process.exit(0);`], { cwd: iso, env, encoding: 'utf8', timeout: 30_000 });
      const why = (res.stderr || '').trim().split('\n').find((l) => /Error|export/.test(l)) ?? `exit ${res.status}`;
      check(res.status === 0, `${where} (${owner}): require('${file}').${exportName} loads with no node_modules`,
        res.status === 0 ? undefined : why);
    } finally {
      fs.rmSync(iso, { recursive: true, force: true });
    }
  }
}
check(sameSet(usedBundles, expected.bundles), `Lambda functions deploy the package's bundles ${expected.bundles.join(', ')}`,
  `found ${[...usedBundles].join(', ') || 'none'}`);

process.exit(failed ? 1 : 0);
