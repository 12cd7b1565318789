/**
 * Runs every *.bench.ts in bench/, one child process each (so one benchmark's servers and
 * timers never disturb another's), and prints their figures. Benchmarks assert nothing.
 * Usage: npx projen bench  [name filter]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const filter = process.argv[2] ?? '';
const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const res = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(__dirname, file)], {
    stdio: 'inherit',
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json') },
  });
  console.log(`=== ${file}: ${res.status === 0 ? 'done' : `FAILED (exit ${res.status ?? res.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (res.status !== 0) failed++;
}
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
