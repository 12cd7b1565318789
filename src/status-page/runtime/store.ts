/**
 * The DynamoDB store of the status page: what the checker writes each run and what one page
 * render reads.
 *
 * ## Layout (table keys pk (S) / sk (S), TTL attribute `expiresAt`)
 *
 * | item    | pk                          | sk        | attributes                                   |
 * |---------|-----------------------------|-----------|----------------------------------------------|
 * | META    | `meta`                      | `meta`    | gen (S), version (N), updatedAt (S)          |
 * | CURRENT | `shard#<gen>#<i>`           | `current` | p (B, gzip JSON), version (N), expiresAt (N) |
 * | HOURS   | `shard#<gen>#<i>`           | `hours`   | p (B, gzip JSON), version (N), expiresAt (N) |
 * | DAYS    | `shard#<gen>#<i>`           | `days`    | p (B, gzip JSON), version (N), expiresAt (N) |
 * | EVENT   | `events`                    | `<ISO time>#<check>` | check, displayName, from, to, message, at, expiresAt |
 *
 * `<gen>` is the shard layout generation `<shardCount>.<hash of the check names>` (see
 * shard-layout.ts): checks are grouped by a stable hash of their name into shards of at most
 * `checksPerShard` checks. META names the generation the page currently lives in.
 *
 * Payloads (JSON, then gzip; compact positional encoding because every byte is billed):
 * - CURRENT `{ t: updatedAt ms, s: source generation, c: { <check>: [status, sinceS, latencyMs,
 *   consecutiveFailures, consecutiveSuccesses, lastCheckedS, hourIndex, hUp, hDegraded, hDown,
 *   dayIndex, dUp, dDegraded, dDown, certExpiresS, message] } }` — status is u/g/x/? (up,
 *   degraded, down, unknown); times are epoch seconds (0 = none); the hour and day counters are
 *   the still-open UTC hour and day.
 * - HOURS `{ c: { <check>: [newestHourIndex, up[24], degraded[24], down[24]] } }` — the last 24
 *   complete hours.
 * - DAYS `{ c: { <check>: [newestDayIndex, up[90], degraded[90], down[90]] } }` — the last 90
 *   complete days.
 *
 * Counters count RUNS by the SMOOTHED status of the check after that run (so a single blip
 * below failureThreshold does not paint a day red); unknown is not counted. Uptime is
 * (up + degraded) / all, so it does not depend on the check interval.
 *
 * ## What one run writes
 * - Normal run: one conditional PutItem of CURRENT per shard (`version = :read`), nothing else.
 *   100 checks in one or two shards are a few KB compressed: a handful of WCUs, not 100.
 * - Hour roll-over (first run of a UTC hour): additionally HOURS per shard; day roll-over:
 *   additionally DAYS per shard. Roll-ups are written BEFORE CURRENT and are idempotent (a bucket
 *   already in the series is not added again), so a crash between the two writes loses nothing
 *   and counts nothing twice.
 * - Status changes (publishable ones, not unknown -> x): one small EVENT item each (TTL 90 days).
 * - Generation change (checks added/removed): the previous generation's items are read once,
 *   regrouped into the new shards (removed checks are dropped), all three items of every new
 *   shard are written, then META is switched (conditional on its version) and the old
 *   generation's items are deleted (best effort; TTL catches anything left).
 *
 * Optimistic locking: every shard item carries `version`; a conflicting write (an overlapping
 * run) re-reads the shard and retries once, then gives up for that shard with a clear log line
 * (the overlapping run has stored fresh results for it).
 *
 * Every shard item gets `expiresAt` = write time + 120 days, so the data of a deleted page
 * ages out; items of a running page are rewritten long before that.
 *
 * ## What one page render reads
 * One BatchGetItem of META + CURRENT/HOURS/DAYS of every shard (≤ 100 keys per call, so
 * O(shards), independent of the history length); a second one only while a generation change is
 * waiting for its first checker run.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
// The AWS SDK is bundled into the handler asset by esbuild: a devDependency on purpose.
import {
  AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConsumedCapacity,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { CheckConfig, CheckStatus, CheckView, PageSnapshot, ProbeResult, StatusChangeEvent, StatusPageConfig } from './model';
import {
  CheckHistory, Counts, DAYS_KEPT, HOURS_KEPT, Series, dayBars, dayIndex, emptyCounts, emptySeries, hourIndex, pushBucket, uptimeWindows,
} from './rollups';
import { ShardLayout, computeLayout, shardCountOf } from './shard-layout';
import { CheckState, evaluateProbe } from './status-evaluation';
import { TABLE_PARTITION_KEY, TABLE_SORT_KEY, TABLE_TTL_ATTRIBUTE } from './table-schema';

/** Rollups and shard items expire this long after their last write. */
export const SHARD_TTL_DAYS = 120;
/** Incident history kept this long. */
export const EVENT_TTL_DAYS = 90;
/** Longest message stored per check. */
export const MAX_STORED_MESSAGE = 300;

export const META_PK = 'meta';
export const EVENTS_PK = 'events';
export type ShardItemKind = 'current' | 'hours' | 'days';

export interface RecordRunResult {
  /** Status changes worth an alert (never the first status of a new check). */
  readonly changes: StatusChangeEvent[];
  /** Every status change, including unknown -> first status (not to be published). */
  readonly allChanges: StatusChangeEvent[];
  /** Write capacity units of this run. */
  readonly writeUnits: number;
  /** Read capacity units of this run. */
  readonly readUnits: number;
  /**
   * `dynamodb`: the sum of ConsumedCapacity.CapacityUnits returned by the API (dynalite and
   * DynamoDB both return it); `estimated`: computed from item sizes because a response lacked it.
   */
  readonly capacitySource: 'dynamodb' | 'estimated';
  /** Number of shard items written. */
  readonly itemsWritten: number;
  /** Largest item written, in bytes (DynamoDB's limit is 400 KB). */
  readonly largestItemBytes: number;
  /** Shards given up after a retried version conflict (an overlapping run wrote them). */
  readonly conflictedShards: number;
  /** Checks whose smoothed status is down after this run. */
  readonly checksDown: number;
  /** True when this run moved the history to a new shard generation. */
  readonly migrated: boolean;
}

export interface StoreOptions {
  /** Where conflicts and best-effort failures are reported; defaults to console. */
  readonly logger?: Pick<Console, 'warn' | 'error'>;
}

// ---------------------------------------------------------------------------------------------
// Payload encoding

type Key = Record<string, AttributeValue>;
type StoredTuple = [
  string, number, number | null, number, number, number,
  number, number, number, number, number, number, number, number, number, string,
];
type SeriesTuple = [number, number[], number[], number[]];

interface CurrentPayload { t: number; s: string; c: Record<string, StoredTuple> }
interface RollupPayload { c: Record<string, SeriesTuple> }

/** One check as kept in a CURRENT item. */
interface StoredCheck {
  state: CheckState;
  openHour: { index: number; counts: Counts };
  openDay: { index: number; counts: Counts };
}

interface VersionedItem<T> { version: number; data: T; bytes: number }

const STATUS_CODE: Record<CheckStatus, string> = { up: 'u', degraded: 'g', down: 'x', unknown: '?' };
const CODE_STATUS: Record<string, CheckStatus> = { u: 'up', g: 'degraded', x: 'down' };

function toSec(iso: string | undefined): number {
  if (!iso) return 0;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}
function fromSec(sec: number): string | undefined {
  return sec > 0 ? new Date(sec * 1000).toISOString() : undefined;
}

function encodeCheck(c: StoredCheck): StoredTuple {
  const s = c.state;
  return [
    STATUS_CODE[s.status], toSec(s.since), s.latencyMs === undefined ? null : Math.round(s.latencyMs),
    s.consecutiveFailures, s.consecutiveSuccesses, toSec(s.lastCheckedAt),
    c.openHour.index, ...c.openHour.counts, c.openDay.index, ...c.openDay.counts,
    toSec(s.certExpiresAt), (s.message ?? '').slice(0, MAX_STORED_MESSAGE),
  ];
}

function decodeCheck(t: StoredTuple): StoredCheck {
  return {
    state: {
      status: CODE_STATUS[t[0]] ?? 'unknown',
      since: fromSec(t[1]),
      latencyMs: t[2] ?? undefined,
      consecutiveFailures: t[3],
      consecutiveSuccesses: t[4],
      lastCheckedAt: fromSec(t[5]),
      certExpiresAt: fromSec(t[14]),
      message: t[15] || undefined,
    },
    openHour: { index: t[6], counts: [t[7], t[8], t[9]] },
    openDay: { index: t[10], counts: [t[11], t[12], t[13]] },
  };
}

function encodeSeries(s: Series): SeriesTuple {
  return [s.newest, s.up, s.degraded, s.down];
}
function decodeSeries(t: SeriesTuple, length: number): Series {
  const fit = (a: number[]) => {
    const arr = a.slice(-length);
    while (arr.length < length) arr.unshift(0);
    return arr;
  };
  return { newest: t[0], up: fit(t[1]), degraded: fit(t[2]), down: fit(t[3]) };
}

/** The `p` attribute: gzip-compressed JSON (exported for tests that inspect or seed items). */
export function pack(data: unknown): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(data), 'utf8'), { level: 9 });
}
export function unpack<T>(bytes: Uint8Array): T {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as T;
}

export function shardPk(generation: string, index: number): string {
  return `shard#${generation}#${index}`;
}
function shardKey(generation: string, index: number, kind: ShardItemKind): Key {
  return { [TABLE_PARTITION_KEY]: { S: shardPk(generation, index) }, [TABLE_SORT_KEY]: { S: kind } };
}
const META_KEY: Key = { [TABLE_PARTITION_KEY]: { S: META_PK }, [TABLE_SORT_KEY]: { S: META_PK } };

function keyId(key: Key): string {
  return `${key[TABLE_PARTITION_KEY].S}|${key[TABLE_SORT_KEY].S}`;
}

/** DynamoDB's item size: attribute names + values (UTF-8 strings, binary length, numbers ~ digits/2+1). */
export function itemBytes(item: Key): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name, 'utf8');
    if (value.S !== undefined) size += Buffer.byteLength(value.S, 'utf8');
    else if (value.B !== undefined) size += value.B.length;
    else if (value.N !== undefined) size += Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
    else if (value.BOOL !== undefined || value.NULL !== undefined) size += 1;
    else size += Buffer.byteLength(JSON.stringify(value), 'utf8');
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Low-level I/O with capacity accounting

class Io {
  writeUnits = 0;
  readUnits = 0;
  estimated = false;
  itemsWritten = 0;
  largestItemBytes = 0;

  constructor(readonly ddb: DynamoDBClient, readonly table: string) {}

  private addRead(cc: ConsumedCapacity[] | ConsumedCapacity | undefined, fallback: number): void {
    const list = cc === undefined ? [] : Array.isArray(cc) ? cc : [cc];
    const units = list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    if (list.length === 0) {
      this.estimated = true;
      this.readUnits += fallback;
    } else {
      this.readUnits += units;
    }
  }

  private addWrite(cc: ConsumedCapacity[] | ConsumedCapacity | undefined, fallback: number): void {
    const list = cc === undefined ? [] : Array.isArray(cc) ? cc : [cc];
    if (list.length === 0) {
      this.estimated = true;
      this.writeUnits += fallback;
    } else {
      this.writeUnits += list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    }
  }

  /** BatchGetItem in chunks of 100 keys, retrying unprocessed keys. Returns items by key id. */
  async batchGet(keys: Key[], consistent: boolean): Promise<Map<string, Key>> {
    const found = new Map<string, Key>();
    const chunks: Key[][] = [];
    for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
    await Promise.all(chunks.map(async (chunk) => {
      let pending: Key[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        if (attempt > 8) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
        const res = await this.ddb.send(new BatchGetItemCommand({
          RequestItems: { [this.table]: { Keys: pending, ConsistentRead: consistent } },
          ReturnConsumedCapacity: 'TOTAL',
        }));
        const items = res.Responses?.[this.table] ?? [];
        const fallback = items.reduce((sum, it) => sum + Math.max(1, Math.ceil(itemBytes(it) / 4096)) / (consistent ? 1 : 2), 0);
        this.addRead(res.ConsumedCapacity, fallback);
        for (const item of items) found.set(keyId(item), item);
        pending = res.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }));
    return found;
  }

  async get(key: Key): Promise<Key | undefined> {
    const res = await this.ddb.send(new GetItemCommand({
      TableName: this.table, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL',
    }));
    this.addRead(res.ConsumedCapacity, res.Item ? Math.max(1, Math.ceil(itemBytes(res.Item) / 4096)) : 1);
    return res.Item;
  }

  /**
   * Conditional put: `expectedVersion` undefined = the item must not exist.
   * Returns false on a version conflict.
   */
  async put(item: Key, expectedVersion: number | undefined, previousBytes: number): Promise<boolean> {
    const bytes = itemBytes(item);
    try {
      const res = await this.ddb.send(new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(#pk)' : '#v = :v',
        ExpressionAttributeNames: expectedVersion === undefined ? { '#pk': TABLE_PARTITION_KEY } : { '#v': 'version' },
        ExpressionAttributeValues: expectedVersion === undefined ? undefined : { ':v': { N: String(expectedVersion) } },
        ReturnConsumedCapacity: 'TOTAL',
      }));
      this.addWrite(res.ConsumedCapacity, Math.max(1, Math.ceil(Math.max(bytes, previousBytes) / 1024)));
      this.itemsWritten++;
      this.largestItemBytes = Math.max(this.largestItemBytes, bytes);
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') {
        // DynamoDB bills a failed conditional write too; the response carries no capacity.
        this.writeUnits += Math.max(1, Math.ceil(Math.max(bytes, previousBytes) / 1024));
        this.estimated = true;
        return false;
      }
      throw e;
    }
  }

  /** BatchWriteItem in chunks of 25, retrying unprocessed items. */
  async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
        const res = await this.ddb.send(new BatchWriteItemCommand({
          RequestItems: { [this.table]: pending }, ReturnConsumedCapacity: 'TOTAL',
        }));
        const unprocessed = res.UnprocessedItems?.[this.table] ?? [];
        const done = pending.length - unprocessed.length;
        const fallback = pending.slice(0, done).reduce((s, r) => s + Math.max(1, Math.ceil(itemBytes(r.PutRequest?.Item ?? {}) / 1024)), 0);
        this.addWrite(res.ConsumedCapacity, fallback);
        this.itemsWritten += done;
        pending = unprocessed;
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readVersioned<T>(item: Key | undefined): VersionedItem<T> | undefined {
  if (!item || !item.p?.B) return undefined;
  return { version: Number(item.version?.N ?? '0'), data: unpack<T>(item.p.B), bytes: itemBytes(item) };
}

interface Meta { gen: string; version: number }
function readMeta(item: Key | undefined): Meta | undefined {
  if (!item?.gen?.S) return undefined;
  return { gen: item.gen.S, version: Number(item.version?.N ?? '0') };
}

/** Everything stored about one check, from whatever generation holds it. */
interface CheckRecord extends StoredCheck {
  hours?: Series;
  days?: Series;
}

/** Reads all items of a generation and returns the records by check name (and the newest t). */
function recordsFromItems(items: Map<string, Key>, generation: string): { records: Map<string, CheckRecord>; updatedAt?: number } {
  const records = new Map<string, CheckRecord>();
  let updatedAt: number | undefined;
  const count = shardCountOf(generation);
  for (let i = 0; i < count; i++) {
    const cur = readVersioned<CurrentPayload>(items.get(keyId(shardKey(generation, i, 'current'))));
    const hours = readVersioned<RollupPayload>(items.get(keyId(shardKey(generation, i, 'hours'))));
    const days = readVersioned<RollupPayload>(items.get(keyId(shardKey(generation, i, 'days'))));
    if (!cur) continue;
    updatedAt = Math.max(updatedAt ?? 0, cur.data.t);
    for (const [name, tuple] of Object.entries(cur.data.c)) {
      const h = hours?.data.c[name];
      const d = days?.data.c[name];
      records.set(name, {
        ...decodeCheck(tuple),
        hours: h ? decodeSeries(h, HOURS_KEPT) : undefined,
        days: d ? decodeSeries(d, DAYS_KEPT) : undefined,
      });
    }
  }
  return { records, updatedAt };
}

function allShardKeys(generation: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < shardCountOf(generation); i++) {
    for (const kind of ['current', 'hours', 'days'] as const) keys.push(shardKey(generation, i, kind));
  }
  return keys;
}

function countStatus(counts: Counts, status: CheckStatus): void {
  if (status === 'up') counts[0]++;
  else if (status === 'degraded') counts[1]++;
  else if (status === 'down') counts[2]++;
}

// ---------------------------------------------------------------------------------------------
// recordRun

/**
 * Stores one run's results (`results[i]` belongs to `config.checks[i]`) and returns the status
 * changes. Throws when DynamoDB fails (other than a version conflict with an overlapping run).
 */
export async function recordRun(
  ddb: DynamoDBClient,
  tableName: string,
  config: StatusPageConfig,
  results: ProbeResult[],
  now: Date,
  options: StoreOptions = {},
): Promise<RecordRunResult> {
  if (results.length !== config.checks.length) {
    throw new Error(`recordRun: ${results.length} results for ${config.checks.length} checks`);
  }
  const logger = options.logger ?? console;
  const io = new Io(ddb, tableName);
  const layout = computeLayout(config.checks, config.checksPerShard);
  const checksByName = new Map<string, CheckConfig>();
  const resultsByName = new Map<string, ProbeResult>();
  config.checks.forEach((c, i) => {
    if (!checksByName.has(c.name)) {
      checksByName.set(c.name, c);
      resultsByName.set(c.name, results[i]);
    }
  });

  const currentKeys = layout.shards.map((_, i) => shardKey(layout.generation, i, 'current'));
  const first = await io.batchGet([META_KEY, ...currentKeys], true);
  const meta = readMeta(first.get(keyId(META_KEY)));
  const migrating = meta?.gen !== layout.generation;
  const sourceGen = meta?.gen ?? '';

  // The previous generation's history, loaded once when this run migrates.
  let previousGen: Promise<Map<string, CheckRecord>> | undefined;
  const loadPrevious = () => {
    if (!previousGen) {
      previousGen = meta && migrating
        ? io.batchGet(allShardKeys(meta.gen), true).then((items) => recordsFromItems(items, meta.gen).records)
        : Promise.resolve(new Map());
    }
    return previousGen;
  };

  const H = hourIndex(now);
  const D = dayIndex(now);
  const nowSec = Math.floor(now.getTime() / 1000);
  const shardExpiresAt = String(nowSec + SHARD_TTL_DAYS * 86_400);
  const allChanges: StatusChangeEvent[] = [];
  const changes: StatusChangeEvent[] = [];
  let conflictedShards = 0;
  let checksDown = 0;

  const shardItem = (index: number, kind: ShardItemKind, version: number, data: unknown): Key => ({
    ...shardKey(layout.generation, index, kind),
    version: { N: String(version) },
    [TABLE_TTL_ATTRIBUTE]: { N: shardExpiresAt },
    p: { B: pack(data) },
  });

  /** Returns true when stored, false when given up after a conflict. */
  const processShard = async (index: number, attempt: number): Promise<boolean> => {
    const names = layout.shards[index];
    const curKey = shardKey(layout.generation, index, 'current');
    const current = readVersioned<CurrentPayload>(attempt === 0 ? first.get(keyId(curKey)) : await io.get(curKey));
    // An existing new-generation item is trusted unless this run migrates and the item was not
    // made from the generation META names (e.g. a leftover of an older layout with the same id).
    const trusted = current !== undefined && (!migrating || current.data.s === sourceGen);
    const base = new Map<string, CheckRecord>();
    if (trusted) {
      for (const name of names) {
        const t = current.data.c[name];
        if (t) base.set(name, decodeCheck(t));
      }
    } else if (migrating) {
      const previous = await loadPrevious();
      for (const name of names) {
        const r = previous.get(name);
        if (r) base.set(name, r);
      }
    }

    const rollsHour = names.some((n) => { const b = base.get(n); return b !== undefined && b.openHour.index < H; });
    const rollsDay = names.some((n) => { const b = base.get(n); return b !== undefined && b.openDay.index < D; });
    const writeRollups = (migrating && !trusted) || rollsHour || rollsDay;

    let hoursItem: VersionedItem<RollupPayload> | undefined;
    let daysItem: VersionedItem<RollupPayload> | undefined;
    if (writeRollups) {
      const hk = shardKey(layout.generation, index, 'hours');
      const dk = shardKey(layout.generation, index, 'days');
      const got = await io.batchGet([hk, dk], true);
      hoursItem = readVersioned<RollupPayload>(got.get(keyId(hk)));
      daysItem = readVersioned<RollupPayload>(got.get(keyId(dk)));
    }

    const newCurrent: CurrentPayload = { t: now.getTime(), s: migrating ? sourceGen : current?.data.s ?? sourceGen, c: {} };
    const newHours: RollupPayload = { c: {} };
    const newDays: RollupPayload = { c: {} };
    let hoursChanged = migrating && !trusted;
    let daysChanged = migrating && !trusted;
    const shardChanges: Array<{ change: StatusChangeEvent; publishable: boolean }> = [];
    let shardDown = 0;

    for (const name of names) {
      const check = checksByName.get(name)!;
      const result = resultsByName.get(name)!;
      const prev = base.get(name);
      // Roll-up series: from the trusted rollup items, or from the migrated record.
      const hoursTuple = trusted ? hoursItem?.data.c[name] : undefined;
      const daysTuple = trusted ? daysItem?.data.c[name] : undefined;
      const hours = hoursTuple ? decodeSeries(hoursTuple, HOURS_KEPT) : prev?.hours ? cloneSeries(prev.hours) : emptySeries(HOURS_KEPT);
      const days = daysTuple ? decodeSeries(daysTuple, DAYS_KEPT) : prev?.days ? cloneSeries(prev.days) : emptySeries(DAYS_KEPT);

      let openHour = prev ? { index: prev.openHour.index, counts: [...prev.openHour.counts] as Counts } : { index: H, counts: emptyCounts() };
      let openDay = prev ? { index: prev.openDay.index, counts: [...prev.openDay.counts] as Counts } : { index: D, counts: emptyCounts() };
      if (openHour.index < H) {
        if (pushBucket(hours, openHour.index, openHour.counts)) hoursChanged = true;
        openHour = { index: H, counts: emptyCounts() };
      }
      if (openDay.index < D) {
        if (pushBucket(days, openDay.index, openDay.counts)) daysChanged = true;
        openDay = { index: D, counts: emptyCounts() };
      }

      const evaluation = evaluateProbe(check, prev?.state, result, config, now);
      countStatus(openHour.counts, evaluation.state.status);
      countStatus(openDay.counts, evaluation.state.status);
      if (evaluation.state.status === 'down') shardDown++;
      if (evaluation.change) shardChanges.push({ change: evaluation.change, publishable: evaluation.publishable });

      newCurrent.c[name] = encodeCheck({ state: evaluation.state, openHour, openDay });
      newHours.c[name] = encodeSeries(hours);
      newDays.c[name] = encodeSeries(days);
    }

    const retryOrGiveUp = async (what: string): Promise<boolean> => {
      if (attempt === 0) return processShard(index, 1);
      logger.warn(JSON.stringify({
        level: 'WARN',
        msg: `status store: version conflict on ${what} of shard ${index} again after a retry; `
          + 'an overlapping checker run is writing the same shard, leaving it to that run',
        shard: shardPk(layout.generation, index),
      }));
      conflictedShards++;
      return false;
    };

    if (writeRollups && hoursChanged) {
      const ok = await io.put(shardItem(index, 'hours', (hoursItem?.version ?? 0) + 1, newHours), hoursItem?.version, hoursItem?.bytes ?? 0);
      if (!ok) return retryOrGiveUp('HOURS');
    }
    if (writeRollups && daysChanged) {
      const ok = await io.put(shardItem(index, 'days', (daysItem?.version ?? 0) + 1, newDays), daysItem?.version, daysItem?.bytes ?? 0);
      if (!ok) return retryOrGiveUp('DAYS');
    }
    const ok = await io.put(shardItem(index, 'current', (current?.version ?? 0) + 1, newCurrent), current?.version, current?.bytes ?? 0);
    if (!ok) return retryOrGiveUp('CURRENT');

    checksDown += shardDown;
    for (const { change, publishable } of shardChanges) {
      allChanges.push(change);
      if (publishable) changes.push(change);
    }
    return true;
  };

  const stored = await Promise.all(layout.shards.map((_, i) => processShard(i, 0)));

  if (migrating && stored.every(Boolean)) {
    const ok = await io.put({
      ...META_KEY,
      gen: { S: layout.generation },
      version: { N: String((meta?.version ?? 0) + 1) },
      updatedAt: { S: now.toISOString() },
    }, meta?.version, 0);
    if (!ok) {
      logger.warn(JSON.stringify({ level: 'WARN', msg: 'status store: META changed by an overlapping run; not switching generation' }));
    } else if (meta && meta.gen !== layout.generation) {
      try {
        await io.batchWrite(allShardKeys(meta.gen).map((Key) => ({ DeleteRequest: { Key } })));
      } catch (e) {
        logger.warn(JSON.stringify({
          level: 'WARN',
          msg: 'status store: could not delete the previous generation (TTL will)',
          error: (e as Error).name,
        }));
      }
    }
  }

  // Changes in config order (shards complete in any order).
  const order = new Map(config.checks.map((c, i) => [c.name, i] as const));
  const byConfigOrder = (a: StatusChangeEvent, b: StatusChangeEvent) => order.get(a.check)! - order.get(b.check)!;
  changes.sort(byConfigOrder);
  allChanges.sort(byConfigOrder);

  if (changes.length > 0) {
    const eventExpiresAt = String(nowSec + EVENT_TTL_DAYS * 86_400);
    await io.batchWrite(changes.map((e, i) => ({
      PutRequest: {
        Item: {
          [TABLE_PARTITION_KEY]: { S: EVENTS_PK },
          [TABLE_SORT_KEY]: { S: `${e.at}#${e.check}#${i}` },
          check: { S: e.check },
          displayName: { S: e.displayName },
          from: { S: e.from },
          to: { S: e.to },
          ...(e.message ? { message: { S: e.message.slice(0, MAX_STORED_MESSAGE) } } : {}),
          at: { S: e.at },
          [TABLE_TTL_ATTRIBUTE]: { N: eventExpiresAt },
        },
      },
    })));
  }

  return {
    changes,
    allChanges,
    writeUnits: io.writeUnits,
    readUnits: io.readUnits,
    capacitySource: io.estimated ? 'estimated' : 'dynamodb',
    itemsWritten: io.itemsWritten,
    largestItemBytes: io.largestItemBytes,
    conflictedShards,
    checksDown,
    migrated: migrating && stored.every(Boolean),
  };
}

function cloneSeries(s: Series): Series {
  return { newest: s.newest, up: [...s.up], degraded: [...s.degraded], down: [...s.down] };
}

// ---------------------------------------------------------------------------------------------
// readSnapshot

/**
 * Everything one page render needs: one BatchGetItem of META and every shard item (a second
 * one only while a generation change waits for the checker), whatever the history length.
 */
export async function readSnapshot(
  ddb: DynamoDBClient,
  tableName: string,
  config: StatusPageConfig,
  now: Date,
): Promise<PageSnapshot> {
  const io = new Io(ddb, tableName);
  const layout: ShardLayout = computeLayout(config.checks, config.checksPerShard);
  const first = await io.batchGet([META_KEY, ...allShardKeys(layout.generation)], false);
  const meta = readMeta(first.get(keyId(META_KEY)));
  const gen = meta?.gen ?? layout.generation;
  const items = gen === layout.generation ? first : await io.batchGet(allShardKeys(gen), false);
  const { records, updatedAt } = recordsFromItems(items, gen);

  const checks: CheckView[] = config.checks.map((check) => {
    const r = records.get(check.name);
    const history: CheckHistory = r ? { hours: r.hours, days: r.days, openHour: r.openHour, openDay: r.openDay } : {};
    return {
      name: check.name,
      displayName: check.displayName,
      group: check.group,
      status: r?.state.status ?? 'unknown',
      message: r?.state.message,
      latencyMs: r?.state.latencyMs,
      lastCheckedAt: r?.state.lastCheckedAt,
      since: r?.state.since,
      certExpiresAt: r?.state.certExpiresAt,
      uptime: uptimeWindows(history, now),
      days: dayBars(history, now),
    };
  });

  const staleAfterMs = config.staleAfterIntervals * config.intervalSeconds * 1000;
  return {
    title: config.title,
    description: config.description,
    generatedAt: now.toISOString(),
    updatedAt: updatedAt !== undefined ? new Date(updatedAt).toISOString() : undefined,
    stale: updatedAt === undefined || now.getTime() - updatedAt > staleAfterMs,
    overall: worstStatus(checks.map((c) => c.status)),
    checks,
  };
}

const SEVERITY: Record<CheckStatus, number> = { unknown: 0, up: 1, degraded: 2, down: 3 };

/** Worst known status; unknown only when every check is unknown (or there is none). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  let worst: CheckStatus = 'unknown';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}
