/**
 * The page read model: everything one page render needs, from the status table.
 *
 * ## What one page render reads
 * One BatchGetItem of META + CURRENT/HOURS/DAYS of every shard (≤ 100 keys per call, so
 * O(shards), independent of the history length); a second one only while a generation change is
 * waiting for its first checker run (META still names the previous generation, whose items are
 * then shown). Keys DynamoDB leaves unprocessed are asked for again until every one is read.
 */
import { worstStatus } from './check-status';
import { generationKeys, generationRecords, readMeta } from './generation-records';
import { MeteredTable } from './metered-table';
import { CheckView, PageSnapshot, StatusPageConfig } from './model';
import { CheckHistory, dayBars, uptimeWindows } from './rollups';
import { computeLayout } from './shard-layout';
import { META_KEY } from './table-schema';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

export async function readSnapshot(doc: DocumentSender, tableName: string, config: StatusPageConfig, now: Date): Promise<PageSnapshot> {
  const table = new MeteredTable(doc, tableName);
  const layout = computeLayout(config.checks, config.checksPerShard);
  const first = await table.batchGet([META_KEY, ...generationKeys(layout.generation)], false);
  const generation = readMeta(first)?.gen ?? layout.generation;
  const items = generation === layout.generation ? first : await table.batchGet(generationKeys(generation), false);
  const { records, updatedAtMs } = generationRecords(items, generation);

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
      latency24h: [],
    };
  });

  const staleAfterMs = config.staleAfterIntervals * config.intervalSeconds * 1000;
  return {
    title: config.title,
    description: config.description,
    generatedAt: now.toISOString(),
    updatedAt: updatedAtMs !== undefined ? new Date(updatedAtMs).toISOString() : undefined,
    stale: updatedAtMs === undefined || now.getTime() - updatedAtMs > staleAfterMs,
    overall: worstStatus(checks.map((c) => c.status)),
    checks,
    incidents: [],
    maintenance: [],
    changes: [],
  };
}
