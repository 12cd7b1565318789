/**
 * The page read model over dynalite: items written through the table layout and the payload
 * codec are read back as the page's view, and keys that DynamoDB leaves unprocessed in a
 * BatchGetItem are read again until none is missing.
 */
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { pageConfig, tcpChecks, up, down } from './helpers/config';
import { documentClient, isConditionalCheckFailed } from '../../../src/shared/runtime/aws-clients';
import { DocumentSender, Item } from '../../../src/shared/runtime/dynamo-batch';
import { StoredCheck, encodeCurrent, encodeRollup } from '../../../src/status-page/runtime/payload-codec';
import { readSnapshot } from '../../../src/status-page/runtime/read-snapshot';
import { recordRun } from '../../../src/status-page/runtime/record-run';
import { DAYS_KEPT, HOURS_KEPT, dayIndex, emptySeries, hourIndex } from '../../../src/status-page/runtime/rollups';
import { computeLayout } from '../../../src/status-page/runtime/shard-layout';
import { META_KEY, ShardItemKind, shardKey } from '../../../src/status-page/runtime/table-schema';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { SILENT_LOG } from '../../helpers/recording-log';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
});
afterAll(() => dynamo.stop());

const NOW = new Date('2026-03-10T08:30:00Z');
const H = hourIndex(NOW);
const D = dayIndex(NOW);

test('stored state, open buckets and rollups become the page view; a check with no record is unknown', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['api', 'web', 'new']), { checksPerShard: 2, intervalSeconds: 60, staleAfterIntervals: 3 });
  const layout = computeLayout(config.checks, config.checksPerShard);
  const shardOf = (name: string) => layout.shards.findIndex((s) => s.includes(name));
  const put = (index: number, kind: ShardItemKind, p: Uint8Array) => doc.send(new PutCommand({
    TableName: table, Item: { ...shardKey(layout.generation, index, kind), version: 1, expiresAt: 0, p },
  }));

  const api: StoredCheck = {
    state: {
      status: 'down',
      since: '2026-03-10T08:10:00.000Z',
      latencyMs: 42,
      message: 'connection refused',
      consecutiveFailures: 5,
      consecutiveSuccesses: 0,
      consecutiveNotUp: 5,
      lastCheckedAt: '2026-03-10T08:29:00.000Z',
      certExpiresAt: '2026-05-01T00:00:00.000Z',
    },
    openHour: { index: H, counts: [3, 0, 1] },
    openDay: { index: D, counts: [10, 0, 2] },
    hourLatency: [],
  };
  const web: StoredCheck = {
    state: { status: 'up', consecutiveFailures: 0, consecutiveSuccesses: 9, consecutiveNotUp: 0, lastCheckedAt: '2026-03-10T08:29:00.000Z' },
    openHour: { index: H, counts: [4, 0, 0] },
    openDay: { index: D, counts: [12, 0, 0] },
    hourLatency: [],
  };
  const hours = emptySeries(HOURS_KEPT);
  hours.newest = H - 1;
  hours.up[HOURS_KEPT - 1] = 60;
  const days = emptySeries(DAYS_KEPT);
  days.newest = D - 1;
  days.up[DAYS_KEPT - 1] = 1000;
  days.degraded[DAYS_KEPT - 1] = 440;

  const byShard = new Map<number, Record<string, StoredCheck>>();
  for (const [name, check] of [['api', api], ['web', web]] as const) {
    byShard.set(shardOf(name), { ...byShard.get(shardOf(name)), [name]: check });
  }
  const runAt = [Date.parse('2026-03-10T08:29:00Z'), Date.parse('2026-03-10T08:28:00Z')];
  for (const [index, checks] of byShard) {
    await put(index, 'current', encodeCurrent({ updatedAtMs: runAt[index % 2], sourceGeneration: '', checks }));
  }
  await put(shardOf('api'), 'hours', encodeRollup({ checks: { api: hours } }));
  await put(shardOf('api'), 'days', encodeRollup({ checks: { api: days } }));
  await doc.send(new PutCommand({ TableName: table, Item: { ...META_KEY, gen: layout.generation, version: 1, updatedAt: '' } }));

  const snap = await readSnapshot(doc, table, config, NOW);
  expect(snap).toMatchObject({
    title: 'Test page', generatedAt: NOW.toISOString(), updatedAt: '2026-03-10T08:29:00.000Z', stale: false, overall: 'down',
  });
  expect(snap.checks.map((c) => c.name)).toEqual(['api', 'web', 'new']);
  const [a, w, n] = snap.checks;
  expect(a).toMatchObject({
    displayName: 'API',
    status: 'down',
    message: 'connection refused',
    latencyMs: 42,
    since: api.state.since,
    lastCheckedAt: api.state.lastCheckedAt,
    certExpiresAt: api.state.certExpiresAt,
  });
  // 24 h: the open hour (3 up, 1 down) and the previous one (60 up); 7 d: today and yesterday.
  expect(a.uptime.h24).toBeCloseTo(63 / 64);
  expect(a.uptime.d7).toBeCloseTo(1450 / 1452);
  expect(a.days[89]).toEqual({ date: '2026-03-10', uptime: 10 / 12, worst: 'down' });
  expect(a.days[88]).toEqual({ date: '2026-03-09', uptime: 1, worst: 'degraded' });
  expect(a.days[87]).toEqual({ date: '2026-03-08', uptime: null, worst: 'unknown' });
  expect(w).toMatchObject({ status: 'up', latencyMs: undefined, message: undefined, uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } });
  expect(n).toMatchObject({ status: 'unknown', lastCheckedAt: undefined, uptime: { h24: null, d7: null, d30: null, d90: null } });
  expect(n.days.every((d) => d.uptime === null)).toBe(true);
});

/**
 * A DocumentClient over dynalite whose first BatchGetItem answers only the first `served` keys
 * and hands the rest back as UnprocessedKeys, as DynamoDB does under throttling or size limits.
 * It also counts conditional writes that fail (a shard read as missing would make one).
 */
function deferringClient(served: number): { client: DocumentSender; requested: number[]; failedConditions: () => number } {
  const requested: number[] = [];
  let deferred = false;
  let failed = 0;
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchGetCommand)) {
        try {
          return await doc.send(command as PutCommand);
        } catch (error) {
          if (isConditionalCheckFailed(error)) failed++;
          throw error;
        }
      }
      const [table, request] = Object.entries(command.input.RequestItems!)[0];
      const keys = request.Keys as Item[];
      requested.push(keys.length);
      if (deferred || keys.length <= served) return doc.send(command);
      deferred = true;
      const res = await doc.send(new BatchGetCommand({ ...command.input, RequestItems: { [table]: { ...request, Keys: keys.slice(0, served) } } }));
      return { ...res, UnprocessedKeys: { [table]: { ...request, Keys: keys.slice(served) } } };
    },
  } as unknown as DocumentSender;
  return { client, requested, failedConditions: () => failed };
}

test('a BatchGetItem whose keys come back unprocessed is completed: the page misses nothing', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']), { checksPerShard: 2 });
  const results = [down(), up(), up(), down(), up(), up(), up()];
  await recordRun(doc, table, config, results, new Date(NOW.getTime() - 60 * 60_000), { log: SILENT_LOG });
  await recordRun(doc, table, config, results, new Date(NOW.getTime() - 60_000), { log: SILENT_LOG });

  const { client, requested } = deferringClient(5);
  const snap = await readSnapshot(client, table, config, NOW);
  // META + 4 shards x 3 items, of which 8 were deferred and asked for again.
  expect(requested).toEqual([13, 8]);
  expect(snap).toEqual(await readSnapshot(doc, table, config, NOW));
  expect(snap.checks.map((c) => c.status)).toEqual(['down', 'up', 'up', 'down', 'up', 'up', 'up']);
  expect(snap.checks.every((c) => c.days[89].uptime !== null)).toBe(true);
});

test('a run whose shard reads come back unprocessed still finds every shard (no lost state, no conflict)', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['c1', 'c2', 'c3', 'c4', 'c5']), { checksPerShard: 2 });
  await recordRun(doc, table, config, config.checks.map(() => up()), new Date(NOW.getTime() - 120_000), { log: SILENT_LOG });

  const { client, requested, failedConditions } = deferringClient(2);
  const second = await recordRun(client, table, config, config.checks.map(() => down()), new Date(NOW.getTime() - 60_000), { log: SILENT_LOG });
  // META + 3 CURRENT items, of which 2 were deferred and asked for again.
  expect(requested).toEqual([4, 2]);
  // Every shard was written over the version it read: no write assumed a missing item.
  expect(failedConditions()).toBe(0);
  expect(second.conflictedShards).toBe(0);
  // Each change starts from the stored status (up), so each is an alert.
  expect(second.changes.map((c) => `${c.check}:${c.from}->${c.to}`)).toEqual(['c1:up->down', 'c2:up->down', 'c3:up->down', 'c4:up->down', 'c5:up->down']);
});
