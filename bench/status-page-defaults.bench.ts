/**
 * StatusPage at 1,000 checks with the DEFAULT props, through the BUNDLED checker
 * (assets/status-page/checker.lambda/index.js, `npx projen bundle` first).
 *
 * A StatusPage with 1,000 `HealthCheck.http` checks and no other props is synthesized; its shipped
 * config.json (the probe concurrency the construct derived from the checks) is given to the bundled
 * handler, which a fresh Node process loads as Lambda does and invokes once per run against
 * dynalite and local HTTP servers that answer every request after exactly 100 ms.
 * Prints the concurrency, the median wall time of a run (after one warm-up run that creates the
 * items), every run's time, and the median CPU time the checker process used per run (on a busy
 * machine the wall time is mostly waiting for a core: compare the two). Asserts nothing.
 *
 * Environment: BENCH_REPS (default 7) timed runs; BENCH_CHECKS (default 1000).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HealthCheck, PageAuth, StatusPage } from '../src';
import { StatusPageConfig } from '../src/status-page/runtime/model';
import { startDynalite } from '../test/helpers/dynalite';

const REPS = Number(process.env.BENCH_REPS ?? '7');
const CHECKS = Number(process.env.BENCH_CHECKS ?? '1000');
const LATENCY_MS = 100;
const SERVERS = 4;
const BUNDLE = path.join(__dirname, '..', 'assets', 'status-page', 'checker.lambda', 'index.js');

async function startTarget(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => setTimeout(() => res.end('ok'), LATENCY_MS));
  server.maxConnections = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** The config.json a StatusPage with these checks and default props ships to its checker. */
function shippedConfig(origins: string[]): StatusPageConfig {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bench');
  new StatusPage(stack, 'Status', {
    auth: PageAuth.none(),
    checks: Array.from({ length: CHECKS }, (_, i) => HealthCheck.http(`service-${i}`, { url: `${origins[i % origins.length]}/health/${i}` })),
  });
  const layer = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::LayerVersion'))[0] as any;
  const dir = path.join(app.outdir, layer.Metadata['aws:asset:path']);
  return JSON.parse(fs.readFileSync(path.join(dir, 'status-page', 'config.json'), 'utf8'));
}

/** Loads the bundle in a fresh process and times each of `runs` invocations (ms). */
function timedRuns(env: Record<string, string>, runs: number): Promise<Array<{ ms: number; cpuMs: number; result: any }>> {
  const script = `
    const { handler } = require(${JSON.stringify(BUNDLE)});
    (async () => {
      const out = [];
      for (let i = 0; i < ${runs}; i++) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        const result = await handler({}, {});
        const used = process.cpuUsage(cpu);
        out.push({ ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, result });
      }
      process.stdout.write('\\n@@' + JSON.stringify(out) + '\\n');
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('@@'));
      return line ? resolve(JSON.parse(line.slice(2))) : reject(new Error(`no result\n${stderr}`));
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npx projen bundle\` first`);
  const targets = await Promise.all(Array.from({ length: SERVERS }, startTarget));
  const dynamo = await startDynalite();
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'bench-defaults-'));
  try {
    const config = shippedConfig(targets.map((t) => t.origin));
    const configPath = path.join(dir, 'config.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const table = await dynamo.createStatusTable();
    const runs = await timedRuns({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      STATUS_TABLE_NAME: table,
      STATUS_CONFIG_PATH: configPath,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      NODE_NO_WARNINGS: '1',
    }, REPS + 1);
    const timed = runs.slice(1);
    const notUp = Math.max(...runs.map((r) => r.result.down));
    console.log(`Bundled checker, ${CHECKS} HTTP checks with default props (probeConcurrency derived: ${config.concurrency}, `
      + `timeout ${config.checks[0].timeoutMs} ms), every answer after ${LATENCY_MS} ms, dynalite:`);
    console.log(`  median run ${median(timed.map((r) => r.ms)).toFixed(0)} ms over ${timed.length} runs after a warm-up run `
      + `(${runs[0].ms.toFixed(0)} ms, creates the items); runs: ${timed.map((r) => r.ms.toFixed(0)).join(', ')} ms; checks down in any run: ${notUp}`);
    console.log(`  checker CPU time per run (user + system, median): ${median(timed.map((r) => r.cpuMs)).toFixed(0)} ms; load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await dynamo.stop();
    await Promise.all(targets.map((t) => t.close()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
