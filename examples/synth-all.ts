// Synthesizes every TypeScript example app (examples/typescript/<name>/app.ts) into
// examples/typescript/<name>/cdk.out, each in its own process, and prints what it produced.
// No AWS account is needed: the stacks are environment-agnostic. The apps import
// 'cdk-status-and-streams', which resolve-package-from-src.ts maps to this checkout's src/; the
// repository's tsconfig compiles them (each folder's own tsconfig.json is for the copied app).
// scripts/examples/examples-test.sh synthesizes copies of the folders against the packed package.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, 'typescript');
const apps = fs.readdirSync(root)
  .filter((name) => fs.existsSync(path.join(root, name, 'app.ts')))
  .sort();
let failed = 0;

for (const name of apps) {
  const dir = path.join(root, name);
  const outdir = path.join(dir, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [
    '-r', 'ts-node/register/transpile-only',
    '-r', path.join(__dirname, 'resolve-package-from-src.ts'),
    path.join(dir, 'app.ts'),
  ], {
    cwd: dir,
    env: { ...process.env, CDK_OUTDIR: outdir, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json') },
    stdio: 'inherit',
  });
  const templates = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : [];
  if (run.status !== 0 || templates.length === 0) {
    console.error(`FAILED ${name}: exit ${run.status}, ${templates.length} templates`);
    failed++;
    continue;
  }
  for (const file of templates) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    const count = Object.keys(template.Resources ?? {}).length;
    console.log(`synthesized ${path.relative(process.cwd(), path.join(outdir, file))} (${count} resources)`);
  }
}

console.log(`${apps.length - failed} of ${apps.length} example apps synthesized`);
process.exit(failed === 0 && apps.length > 0 ? 0 : 1);
