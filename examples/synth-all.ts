// Synthesizes every TypeScript example app (examples/typescript/<name>/app.ts) into
// examples/typescript/<name>/cdk.out with the aws-cdk CLI, as `npx cdk synth` does in a copied
// folder, and prints what it produced. No AWS account is needed: the stacks are
// environment-agnostic. Only the app command differs from the folder's cdk.json: the apps import
// 'cdk-status-and-streams', which resolve-package-from-src.ts maps to this checkout's src/, and
// the repository's tsconfig compiles them (each folder's own tsconfig.json is for the copied app).
// synth-bindings.sh synthesizes the Python and Java apps through the same CLI and compares the
// templates (the CLI's path metadata feeds API Gateway's deployment id, so both sides need it).
// scripts/examples/examples-test.sh synthesizes copies of the folders against the packed package.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.join(__dirname, '..');
const root = path.join(__dirname, 'typescript');
const apps = fs.readdirSync(root)
  .filter((name) => fs.existsSync(path.join(root, name, 'app.ts')))
  .sort();
const appCommand = [
  process.execPath,
  '-r', 'ts-node/register/transpile-only',
  '-r', path.join(__dirname, 'resolve-package-from-src.ts'),
  'app.ts',
].join(' '); // the CLI splits it at spaces
const env = {
  ...process.env,
  TS_NODE_PROJECT: path.join(repo, 'test', 'tsconfig.json'),
  // No AWS calls, version check or telemetry from the CLI.
  AWS_EC2_METADATA_DISABLED: 'true',
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};
let failed = 0;

for (const name of apps) {
  const dir = path.join(root, name);
  const outdir = path.join(dir, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  const run = spawnSync(path.join(repo, 'node_modules', '.bin', 'cdk'),
    ['synth', '--app', appCommand, '--output', outdir, '--quiet', '--no-notices'],
    { cwd: dir, env, stdio: 'inherit' });
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
