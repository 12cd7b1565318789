#!/usr/bin/env node
// Checks that cdk-nag (applied by scripts/consumer/app.ts) left no finding in a cloud assembly:
// cdk-nag reports each unacknowledged finding, and each rule it could not evaluate
// (CdkNagValidationFailure), as an error or warning in the stack's metadata.
// Usage: node check-nag.js <cdk.out>. Prints one `PASS ...` / `FAIL ...` line per stack, the
// findings indented under a FAIL; exit code 1 when any stack has findings.
'use strict';
const fs = require('fs');
const path = require('path');

const outdir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
let failed = 0;
let stacks = 0;
for (const [name, artifact] of Object.entries(manifest.artifacts ?? {})) {
  if (artifact.type !== 'aws:cloudformation:stack') continue;
  stacks++;
  const findings = [];
  for (const [where, entries] of Object.entries(artifact.metadata ?? {})) {
    for (const entry of entries) {
      const text = String(entry.data);
      if ((entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning') && /AwsSolutions-|CdkNag/.test(text)) {
        findings.push(`${where}: ${text.split('\n')[0].slice(0, 240)}`);
      }
    }
  }
  // AwsSolutions-[<stage>-]<stack>-NagReport.csv: cdk-nag's report proves the pack ran on the stack.
  const checked = fs.readdirSync(outdir).some((f) => f.startsWith('AwsSolutions-') && f.endsWith(`-${name}-NagReport.csv`));
  if (!checked) {
    failed++;
    console.log(`FAIL cdk-nag AwsSolutions ran on ${name} (no AwsSolutions-*${name}-NagReport.csv in ${outdir})`);
  } else if (findings.length > 0) {
    failed++;
    console.log(`FAIL cdk-nag AwsSolutions ${name} (${findings.length} unacknowledged findings)`);
    for (const f of findings) console.log(`    ${f}`);
  } else {
    console.log(`PASS cdk-nag AwsSolutions ${name} (0 unacknowledged findings)`);
  }
}
if (stacks === 0) { failed++; console.log('FAIL the assembly has stacks'); }
process.exit(failed === 0 ? 0 : 1);
