/**
 * StatusPage renderer benchmark through the BUNDLED handler (assets/status-page/renderer.lambda,
 * `npx projen bundle` first): for 20, 100 and 1,000 checks, a dynalite table holds 92 days of
 * stored runs with realistic minute-by-minute counters (fillRealisticHistory), and a fresh Node
 * process loads the bundle the way Lambda does and serves the page 7 times (a browser's
 * Accept-Encoding), then the raw page and every page of status.json.
 *
 * Prints per size: median request time (DynamoDB read + render + brotli), the response sizes
 * and the process's peak RSS (the whole renderer: Node, the bundle, the snapshot, the page).
 * The page is public here (no auth secret: no Secrets Manager needed); auth costs one cached
 * GetSecretValue. Incidents, maintenance and latency history are whatever the stored data holds.
 * Prints figures only; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { documentClient } from '../src/shared/runtime/aws-clients';
import { CheckConfig, StatusPageConfig } from '../src/status-page/runtime/model';
import { recordRun } from '../src/status-page/runtime/record-run';
import { startDynalite } from '../test/helpers/dynalite';
import { SILENT_LOG } from '../test/helpers/recording-log';
import { fleet, seeded } from '../test/status-page/runtime/helpers/config';
import { fillRealisticHistory } from '../test/status-page/runtime/helpers/realistic-history';

const BUNDLE = resolve(__dirname, '../assets/status-page/renderer.lambda/index.js');
const DAY = 86_400_000;

// Runs in the child: loads the bundle, times the requests, prints one JSON line.
const CHILD = `
const { handler } = require(process.env.BUNDLE);
const ev = (path, enc, query) => ({ httpMethod: 'GET', path, resource: path === '/' ? '/' : '/{proxy+}',
  headers: enc ? { 'accept-encoding': enc } : {}, multiValueHeaders: enc ? { 'accept-encoding': [enc] } : {}, queryStringParameters: query ?? null });
(async () => {
  const times = [];
  let br;
  for (let i = 0; i < 7; i++) { const t = process.hrtime.bigint(); br = await handler(ev('/', 'gzip, deflate, br'), {}); times.push(Number(process.hrtime.bigint() - t) / 1e6); }
  const raw = await handler(ev('/'), {});
  const json = [];
  for (let page = 1, more = true; more; page++) {
    const r = await handler(ev('/status.json', undefined, { page: String(page) }), {});
    json.push(JSON.stringify(r).length);
    more = JSON.parse(r.body).nextPage !== null;
  }
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ status: raw.statusCode, times, raw: raw.body.length, rawLambda: JSON.stringify(raw).length,
    br: Buffer.from(br.body, 'base64').length, brLambda: JSON.stringify(br).length, json, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });`;

function checks(count: number): CheckConfig[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'http',
    name: `service-${i}`,
    displayName: `Service ${i}`,
    group: `Group ${Math.floor(i / 20) + 1}`,
    url: `https://service-${i}.example.com/health`,
    method: 'GET',
    expectedStatusCodes: [200],
    timeoutMs: 5000,
  }));
}

function runChild(env: Record<string, string>): Promise<any> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, ['-e', CHILD], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolveRun(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

async function main(): Promise<void> {
  const dynamo = await startDynalite();
  const doc = documentClient(dynamo.client);
  const dir = mkdtempSync(join(tmpdir(), 'renderer-bench-'));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  try {
    for (const count of [20, 100, 1000]) {
      const table = await dynamo.createStatusTable();
      const config: StatusPageConfig = {
        title: 'Bench',
        intervalSeconds: 60,
        failureThreshold: 2,
        successThreshold: 2,
        concurrency: 64,
        staleAfterIntervals: 5,
        checksPerShard: 100,
        checks: checks(count),
      };
      const next = fleet(count, seeded(count), 0.01);
      const last = Date.now();
      for (let d = 91; d >= 0; d--) await recordRun(doc, table, config, next(), new Date(last - d * DAY), { log: SILENT_LOG });
      await fillRealisticHistory(doc, table, seeded(count + 1));
      const configPath = join(dir, `config-${count}.json`);
      writeFileSync(configPath, JSON.stringify(config));
      const r = await runChild({
        BUNDLE,
        STATUS_TABLE_NAME: table,
        STATUS_CONFIG_PATH: configPath,
        STATUS_TEMPLATE_PATH: join(dir, 'none.mustache'),
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'fake',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      });
      console.log(`${count} checks (bundled handler, HTTP ${r.status}): request median ${r.times[3].toFixed(0)} ms (min ${r.times[0].toFixed(0)}, max ${r.times[6].toFixed(0)}), peak RSS ${r.maxRssMb.toFixed(0)} MB`);
      console.log(`  page raw ${kb(r.raw)} (Lambda response ${kb(r.rawLambda)}), brotli ${kb(r.br)} (Lambda response ${kb(r.brLambda)})`);
      console.log(`  status.json: ${r.json.length} page(s), Lambda responses ${r.json.map(kb).join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dynamo.stop();
  }
}

void main();
