/**
 * Handler bundles: size (bytes and gzip) and cold-init time of every assets/<construct>/<handler>/index.js,
 * the files users deploy. Cold init is what Lambda's Init Duration counts for our code: a fresh
 * Node process `require`s the bundle; the time around that `require` is taken, median of
 * BENCH_COLD_STARTS (default 10) fresh processes. Prints figures only; asserts nothing.
 *
 * BENCH_BUNDLES_BEFORE=<dir> also measures the bundles of an earlier build (a copy of its assets/
 * folder) and prints both side by side.
 * Run `npx projen bundle` first: the benchmark measures what is in assets/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? '10');
const ASSETS = path.join(__dirname, '..', 'assets');

interface BundleFigures { readonly bytes: number; readonly gzipBytes: number; readonly coldInitMs: number }

/** Handler name (e.g. `status-page/checker`) -> its index.js, for every bundle under `root`. */
function findBundles(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of readdirSync(root)) {
    const dir = path.join(root, construct);
    if (!statSync(dir).isDirectory()) continue;
    for (const handler of readdirSync(dir)) {
      const file = path.join(dir, handler, 'index.js');
      if (existsSync(file)) found.set(`${construct}/${handler.replace(/\.lambda$/, '')}`, file);
    }
  }
  return found;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds a fresh Node process spends in `require(file)`, as Lambda's runtime loads a handler. */
function coldInitMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});`
    + 'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const out = execFileSync(process.execPath, ['-e', script], {
    // what Lambda sets; no credentials are needed to load a handler
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  return Number(out);
}

function measure(file: string): BundleFigures {
  const content = readFileSync(file);
  coldInitMs(file); // one unmeasured run: the file system cache is warm for every measured one
  const times = Array.from({ length: COLD_STARTS }, () => coldInitMs(file));
  return { bytes: content.length, gzipBytes: gzipSync(content).length, coldInitMs: median(times) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function main(): void {
  if (!existsSync(ASSETS)) throw new Error(`${ASSETS} does not exist: run \`npx projen bundle\` first`);
  const now = findBundles(ASSETS);
  const beforeDir = process.env.BENCH_BUNDLES_BEFORE;
  const before = beforeDir ? findBundles(beforeDir) : new Map<string, string>();
  console.log(`Handler bundles: size, and cold init as the median of ${COLD_STARTS} fresh Node ${process.version} processes requiring the bundle`);
  const header = beforeDir
    ? '| handler | before: size (gzip) | before: cold init | now: size (gzip) | now: cold init |'
    : '| handler | size (gzip) | cold init |';
  console.log(header);
  console.log(header.replace(/[^|]+/g, ' --- '));
  for (const [name, file] of now) {
    const n = measure(file);
    const nowCells = `${kb(n.bytes)} (${kb(n.gzipBytes)}) | ${ms(n.coldInitMs)}`;
    const previous = before.get(name);
    if (beforeDir) {
      const b = previous ? measure(previous) : undefined;
      console.log(`| ${name} | ${b ? `${kb(b.bytes)} (${kb(b.gzipBytes)}) | ${ms(b.coldInitMs)}` : '- | -'} | ${nowCells} |`);
    } else {
      console.log(`| ${name} | ${nowCells} |`);
    }
  }
}

main();
