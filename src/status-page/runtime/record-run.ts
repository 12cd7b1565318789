/**
 * Stores one checker run in the status table (layout: table-schema.ts; payloads: payload-codec.ts).
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
 * Counters count RUNS by the SMOOTHED status of the check after that run (so a single blip
 * below failureThreshold does not paint a day red); unknown is not counted. Uptime is
 * (up + degraded) / all, so it does not depend on the check interval.
 *
 * Optimistic locking: every shard item carries `version`; a conflicting write (an overlapping
 * run) re-reads the shard and retries once, then gives up for that shard with a clear log line
 * (the overlapping run has stored fresh results for it).
 */
import {
  CheckRecord, VersionedPayload, generationKeys, generationRecords, readCurrent, readDays, readHours, readMeta,
} from './generation-records';
import { LatencyHistogram, addLatency } from './latency-histogram';
import { activeWindow } from './maintenance';
import { MeteredTable } from './metered-table';
import { CheckConfig, CheckStatus, ProbeResult, StatusChangeEvent, StatusPageConfig } from './model';
import { MAX_STORED_MESSAGE, OpenBucket, RollupPayload, StoredCheck, encodeCurrent, encodeRollup } from './payload-codec';
import { Counts, DAYS_KEPT, HOURS_KEPT, Series, dayIndex, emptyCounts, emptySeries, hourIndex, pushBucket } from './rollups';
import { computeLayout } from './shard-layout';
import { CheckState, evaluateProbe, holdForMaintenance } from './status-evaluation';
import {
  EVENT_TTL_DAYS, EventItem, META_KEY, MetaItem, SHARD_TTL_DAYS, ShardItem, ShardItemKind, TABLE_TTL_ATTRIBUTE,
  eventKey, keyId, shardKey, shardPk,
} from './table-schema';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';

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
  /** Number of items written (shard items, META, events and deletes). */
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

export interface RecordRunOptions {
  /** Where version conflicts and best-effort failures are reported. */
  readonly log: Log;
}

/**
 * Stores one run's results (`results[i]` belongs to `config.checks[i]`) and returns the status
 * changes. Throws when DynamoDB fails (other than a version conflict with an overlapping run).
 */
export async function recordRun(
  doc: DocumentSender,
  tableName: string,
  config: StatusPageConfig,
  results: ProbeResult[],
  now: Date,
  { log }: RecordRunOptions,
): Promise<RecordRunResult> {
  if (results.length !== config.checks.length) {
    throw new Error(`recordRun: ${results.length} results for ${config.checks.length} checks`);
  }
  const table = new MeteredTable(doc, tableName);
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
  const first = await table.batchGet([META_KEY, ...currentKeys], true);
  const meta = readMeta(first);
  const migrating = meta?.gen !== layout.generation;
  const sourceGeneration = meta?.gen ?? '';

  // The previous generation's history, loaded once when this run migrates.
  let previousGeneration: Promise<Map<string, CheckRecord>> | undefined;
  const loadPrevious = () => {
    previousGeneration ??= meta && migrating
      ? table.batchGet(generationKeys(meta.gen), true).then((items) => generationRecords(items, meta.gen).records)
      : Promise.resolve(new Map());
    return previousGeneration;
  };

  const H = hourIndex(now);
  const D = dayIndex(now);
  const nowSec = Math.floor(now.getTime() / 1000);
  const allChanges: StatusChangeEvent[] = [];
  const changes: StatusChangeEvent[] = [];
  let conflictedShards = 0;
  let checksDown = 0;

  const shardItem = (index: number, kind: ShardItemKind, version: number, p: Uint8Array): ShardItem => ({
    ...shardKey(layout.generation, index, kind),
    version,
    [TABLE_TTL_ATTRIBUTE]: nowSec + SHARD_TTL_DAYS * 86_400,
    p,
  });

  /** Returns true when stored, false when given up after a conflict. */
  const processShard = async (index: number, attempt: number): Promise<boolean> => {
    const names = layout.shards[index];
    const currentKey = shardKey(layout.generation, index, 'current');
    const current = readCurrent(attempt === 0 ? first.get(keyId(currentKey)) : await table.get(currentKey));
    // An existing new-generation item is trusted unless this run migrates and the item was not
    // made from the generation META names (e.g. a leftover of an older layout with the same id).
    const trusted = current !== undefined && (!migrating || current.payload.sourceGeneration === sourceGeneration);
    const base = new Map<string, CheckRecord>();
    if (trusted) {
      for (const name of names) {
        const stored = current.payload.checks[name];
        if (stored) base.set(name, stored);
      }
    } else if (migrating) {
      const previous = await loadPrevious();
      for (const name of names) {
        // A renamed check takes over the record stored under its previous name.
        const renamedFrom = checksByName.get(name)!.renamedFrom;
        const record = previous.get(name) ?? (renamedFrom ? previous.get(renamedFrom) : undefined);
        if (record) base.set(name, record);
      }
    }

    const rollsHour = names.some((n) => { const b = base.get(n); return b !== undefined && b.openHour.index < H; });
    const rollsDay = names.some((n) => { const b = base.get(n); return b !== undefined && b.openDay.index < D; });
    const writeRollups = (migrating && !trusted) || rollsHour || rollsDay;

    let hoursItem: VersionedPayload<RollupPayload> | undefined;
    let daysItem: VersionedPayload<RollupPayload> | undefined;
    if (writeRollups) {
      const hoursKey = shardKey(layout.generation, index, 'hours');
      const daysKey = shardKey(layout.generation, index, 'days');
      const got = await table.batchGet([hoursKey, daysKey], true);
      hoursItem = readHours(got.get(keyId(hoursKey)));
      daysItem = readDays(got.get(keyId(daysKey)));
    }

    const newChecks: Record<string, StoredCheck> = {};
    const newHours: Record<string, Series> = {};
    const newDays: Record<string, Series> = {};
    let hoursChanged = migrating && !trusted;
    let daysChanged = migrating && !trusted;
    const shardChanges: Array<{ change: StatusChangeEvent; publishable: boolean }> = [];
    let shardDown = 0;

    for (const name of names) {
      const prev = base.get(name);
      // Roll-up series: from the trusted rollup items, or from the migrated record.
      const storedHours = (trusted ? hoursItem?.payload.checks[name] : undefined) ?? prev?.hours;
      const hours = withLatencyColumns(cloneSeries(storedHours ?? emptySeries(HOURS_KEPT, true)));
      const days = cloneSeries((trusted ? daysItem?.payload.checks[name] : undefined) ?? prev?.days ?? emptySeries(DAYS_KEPT));

      let openHour: OpenBucket = prev ? cloneBucket(prev.openHour) : { index: H, counts: emptyCounts() };
      let openDay: OpenBucket = prev ? cloneBucket(prev.openDay) : { index: D, counts: emptyCounts() };
      let hourLatency: LatencyHistogram = prev?.hourLatency ?? [];
      if (openHour.index < H) {
        if (pushBucket(hours, openHour.index, openHour.counts, hourLatency)) hoursChanged = true;
        openHour = { index: H, counts: emptyCounts() };
        hourLatency = [];
      }
      if (openDay.index < D) {
        if (pushBucket(days, openDay.index, openDay.counts)) daysChanged = true;
        openDay = { index: D, counts: emptyCounts() };
      }

      const result = resultsByName.get(name)!;
      let state: CheckState;
      if (activeWindow(config, name, now)) {
        // Under maintenance: shown, but not counted and never alerted on (maintenance.ts).
        state = holdForMaintenance(prev?.state, result, now);
      } else {
        const evaluation = evaluateProbe(checksByName.get(name)!, prev?.state, result, config, now);
        state = evaluation.state;
        countStatus(openHour.counts, state.status);
        countStatus(openDay.counts, state.status);
        // Only answered probes have a response time worth charting (a timeout is not one).
        if (result.outcome !== 'down') hourLatency = addLatency(hourLatency, result.latencyMs);
        if (evaluation.change) shardChanges.push({ change: evaluation.change, publishable: evaluation.publishable });
      }
      if (state.status === 'down') shardDown++;

      newChecks[name] = { state, openHour, openDay, hourLatency };
      newHours[name] = hours;
      newDays[name] = days;
    }

    const retryOrGiveUp = async (what: string): Promise<boolean> => {
      if (attempt === 0) return processShard(index, 1);
      log.warn(`status store: version conflict on ${what} of shard ${index} again after a retry; `
        + 'an overlapping checker run is writing the same shard, leaving it to that run', { shard: shardPk(layout.generation, index) });
      conflictedShards++;
      return false;
    };

    if (writeRollups && hoursChanged) {
      const item = shardItem(index, 'hours', (hoursItem?.version ?? 0) + 1, encodeRollup({ checks: newHours }));
      if (!await table.put(item, hoursItem?.version, hoursItem?.bytes ?? 0)) return retryOrGiveUp('HOURS');
    }
    if (writeRollups && daysChanged) {
      const item = shardItem(index, 'days', (daysItem?.version ?? 0) + 1, encodeRollup({ checks: newDays }));
      if (!await table.put(item, daysItem?.version, daysItem?.bytes ?? 0)) return retryOrGiveUp('DAYS');
    }
    const currentItem = shardItem(index, 'current', (current?.version ?? 0) + 1, encodeCurrent({
      updatedAtMs: now.getTime(),
      sourceGeneration: migrating ? sourceGeneration : current?.payload.sourceGeneration ?? sourceGeneration,
      checks: newChecks,
    }));
    if (!await table.put(currentItem, current?.version, current?.bytes ?? 0)) return retryOrGiveUp('CURRENT');

    checksDown += shardDown;
    for (const { change, publishable } of shardChanges) {
      allChanges.push(change);
      if (publishable) changes.push(change);
    }
    return true;
  };

  const stored = await Promise.all(layout.shards.map((_, i) => processShard(i, 0)));

  if (migrating && stored.every(Boolean)) {
    const metaItem: MetaItem = {
      ...META_KEY,
      gen: layout.generation,
      version: (meta?.version ?? 0) + 1,
      updatedAt: now.toISOString(),
    };
    if (!await table.put(metaItem, meta?.version, 0)) {
      log.warn('status store: META changed by an overlapping run; not switching generation');
    } else if (meta) {
      try {
        await table.batchWrite(generationKeys(meta.gen).map((Key) => ({ DeleteRequest: { Key } })));
      } catch (error) {
        log.warn('status store: could not delete the previous generation (TTL will)', { error: (error as Error).name });
      }
    }
  }

  // Changes in config order (shards complete in any order).
  const order = new Map(config.checks.map((c, i) => [c.name, i] as const));
  const byConfigOrder = (a: StatusChangeEvent, b: StatusChangeEvent) => order.get(a.check)! - order.get(b.check)!;
  changes.sort(byConfigOrder);
  allChanges.sort(byConfigOrder);

  if (changes.length > 0) {
    const eventExpiresAt = nowSec + EVENT_TTL_DAYS * 86_400;
    await table.batchWrite(changes.map((e, i): { PutRequest: { Item: EventItem } } => ({
      PutRequest: {
        Item: {
          ...eventKey(e.at, e.check, i),
          check: e.check,
          displayName: e.displayName,
          from: e.from,
          to: e.to,
          ...(e.message ? { message: e.message.slice(0, MAX_STORED_MESSAGE) } : {}),
          at: e.at,
          [TABLE_TTL_ATTRIBUTE]: eventExpiresAt,
        },
      },
    })));
  }

  return {
    changes,
    allChanges,
    writeUnits: table.writeUnits,
    readUnits: table.readUnits,
    capacitySource: table.estimated ? 'estimated' : 'dynamodb',
    itemsWritten: table.itemsWritten,
    largestItemBytes: table.largestItemBytes,
    conflictedShards,
    checksDown,
    migrated: migrating && stored.every(Boolean),
  };
}

function countStatus(counts: Counts, status: CheckStatus): void {
  if (status === 'up') counts[0]++;
  else if (status === 'degraded') counts[1]++;
  else if (status === 'down') counts[2]++;
}

function cloneSeries(s: Series): Series {
  const copy: Series = { newest: s.newest, up: [...s.up], degraded: [...s.degraded], down: [...s.down] };
  if (s.p50 && s.p95) {
    copy.p50 = [...s.p50];
    copy.p95 = [...s.p95];
  }
  return copy;
}

/** An HOURS series written before latency was kept gets empty p50/p95 columns. */
function withLatencyColumns(s: Series): Series {
  if (!s.p50 || !s.p95) {
    s.p50 = new Array(s.up.length).fill(null);
    s.p95 = new Array(s.up.length).fill(null);
  }
  return s;
}

function cloneBucket(b: OpenBucket): OpenBucket {
  return { index: b.index, counts: [...b.counts] };
}
