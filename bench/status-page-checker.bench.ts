/**
 * StatusPage checker benchmark: the real runChecks (HTTP probes, bounded pool, recordRun) against
 * dynalite and local HTTP servers whose every answer is delayed by a seeded random 20-200 ms.
 *
 * Prints, for 100 and 1,000 checks: median wall time per run, probes per second and DynamoDB
 * write units per run, beside a sequential baseline (concurrency 1: the article's checker probed
 * one service after another), and the speedup. Prints figures only; asserts nothing.
 *
 * Environment: BENCH_REPS (default 5) repetitions of the concurrent runs; the sequential
 * baseline runs twice for 100 checks and once for 1,000 (about 110 s on its own), without a
 * warm-up run.
 * BENCH_SKIP_SEQUENTIAL_1000=1 skips that one.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { documentClient } from '../src/shared/runtime/aws-clients';
import { defaultProbeConcurrency } from '../src/status-page/probe-concurrency';
import { CheckConfig, StatusPageConfig } from '../src/status-page/runtime/model';
import { RecordRunResult, recordRun } from '../src/status-page/runtime/record-run';
import { runChecks } from '../src/status-page/runtime/run-checks';
import { computeLayout } from '../src/status-page/runtime/shard-layout';
import { startDynalite, LocalDynamo } from '../test/helpers/dynalite';
import { SILENT_LOG } from '../test/helpers/recording-log';
import { fleet, seeded } from '../test/status-page/runtime/helpers/config';
import { fillRealisticHistory } from '../test/status-page/runtime/helpers/realistic-history';

const REPS = Number(process.env.BENCH_REPS ?? '5');
const CHECKS_PER_SHARD = 100; // the construct's shard size
const SERVERS = 4;

interface Target { origin: string; close(): Promise<void> }

async function startTarget(seed: number): Promise<Target> {
  const random = seeded(seed);
  const server = http.createServer((_req, res) => {
    const delay = 20 + Math.floor(random() * 181);
    setTimeout(() => res.end('ok'), delay);
  });
  server.keepAliveTimeout = 1000;
  server.maxConnections = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function config(count: number, targets: Target[], concurrency: number): StatusPageConfig {
  const checks: CheckConfig[] = Array.from({ length: count }, (_, i) => ({
    kind: 'http',
    name: `service-${i}`,
    displayName: `Service ${i}`,
    url: `${targets[i % targets.length].origin}/health/${i}`,
    method: 'GET',
    expectedStatusCodes: [200],
    timeoutMs: 5_000,
    degradedAfterMs: 1_000,
  }));
  return {
    title: 'Bench',
    intervalSeconds: 60,
    failureThreshold: 2,
    successThreshold: 1,
    concurrency,
    staleAfterIntervals: 3,
    checksPerShard: CHECKS_PER_SHARD,
    checks,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Measured { medianMs: number; probesPerSecond: number; wcuFirst: number; wcuSteady: number; reps: number; down: number }

/** `reps` timed runs, after one untimed warm-up run (which creates the items) when `warmup`. */
async function measure(dynamo: LocalDynamo, targets: Target[], count: number, concurrency: number, reps: number, warmup: boolean): Promise<Measured> {
  const table = await dynamo.createStatusTable();
  const cfg = config(count, targets, concurrency);
  // Minutes 10, 11, ... of one hour: no hour roll-over inside the measured runs.
  let minute = 10;
  const clock = () => new Date(Date.UTC(2026, 2, 10, 8, minute));
  const times: number[] = [];
  const wcu: number[] = [];
  let down = 0;
  const runs = warmup ? reps + 1 : reps;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const summary = await runChecks({
      doc: documentClient(dynamo.client), tableName: table, config: cfg, clock, log: SILENT_LOG, metricsSink: () => undefined,
    });
    const ms = performance.now() - started;
    down = Math.max(down, summary.results.filter((r) => r.outcome !== 'up').length);
    wcu.push(summary.store.writeUnits);
    if (i > 0 || !warmup) times.push(ms);
    minute++;
  }
  const medianMs = median(times);
  return {
    medianMs,
    probesPerSecond: count / (medianMs / 1000),
    wcuFirst: wcu[0],
    wcuSteady: wcu.length > 1 ? median(wcu.slice(1)) : NaN,
    reps: times.length,
    down,
  };
}

async function rolloverCosts(dynamo: LocalDynamo, count: number) {
  // Store-only figures (no probing): what the hour and day roll-overs cost and how big the items
  // get with 90 days of history. 92 daily runs fill every series, then the counters are replaced
  // with 90 days of minute-by-minute history (see fillRealisticHistory) so the sizes are realistic.
  const table = await dynamo.createStatusTable();
  const cfg = config(count, [{ origin: 'http://127.0.0.1:9', close: async () => undefined }], defaultProbeConcurrency(count));
  const next = fleet(count, seeded(11), 0.01);
  const doc = documentClient(dynamo.client);
  const quiet = { log: SILENT_LOG };
  const day0 = Date.UTC(2026, 0, 1);
  for (let d = 0; d < 92; d++) {
    await recordRun(doc, table, cfg, next(), new Date(day0 + d * 86_400_000 + 30 * 60_000), quiet);
  }
  await fillRealisticHistory(doc, table, seeded(12));
  const base = day0 + 91 * 86_400_000;
  const steady = await recordRun(doc, table, cfg, next(), new Date(base + 31 * 60_000), quiet);
  const hourRoll = await recordRun(doc, table, cfg, next(), new Date(base + 61 * 60_000), quiet);
  const dayRoll = await recordRun(doc, table, cfg, next(), new Date(base + 86_400_000 + 30 * 60_000), quiet);
  const wcu = (r: RecordRunResult) => r.writeUnits - r.changes.length; // without event items
  const perRun = wcu(steady) + (wcu(hourRoll) - wcu(steady)) / 60 + (wcu(dayRoll) - wcu(steady)) / 1440;
  return {
    steady: wcu(steady),
    hourRoll: wcu(hourRoll),
    dayRoll: wcu(dayRoll),
    perRun,
    largest: Math.max(steady.largestItemBytes, hourRoll.largestItemBytes, dayRoll.largestItemBytes),
    shards: computeLayout(cfg.checks, cfg.checksPerShard).shardCount,
  };
}

async function main() {
  const dynamo = await startDynalite();
  const targets = await Promise.all(Array.from({ length: SERVERS }, (_, i) => startTarget(1000 + i)));
  const rows: string[][] = [];
  const fmt = (n: number, d = 0) => n.toFixed(d);
  try {
    for (const count of [100, 1000]) {
      const concurrency = defaultProbeConcurrency(count);
      const concurrent = await measure(dynamo, targets, count, concurrency, REPS, true);
      const skipSeq = count === 1000 && process.env.BENCH_SKIP_SEQUENTIAL_1000 === '1';
      const sequential = skipSeq ? undefined : await measure(dynamo, targets, count, 1, count === 100 ? 2 : 1, false);
      rows.push([
        String(count), `${concurrency}`, fmt(concurrent.medianMs), fmt(concurrent.probesPerSecond), String(concurrent.reps),
        sequential ? fmt(sequential.medianMs) : 'skipped', sequential ? fmt(sequential.probesPerSecond, 1) : '-',
        sequential ? `${fmt(sequential.medianMs / concurrent.medianMs, 1)}x` : '-',
        fmt(concurrent.wcuSteady), fmt(concurrent.wcuFirst),
      ]);
      if (concurrent.down > 0) console.log(`note: ${concurrent.down} probes were not up in a ${count}-check run`);
    }
    const header = ['checks', 'conc.', 'median ms', 'probes/s', 'reps', 'seq. median ms', 'seq. probes/s', 'speedup', 'WCU/run', 'WCU first run'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
    console.log(`Status page checker: runChecks over local HTTP targets (latency 20-200 ms, seeded), dynalite, ${CHECKS_PER_SHARD} checks per shard`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));

    console.log('\nStore only (recordRun), write units per run excluding status-change event items, with 90 days of history:');
    for (const count of [100, 1000]) {
      const c = await rolloverCosts(dynamo, count);
      console.log(`  ${count} checks: normal run ${c.steady} WCU, first run of an hour ${c.hourRoll} WCU, first run of a day ${c.dayRoll} WCU;`
        + ` averaged over a day at a 1-minute interval ${c.perRun.toFixed(2)} WCU/run (one item per check: ${count}); ${c.shards} shards; largest item ${(c.largest / 1024).toFixed(1)} KB`);
    }
  } finally {
    await Promise.all(targets.map((t) => t.close()));
    await dynamo.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
