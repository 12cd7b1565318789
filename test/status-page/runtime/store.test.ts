import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { down, fleet, pageConfig, seeded, tcpChecks, up } from './helpers/config';
import { fillRealisticHistory } from './helpers/realistic-history';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { DocumentSender } from '../../../src/shared/runtime/dynamo-batch';
import { ProbeResult } from '../../../src/status-page/runtime/model';
import { readSnapshot } from '../../../src/status-page/runtime/read-snapshot';
import { recordRun } from '../../../src/status-page/runtime/record-run';
import { computeLayout } from '../../../src/status-page/runtime/shard-layout';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { RecordingLog, SILENT_LOG } from '../../helpers/recording-log';

const DAY_MS = 86_400_000;
const at = (iso: string) => new Date(iso);
const quiet = { log: SILENT_LOG };

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
});
afterAll(() => dynamo.stop());

async function scanAll(table: string) {
  const res = await doc.send(new ScanCommand({ TableName: table }));
  return res.Items ?? [];
}

test('an empty table reads as unknown and stale with 90 empty bars ending today', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a', 'b']));
  const snap = await readSnapshot(doc, table, config, at('2026-03-10T08:00:00Z'));
  expect(snap).toMatchObject({ title: 'Test page', stale: true, overall: 'unknown', updatedAt: undefined });
  expect(snap.checks.map((c) => c.status)).toEqual(['unknown', 'unknown']);
  expect(snap.checks[0].days).toHaveLength(90);
  expect(snap.checks[0].days[89]).toEqual({ date: '2026-03-10', uptime: null, worst: 'unknown' });
  expect(snap.checks[0].days[0].date).toBe('2025-12-11');
  expect(snap.checks[0].uptime).toEqual({ h24: null, d7: null, d30: null, d90: null });
});

test('consecutive failures across runs: one failure keeps the status, the second turns DOWN, a success recovers', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['api', 'web']), { failureThreshold: 2, successThreshold: 1 });
  const t0 = Date.parse('2026-03-10T08:00:00Z');
  const run = (i: number, api: ProbeResult) => recordRun(doc, table, config, [api, up()], new Date(t0 + i * 60_000), quiet);
  const view = async (i: number) => (await readSnapshot(doc, table, config, new Date(t0 + i * 60_000 + 1_000))).checks[0];

  const r0 = await run(0, up());
  expect(r0.changes).toEqual([]); // unknown -> up is not an alert...
  expect(r0.allChanges.map((c) => `${c.check}:${c.from}->${c.to}`)).toEqual(expect.arrayContaining(['api:unknown->up', 'web:unknown->up']));

  const r1 = await run(1, down());
  expect(r1.changes).toEqual([]);
  expect(await view(1)).toMatchObject({ status: 'up', message: 'failing (1 of 2): connection refused by 127.0.0.1:9' });

  const r2 = await run(2, down());
  expect(r2.changes).toEqual([expect.objectContaining({ check: 'api', displayName: 'API', from: 'up', to: 'down' })]);
  expect(r2.checksDown).toBe(1);
  const v2 = await view(2);
  expect(v2).toMatchObject({ status: 'down', since: new Date(t0 + 2 * 60_000).toISOString() });

  const r3 = await run(3, up(33));
  expect(r3.changes).toEqual([expect.objectContaining({ from: 'down', to: 'up' })]);
  const snap = await readSnapshot(doc, table, config, new Date(t0 + 3 * 60_000 + 1_000));
  expect(snap.overall).toBe('up');
  expect(snap.stale).toBe(false);
  expect(snap.checks[0]).toMatchObject({ status: 'up', latencyMs: 33, lastCheckedAt: new Date(t0 + 3 * 60_000).toISOString() });
  // 4 runs, the one at minute 2 counted as down (minute 1 was still "up, failing 1 of 2").
  expect(snap.checks[0].uptime.h24).toBeCloseTo(3 / 4);

  // The incident history: the two publishable changes, as small items with a TTL.
  const events = await doc.send(new QueryCommand({
    TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'events' },
  }));
  expect(events.Items?.map((e) => `${e.check}:${e.from}->${e.to}`)).toEqual(['api:up->down', 'api:down->up']);
  expect(events.Items?.[0].expiresAt).toBe(Math.floor((t0 + 2 * 60_000) / 1000) + 90 * 86_400);
  expect(events.Items?.[0]).toMatchObject({ displayName: 'API', message: 'connection refused by 127.0.0.1:9', at: new Date(t0 + 2 * 60_000).toISOString() });
});

test('stale once the newest run is older than staleAfterIntervals x interval', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a']), { intervalSeconds: 60, staleAfterIntervals: 3 });
  const t = at('2026-03-10T08:00:00Z');
  await recordRun(doc, table, config, [up()], t, quiet);
  const read = (ms: number) => readSnapshot(doc, table, config, new Date(t.getTime() + ms));
  expect((await read(180_000)).stale).toBe(false);
  expect((await read(180_001)).stale).toBe(true);
  expect((await read(0)).updatedAt).toBe(t.toISOString());
});

test('rollups across hour and day boundaries (23:58, 23:59, 00:01, 00:02 UTC)', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a']));
  await recordRun(doc, table, config, [up()], at('2026-03-09T22:30:00Z'), quiet);
  await recordRun(doc, table, config, [up()], at('2026-03-09T23:58:00Z'), quiet);
  await recordRun(doc, table, config, [down()], at('2026-03-09T23:59:00Z'), quiet);
  await recordRun(doc, table, config, [up()], at('2026-03-10T00:01:00Z'), quiet);
  await recordRun(doc, table, config, [up()], at('2026-03-10T00:02:00Z'), quiet);

  const snap = await readSnapshot(doc, table, config, at('2026-03-10T00:03:00Z'));
  const c = snap.checks[0];
  expect(c.days).toHaveLength(90);
  expect(c.days[88]).toEqual({ date: '2026-03-09', uptime: 2 / 3, worst: 'down' });
  expect(c.days[89]).toEqual({ date: '2026-03-10', uptime: 1, worst: 'up' });
  expect(c.days[87]).toEqual({ date: '2026-03-08', uptime: null, worst: 'unknown' });
  expect(c.uptime.h24).toBeCloseTo(4 / 5);
  expect(c.uptime.d7).toBeCloseTo(4 / 5);

  // 24 hours after the 22:30 run it leaves the 24 h window, but stays in the day bars.
  const later = await readSnapshot(doc, table, config, at('2026-03-10T22:59:00Z'));
  expect(later.checks[0].uptime.h24).toBeCloseTo(3 / 4);
  expect(later.checks[0].uptime.d7).toBeCloseTo(4 / 5);
  expect(later.stale).toBe(true);
});

test('90-day window edges: a day 90 days ago is out, 89 days ago is the first bar', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a']));
  const today = Date.parse('2026-03-10T00:00:00Z');
  const downDays = new Set([-90, -89, -29, -6]);
  for (let d = -95; d <= 0; d++) {
    if (d === -50 || d === -49) continue; // the checker did not run on those days
    const result = downDays.has(d) ? down() : up();
    await recordRun(doc, table, config, [result], new Date(today + d * DAY_MS + 12 * 3_600_000), quiet);
  }
  const snap = await readSnapshot(doc, table, config, new Date(today + 12.5 * 3_600_000));
  const c = snap.checks[0];
  expect(c.days).toHaveLength(90);
  expect(c.days[0]).toEqual({ date: '2025-12-11', uptime: 0, worst: 'down' });
  expect(c.days[1]).toEqual({ date: '2025-12-12', uptime: 1, worst: 'up' });
  expect(c.days[39]).toEqual({ date: '2026-01-19', uptime: null, worst: 'unknown' });
  expect(c.days[40]).toEqual({ date: '2026-01-20', uptime: null, worst: 'unknown' });
  expect(c.days[89]).toEqual({ date: '2026-03-10', uptime: 1, worst: 'up' });
  expect(c.uptime.d90).toBeCloseTo(85 / 88); // 88 days with a run, down on -89, -29, -6
  expect(c.uptime.d30).toBeCloseTo(28 / 30); // down on -29 and -6
  expect(c.uptime.d7).toBeCloseTo(6 / 7);
  expect(c.uptime.h24).toBe(1);
});

test('an overlapping run conflicts on the version, re-reads and retries, so no failure is lost', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a']), { failureThreshold: 2 });
  await recordRun(doc, table, config, [up()], at('2026-03-10T08:00:00Z'), quiet);
  // Both runs read the shard before either writes: PutItem waits until both have arrived.
  let arrived = 0;
  let release!: () => void;
  const bothArrived = new Promise<void>((r) => { release = r; });
  let conflicts = 0;
  const racing = {
    send: async (command: unknown) => {
      if (command instanceof PutCommand && arrived < 2) {
        arrived++;
        if (arrived === 2) release();
        await bothArrived;
      }
      try {
        return await doc.send(command as PutCommand);
      } catch (e) {
        if ((e as Error).name === 'ConditionalCheckFailedException') conflicts++;
        throw e;
      }
    },
  } as unknown as DocumentSender;
  const [r1, r2] = await Promise.all([
    recordRun(racing, table, config, [down()], at('2026-03-10T08:01:00Z'), quiet),
    recordRun(racing, table, config, [down()], at('2026-03-10T08:01:00Z'), quiet),
  ]);
  expect(conflicts).toBe(1);
  expect(r1.conflictedShards + r2.conflictedShards).toBe(0);
  // Last-writer-wins would leave "failing (1 of 2)"; the retry counted both failures.
  const snap = await readSnapshot(doc, table, config, at('2026-03-10T08:01:30Z'));
  expect(snap.checks[0].status).toBe('down');
  expect([...r1.changes, ...r2.changes]).toHaveLength(1);
});

test('a shard that keeps conflicting is given up after one retry, logged, and the run does not throw', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['a']));
  await recordRun(doc, table, config, [up()], at('2026-03-10T08:00:00Z'), quiet);
  // Before every CURRENT write, "another run" bumps the version: both attempts conflict.
  const interfering = {
    send: async (command: unknown) => {
      if (command instanceof PutCommand && command.input.Item?.sk === 'current') {
        await doc.send(new UpdateCommand({
          TableName: table,
          Key: { pk: command.input.Item.pk, sk: 'current' },
          UpdateExpression: 'SET #v = #v + :one',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':one': 1 },
        }));
      }
      return doc.send(command as PutCommand);
    },
  } as unknown as DocumentSender;
  const log = new RecordingLog();
  const entries = log.entries;
  const result = await recordRun(interfering, table, config, [down()], at('2026-03-10T08:01:00Z'), { log });
  expect(result.conflictedShards).toBe(1);
  expect(result.changes).toEqual([]);
  expect(entries).toEqual([{
    level: 'warn',
    message: expect.stringMatching(/version conflict on CURRENT of shard 0 again after a retry/),
    fields: { shard: `shard#${computeLayout(config.checks, config.checksPerShard).generation}#0` },
  }]);
  const snap = await readSnapshot(doc, table, config, at('2026-03-10T08:01:30Z'));
  expect(snap.checks[0].status).toBe('up'); // the first run's state, not overwritten
});

test('a shard-count change keeps the history, drops removed checks and deletes the old generation', async () => {
  const table = await dynamo.createStatusTable();
  const before = pageConfig(tcpChecks(['c0', 'c1', 'c2', 'c3', 'c4']), { checksPerShard: 2 });
  const after = pageConfig(tcpChecks(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']), { checksPerShard: 2 });
  const oldLayout = computeLayout(before.checks, 2);
  const newLayout = computeLayout(after.checks, 2);
  expect([oldLayout.shardCount, newLayout.shardCount]).toEqual([3, 4]);

  const fiveResults = (r: ProbeResult) => before.checks.map(() => r);
  await recordRun(doc, table, before, fiveResults(down()), at('2026-03-08T10:00:00Z'), quiet);
  await recordRun(doc, table, before, fiveResults(up()), at('2026-03-09T10:00:00Z'), quiet);
  await recordRun(doc, table, before, fiveResults(up()), at('2026-03-10T10:00:00Z'), quiet);

  // The renderer already has the new config, the checker has not run with it yet: old data shows.
  const waiting = await readSnapshot(doc, table, after, at('2026-03-10T10:00:30Z'));
  expect(waiting.checks.map((c) => c.status)).toEqual(['up', 'up', 'up', 'up', 'unknown', 'unknown', 'unknown']);

  const migrated = await recordRun(doc, table, after, after.checks.map(() => up()), at('2026-03-10T10:01:00Z'), quiet);
  expect(migrated.migrated).toBe(true);
  expect(migrated.changes).toEqual([]); // new checks appear without alerts; moved ones keep their status

  const snap = await readSnapshot(doc, table, after, at('2026-03-10T10:02:00Z'));
  expect(snap.checks.map((c) => c.name)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
  const c1 = snap.checks[0];
  expect(c1.since).toBe('2026-03-09T10:00:00.000Z');
  expect(c1.days.slice(-3)).toEqual([
    { date: '2026-03-08', uptime: 0, worst: 'down' },
    { date: '2026-03-09', uptime: 1, worst: 'up' },
    { date: '2026-03-10', uptime: 1, worst: 'up' },
  ]);
  expect(c1.uptime.d7).toBeCloseTo(3 / 4);
  const c7 = snap.checks[6];
  expect(c7.days.slice(-2).map((d) => d.uptime)).toEqual([null, 1]);

  const pks = new Set((await scanAll(table)).map((i) => i.pk as string));
  expect([...pks].filter((pk) => pk.includes(oldLayout.generation))).toEqual([]);
  expect([...pks].filter((pk) => pk.includes(newLayout.generation))).toHaveLength(4);
});

test('100 checks per run cost one write unit per shard, not 100: shards are sized so CURRENT stays under 1 KB', async () => {
  const table = await dynamo.createStatusTable();
  const names = Array.from({ length: 100 }, (_, i) => `service-${i}-${(i * 7919).toString(36)}`);
  const config = pageConfig(tcpChecks(names), { checksPerShard: 100 });
  const { shardCount } = computeLayout(config.checks, config.checksPerShard);
  // Sized by bytes, not by the 100-check limit: a handful of shards of 20 to 35 checks.
  expect(shardCount).toBeGreaterThanOrEqual(3);
  expect(shardCount).toBeLessThanOrEqual(5);
  const nextRun = fleet(100, seeded(42));
  const start = Date.parse('2026-03-10T07:50:00Z');
  const runs = [];
  // 07:50 to 09:00: the 08:00 and 09:00 runs roll an hour over, each hour holds 60 runs' latencies.
  for (let i = 0; i <= 70; i++) {
    runs.push(await recordRun(doc, table, config, nextRun(), new Date(start + i * 60_000), quiet));
  }
  expect(runs.every((r) => r.capacitySource === 'dynamodb')).toBe(true);
  // First run: CURRENT, HOURS and DAYS of every shard and META; an hour roll-over: CURRENT and
  // HOURS of every shard; otherwise one CURRENT per shard. Each alerting change adds a 1-WCU event.
  for (const [i, r] of runs.entries()) {
    const items = i === 0 ? 3 * shardCount + 1 : i === 10 || i === 70 ? 2 * shardCount : shardCount;
    expect([i, r.writeUnits]).toEqual([i, items + r.changes.length]);
  }
  const currentBytes = (await scanAll(table)).filter((item) => item.sk === 'current').map((item) => (item.p as Uint8Array).length);
  expect(currentBytes).toHaveLength(shardCount);
  expect(Math.max(...currentBytes)).toBeLessThan(1024 - 100);
  expect(runs.filter((r, i) => i !== 0 && r.changes.length === 0).length).toBeGreaterThan(50);
});

test('without ConsumedCapacity in the responses, the units are estimated from the item sizes as DynamoDB bills them', async () => {
  // The estimate counts the items found; DynamoDB also bills each key it did not find, so the
  // runs compared here start on a table where every key read exists.
  const config = pageConfig(tcpChecks(Array.from({ length: 120 }, (_, i) => `svc-${i}`)), { checksPerShard: 50 });
  const nextRun = fleet(120, seeded(5), 0.05);
  // The same runs against two tables: one client as is, one whose responses lose their capacity.
  const reported = await dynamo.createStatusTable();
  const estimated = await dynamo.createStatusTable();
  const withoutCapacity = {
    send: async (command: PutCommand) => ({ ...(await doc.send(command)), ConsumedCapacity: undefined }),
  } as unknown as DocumentSender;
  const start = Date.parse('2026-03-10T23:58:00Z');
  for (const table of [reported, estimated]) await recordRun(doc, table, config, nextRun(), new Date(start - 60_000), quiet);
  for (let i = 0; i < 4; i++) {
    const time = new Date(start + i * 60_000); // the third run rolls the hour and the day over
    const results = nextRun();
    const a = await recordRun(doc, reported, config, results, time, quiet);
    const b = await recordRun(withoutCapacity, estimated, config, results, time, quiet);
    expect([a.capacitySource, b.capacitySource]).toEqual(['dynamodb', 'estimated']);
    expect(b.writeUnits).toBe(a.writeUnits);
    expect(b.readUnits).toBe(a.readUnits);
    expect(b.itemsWritten).toBe(a.itemsWritten);
  }
});

test('1,000 checks with 90 days of history are stored in items far below 400 KB and read back', async () => {
  const table = await dynamo.createStatusTable();
  const names = Array.from({ length: 1000 }, (_, i) => `team-${i % 17}/service-${i}`);
  const config = pageConfig(tcpChecks(names), { checksPerShard: 100 });
  const nextRun = fleet(1000, seeded(7), 0.05);
  const today = Date.parse('2026-03-10T00:00:00Z');
  let last;
  // A run a day for three days creates every item (each run rolls the hour and the day over).
  for (let d = -2; d <= 0; d++) {
    last = await recordRun(doc, table, config, nextRun(), new Date(today + d * DAY_MS + 3_600_000), quiet);
  }
  expect(last!.conflictedShards).toBe(0);
  // Give every item 90 days of minute-by-minute history (~1,440 runs a day, some degraded and
  // down, hourly latencies), then let a real run roll the day over and rewrite them: that is the
  // item size that matters. A DAYS row is 90 days x 3 counters of up to 4 digits, ~1.4 KB even
  // uncompressed, and a shard holds at most 100 checks: far below DynamoDB's 400 KB.
  const { shardCount, shards } = computeLayout(config.checks, config.checksPerShard);
  expect(await fillRealisticHistory(doc, table, seeded(99))).toBe(2 * shardCount);
  const rolled = await recordRun(doc, table, config, nextRun(), new Date(today + DAY_MS + 3_600_000), quiet);
  expect(rolled.itemsWritten).toBeGreaterThanOrEqual(3 * shardCount);
  const items = await scanAll(table);
  const bytesPerCheck = (kind: string) => Math.max(...items.filter((i) => i.sk === kind).map((i) => {
    const checks = shards[Number(String(i.pk).split('#')[2])].length;
    return (i.p as Uint8Array).length / checks;
  }));
  // The filled counters are poorly compressible (well over 100 bytes a check for 90 days)...
  expect(bytesPerCheck('days')).toBeGreaterThan(100);
  // ...and still the largest item is far below the limit.
  const biggest = Math.max(...items.map((i) => (i.p instanceof Uint8Array ? i.p.length : 0)));
  expect(biggest).toBeLessThan(64 * 1024);
  expect(rolled.largestItemBytes).toBeLessThan(64 * 1024);

  const snap = await readSnapshot(doc, table, config, new Date(today + DAY_MS + 2 * 3_600_000));
  expect(snap.checks).toHaveLength(1000);
  expect(snap.checks.every((c) => c.status !== 'unknown' && c.days.length === 90)).toBe(true);
  expect(snap.checks.every((c) => c.days[0].uptime !== null && c.days[89].uptime !== null)).toBe(true);
  expect(snap.checks.filter((c) => c.status === 'down').length).toBe(rolled.checksDown);
  // A day from the filled DAYS items: the realistic counters made it through the roll-over.
  const filledDay = snap.checks.map((c) => c.days[50].uptime!);
  expect(Math.min(...filledDay)).toBeLessThan(1);
  expect(Math.min(...filledDay)).toBeGreaterThanOrEqual(0.98);
  // Latency: 24 hours; the checker ran once in them (the hour the last run left open).
  expect(snap.checks.every((c) => c.latency24h.length === 24 && c.latency24h.slice(0, 23).every((h) => h.p50Ms === null))).toBe(true);
  const answered = snap.checks.filter((c) => c.status !== 'down');
  expect(answered.every((c) => c.latency24h[23].p50Ms !== null)).toBe(true);
});
