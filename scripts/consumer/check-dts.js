#!/usr/bin/env node
// Usage: node check-dts.js <installed package dir>
// With skipLibCheck (what most CDK apps use) a module that our public declarations import but the
// consumer does not have would silently become `any`. Walk the declarations reachable from
// lib/index.d.ts and list every import that is not relative, aws-cdk-lib or constructs.
'use strict';
const fs = require('fs');
const path = require('path');

const pkgDir = process.argv[2];
const entry = path.join(pkgDir, 'lib', 'index.d.ts');
const seen = new Set();
const bad = [];
const queue = [entry];
const IMPORT = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']|reference\s+types=["']([^"']+)["']/g;
while (queue.length) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  // Block comments hold doc examples (`import ... from 'cdk-status-and-streams'`), not imports.
  const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.')) {
      const base = path.resolve(path.dirname(file), spec);
      const next = [`${base}.d.ts`, path.join(base, 'index.d.ts')].find((f) => fs.existsSync(f));
      if (next) queue.push(next);
      else bad.push(`${path.relative(pkgDir, file)}: ${spec} (not found)`);
    } else if (!/^(aws-cdk-lib|constructs)(\/|$)/.test(spec)) {
      bad.push(`${path.relative(pkgDir, file)}: ${spec}`);
    }
  }
}
console.log(`${seen.size} declaration files reachable from lib/index.d.ts`);
if (bad.length) {
  console.log(bad.join('\n'));
  process.exit(1);
}
