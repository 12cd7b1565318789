/**
 * The page read model: everything one page render needs, from the status table.
 *
 * ## What one page render reads (three requests at once, however long the history)
 * - One BatchGetItem of META + CURRENT/HOURS/DAYS of every shard (DynamoDB takes 100 keys per
 *   request: up to 33 shards is one request, 1,000 checks are one or two sent together); a
 *   second one only while a generation change is waiting for its first checker run (META still
 *   names the previous generation, whose items are then shown). Keys DynamoDB leaves
 *   unprocessed are asked for again until every one is read.
 * - One Query of the incidents: open, or resolved in the last 14 days (at most 50).
 * - One Query of the status changes of the last 14 days, newest first (at most 200).
 *
 * A check that was renamed (`renamedFrom`) is shown with the record and the status changes
 * stored under its previous name until the checker has moved them. Checks under maintenance
 * (maintenance.ts) carry their window and do not count towards the overall status.
 */
import { asCheckStatus, worstStatus } from './check-status';
import { generationKeys, generationRecords, readMeta } from './generation-records';
import { recentIncidents } from './incidents';
import { activeWindow, maintenanceView, maintenanceViews } from './maintenance';
import { MeteredTable } from './metered-table';
import { CheckConfig, CheckView, PageSnapshot, StatusChangeView, StatusPageConfig } from './model';
import { CheckHistory, dayBars, latencyHours, uptimeWindows } from './rollups';
import { computeLayout } from './shard-layout';
import { EVENTS_PK, INCIDENTS_PK, META_KEY } from './table-schema';
import { DocumentSender, Item } from '../../shared/runtime/dynamo-batch';

/** Status changes shown: the last 14 days, at most this many. */
export const RECENT_CHANGE_DAYS = 14;
export const MAX_PAGE_CHANGES = 200;

export async function readSnapshot(doc: DocumentSender, tableName: string, config: StatusPageConfig, now: Date): Promise<PageSnapshot> {
  const table = new MeteredTable(doc, tableName);
  const layout = computeLayout(config.checks, config.checksPerShard);
  const changesFrom = new Date(now.getTime() - RECENT_CHANGE_DAYS * 86_400_000).toISOString();
  const [first, incidents, events] = await Promise.all([
    table.batchGet([META_KEY, ...generationKeys(layout.generation)], false),
    recentIncidents(({ fromSortKey, limit }) => table.queryFrom(INCIDENTS_PK, fromSortKey, limit), now),
    table.queryFrom(EVENTS_PK, changesFrom, MAX_PAGE_CHANGES),
  ]);
  const generation = readMeta(first)?.gen ?? layout.generation;
  const items = generation === layout.generation ? first : await table.batchGet(generationKeys(generation), false);
  const { records, updatedAtMs } = generationRecords(items, generation);

  const checks: CheckView[] = config.checks.map((check) => {
    const r = records.get(check.name) ?? (check.renamedFrom ? records.get(check.renamedFrom) : undefined);
    const history: CheckHistory = r
      ? { hours: r.hours, days: r.days, openHour: r.openHour, openDay: r.openDay, openHourLatency: r.hourLatency }
      : {};
    const window = activeWindow(config, check.name, now);
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
      latency24h: latencyHours(history, now),
      ...(window ? { maintenance: maintenanceView(window, now) } : {}),
    };
  });

  const staleAfterMs = config.staleAfterIntervals * config.intervalSeconds * 1000;
  return {
    title: config.title,
    description: config.description,
    generatedAt: now.toISOString(),
    updatedAt: updatedAtMs !== undefined ? new Date(updatedAtMs).toISOString() : undefined,
    stale: updatedAtMs === undefined || now.getTime() - updatedAtMs > staleAfterMs,
    overall: worstStatus(checks.filter((c) => !c.maintenance).map((c) => c.status)),
    checks,
    incidents,
    maintenance: maintenanceViews(config, now),
    changes: statusChanges(events, config.checks),
  };
}

/**
 * EVENT items (newest first) as the timeline shows them: under the check's current name and
 * display name (a change stored under a `renamedFrom` name belongs to the renamed check);
 * changes of checks no longer on the page are left out.
 */
function statusChanges(events: Item[], checks: readonly CheckConfig[]): StatusChangeView[] {
  const byStoredName = new Map<string, CheckConfig>();
  for (const check of checks) {
    if (check.renamedFrom && !byStoredName.has(check.renamedFrom)) byStoredName.set(check.renamedFrom, check);
  }
  for (const check of checks) byStoredName.set(check.name, check);
  const changes: StatusChangeView[] = [];
  for (const event of events) {
    const check = typeof event.check === 'string' ? byStoredName.get(event.check) : undefined;
    if (!check || typeof event.at !== 'string') continue;
    changes.push({
      at: event.at,
      check: check.name,
      displayName: check.displayName,
      from: asCheckStatus(event.from),
      to: asCheckStatus(event.to),
      ...(typeof event.message === 'string' && event.message ? { message: event.message } : {}),
    });
  }
  return changes;
}
