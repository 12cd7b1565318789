/**
 * Issue 13 behaviours of the store over dynalite, run after run through recordRun and read back
 * through readSnapshot: degraded smoothing (one slow probe alerts nobody), a rename that keeps the
 * history, maintenance windows (shown, not alerted, not counted), the hourly latency p50/p95 and
 * the status-change timeline.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { down, pageConfig, tcpChecks, up } from './helpers/config';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { ProbeResult, StatusPageConfig } from '../../../src/status-page/runtime/model';
import { readSnapshot } from '../../../src/status-page/runtime/read-snapshot';
import { recordRun } from '../../../src/status-page/runtime/record-run';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { SILENT_LOG } from '../../helpers/recording-log';

const quiet = { log: SILENT_LOG };
const T0 = Date.parse('2026-03-10T08:00:00Z');
const minute = (i: number) => new Date(T0 + i * 60_000);
const slow = (ms = 1500): ProbeResult => ({ outcome: 'degraded', latencyMs: ms, message: `slow response: ${ms} ms (limit 1000 ms)` });

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
});
afterAll(() => dynamo.stop());

async function runAll(table: string, config: StatusPageConfig, runs: ProbeResult[][], from = 0) {
  const results = [];
  for (const [i, probes] of runs.entries()) results.push(await recordRun(doc, table, config, probes, minute(from + i), quiet));
  return results;
}

describe('degraded is smoothed like down', () => {
  test('one slow probe sends no alert (it sent two: up -> degraded -> up)', async () => {
    const table = await dynamo.createStatusTable();
    const config = pageConfig(tcpChecks(['api']), { degradedThreshold: 2 });
    const runs = await runAll(table, config, [[up()], [up()], [slow()], [up()], [up()]]);
    expect(runs.flatMap((r) => r.changes)).toEqual([]);
    const snap = await readSnapshot(doc, table, config, minute(2.5));
    expect(snap.checks[0]).toMatchObject({ status: 'up' });
  });

  test('while slow: "degraded (1 of 2)", then DEGRADED with one alert; the first up probe recovers with one alert', async () => {
    const table = await dynamo.createStatusTable();
    const config = pageConfig(tcpChecks(['api']), { degradedThreshold: 2 });
    const [, first, second, third, back] = await runAll(table, config, [[up()], [slow()], [slow()], [slow()], [up()]]);
    expect(first.changes).toEqual([]);
    expect(second.changes).toEqual([expect.objectContaining({ check: 'api', from: 'up', to: 'degraded' })]);
    expect(third.changes).toEqual([]);
    expect(back.changes).toEqual([expect.objectContaining({ from: 'degraded', to: 'up' })]);

    const table2 = await dynamo.createStatusTable();
    await runAll(table2, config, [[up()], [slow()]]);
    const snap = await readSnapshot(doc, table2, config, minute(1.5));
    expect(snap.checks[0]).toMatchObject({ status: 'up', message: 'degraded (1 of 2): slow response: 1500 ms (limit 1000 ms)' });
  });

  test('a degraded probe between failures keeps counting towards DOWN, not towards a DEGRADED alert', async () => {
    const table = await dynamo.createStatusTable();
    const config = pageConfig(tcpChecks(['api']), { degradedThreshold: 2, failureThreshold: 2 });
    const runs = await runAll(table, config, [[up()], [down()], [down()], [slow()], [up()]]);
    expect(runs.flatMap((r) => r.changes).map((c) => `${c.from}->${c.to}`)).toEqual(['up->down', 'down->degraded', 'degraded->up']);
  });
});

test('a renamed check keeps its history, status and status changes; no alert', async () => {
  const table = await dynamo.createStatusTable();
  const before = pageConfig(tcpChecks(['api', 'web']), { failureThreshold: 1 });
  await runAll(table, before, [[up(), up()], [down(), up()], [up(), up()], [up(), up()]]);
  const old = await readSnapshot(doc, table, before, minute(3.5));

  const [api, web] = tcpChecks(['api-v2', 'web']);
  const after = pageConfig([{ ...api, renamedFrom: 'api' }, web], { failureThreshold: 1 });
  // Before the checker ran with the new config, the page already shows the old record.
  const early = await readSnapshot(doc, table, after, minute(3.5));
  expect(early.checks[0]).toMatchObject({ name: 'api-v2', status: 'up', uptime: old.checks[0].uptime });
  // Without renamedFrom the same rename starts from nothing.
  const fresh = await readSnapshot(doc, table, pageConfig([api, web]), minute(3.5));
  expect(fresh.checks[0]).toMatchObject({ status: 'unknown', uptime: { h24: null } });

  const [renamedRun] = await runAll(table, after, [[up(), up()]], 4);
  expect(renamedRun.changes).toEqual([]);
  const snap = await readSnapshot(doc, table, after, minute(4.5));
  expect(snap.checks[0].name).toBe('api-v2');
  // 4 up runs of 5 (one was down): the history moved with the check.
  expect(snap.checks[0].uptime.h24).toBeCloseTo(4 / 5, 5);
  expect(snap.checks[0].days[89].worst).toBe('down');
  expect(snap.changes.map((c) => `${c.check}:${c.displayName}:${c.from}->${c.to}`)).toEqual(['api-v2:API-V2:down->up', 'api-v2:API-V2:up->down']);
});

describe('maintenance windows', () => {
  const window = { id: 'db-upgrade', message: 'Database upgrade', checks: ['api'], start: minute(2).toISOString(), end: minute(5).toISOString() };

  test('during the window: shown as maintenance, no alert, not counted in uptime; afterwards counted again', async () => {
    const table = await dynamo.createStatusTable();
    const config = pageConfig(tcpChecks(['api', 'web']), { failureThreshold: 1, maintenance: [window] });
    // api is down from minute 2 to 4 (inside the window), web is down at minute 3 (not covered).
    const runs = await runAll(table, config, [[up(), up()], [up(), up()], [down(), up()], [down(), down()], [down(), up()]]);
    expect(runs.flatMap((r) => r.changes).map((c) => `${c.check}:${c.from}->${c.to}`)).toEqual(['web:up->down', 'web:down->up']);

    const during = await readSnapshot(doc, table, config, minute(4.5));
    const api = during.checks[0];
    expect(api.maintenance).toMatchObject({ id: 'db-upgrade', message: 'Database upgrade', active: true });
    expect(api.status).toBe('up'); // held: the window neither raises nor clears a status
    expect(api.message).toBe('connection refused by 127.0.0.1:9'); // the probe's own message is shown
    expect(api.uptime.h24).toBe(1); // the two up runs before the window only
    expect(during.checks[1].maintenance).toBeUndefined();
    expect(during.checks[1].uptime.h24).toBeCloseTo(4 / 5, 5);
    expect(during.maintenance).toEqual([{ ...window, active: true }]);

    // After the window api's failure counts and alerts again.
    const [afterRun] = await runAll(table, config, [[down(), up()]], 5);
    expect(afterRun.changes).toEqual([expect.objectContaining({ check: 'api', from: 'up', to: 'down' })]);
    const after = await readSnapshot(doc, table, config, minute(5.5));
    expect(after.checks[0].maintenance).toBeUndefined();
    expect(after.checks[0].uptime.h24).toBeCloseTo(2 / 3, 5);
    expect(after.maintenance).toEqual([]);
  });

  test('a check under maintenance does not make the page overall DOWN; upcoming windows are listed as not active', async () => {
    const table = await dynamo.createStatusTable();
    const upcoming = { id: 'later', message: 'Network work', checks: [], start: minute(60 * 24 * 3).toISOString(), end: minute(60 * 24 * 3 + 30).toISOString() };
    const beyond = { id: 'far', message: 'Far away', checks: [], start: minute(60 * 24 * 20).toISOString(), end: minute(60 * 24 * 21).toISOString() };
    const config = pageConfig(tcpChecks(['api', 'web']), { failureThreshold: 1, maintenance: [beyond, upcoming, window] });
    await runAll(table, config, [[down(), up()], [down(), up()], [down(), up()]]);
    const snap = await readSnapshot(doc, table, config, minute(2.5));
    expect(snap.checks[0]).toMatchObject({ status: 'down', maintenance: { id: 'db-upgrade' } });
    expect(snap.overall).toBe('up');
    expect(snap.maintenance.map((m) => [m.id, m.active])).toEqual([['db-upgrade', true], ['later', false]]);
  });
});

test('latency per hour: p50 and p95 of the answered probes of each of the last 24 hours, from the rollups', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['api']), { failureThreshold: 5 });
  // Hour 08: 60 runs, 40 at 100 ms, 16 at 200 ms and 4 at 800 ms (p50 100; p95, the 57th, 800). Hour 09: 20
  // answers at 50 ms and 10 timeouts (a failed probe has no response time to chart).
  const hour8 = Array.from({ length: 60 }, (_, i) => [up(i < 40 ? 100 : i < 56 ? 200 : 800)]);
  const hour9 = Array.from({ length: 30 }, (_, i) => [i % 3 === 2 ? down() : up(50)]);
  await runAll(table, config, hour8);
  await runAll(table, config, hour9, 60);
  // 10:00, the first run of the next hour, rolls hour 09 into the HOURS item.
  await runAll(table, config, [[up(70)]], 120);

  const snap = await readSnapshot(doc, table, config, minute(120.5));
  const hours = snap.checks[0].latency24h;
  expect(hours).toHaveLength(24);
  expect(hours[23].hour).toBe('2026-03-10T09:00:00.000Z');
  expect(hours[0].hour).toBe('2026-03-09T10:00:00.000Z');
  const within = (value: number | null, ms: number) => value !== null && Math.abs(value - ms) / ms <= 0.1;
  expect(within(hours[22].p50Ms, 100)).toBe(true);
  expect(within(hours[22].p95Ms, 800)).toBe(true);
  expect(within(hours[23].p50Ms, 50)).toBe(true);
  expect(within(hours[23].p95Ms, 50)).toBe(true);
  expect(hours.slice(0, 22).every((h) => h.p50Ms === null && h.p95Ms === null)).toBe(true);
});
