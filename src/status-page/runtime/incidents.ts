/**
 * Incidents: posted and updated by an operator (the `status-page-incident` CLI, with the
 * operator's own AWS credentials), read by the page. No redeploy: they live in the status table
 * (layout in table-schema.ts), one item per incident holding all its updates.
 *
 * - Open: a new item under its open key, with a first update (investigating by default).
 * - Update: the item rewritten with one more update, conditional on the version it read.
 * - Resolve (an update with state `resolved`): the item is written under its resolved key
 *   (which carries a 90-day TTL), then the open one is deleted. A reader that catches both in
 *   between sees the same id twice and keeps the resolved one.
 *
 * The page reads "open, or resolved within the last 14 days" with one Query (`recentIncidents`).
 */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { IncidentState, IncidentUpdate, IncidentView } from './model';
import {
  INCIDENTS_PK, TABLE_PARTITION_KEY, TABLE_SORT_KEY, TABLE_TTL_ATTRIBUTE, TableKey, incidentKey,
} from './table-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender, Item } from '../../shared/runtime/dynamo-batch';

export const INCIDENT_STATES: readonly IncidentState[] = ['investigating', 'identified', 'monitoring', 'resolved'];
export const INCIDENT_IMPACTS: readonly IncidentView['impact'][] = ['minor', 'major', 'critical'];
/** Incidents resolved this long ago are still shown. */
export const RECENT_INCIDENT_DAYS = 14;
/** Most incidents one page view reads. */
export const MAX_PAGE_INCIDENTS = 50;
/** A resolved incident is kept this long after its resolution. */
export const INCIDENT_TTL_DAYS = 90;
export const MAX_TITLE = 200;
export const MAX_MESSAGE = 2000;
export const MAX_UPDATES = 100;
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** An incident as stored: the view plus the optimistic-lock version. */
export interface StoredIncident extends IncidentView {
  readonly version: number;
}

export interface NewIncident {
  /** Omitted: made from the date and the title, e.g. `2026-03-10-checkout-errors`. */
  readonly id?: string;
  readonly title: string;
  readonly impact: IncidentView['impact'];
  readonly checks: string[];
  readonly state: IncidentState;
  readonly message: string;
}

export interface IncidentChange {
  readonly state: IncidentState;
  readonly message: string;
  readonly title?: string;
  readonly impact?: IncidentView['impact'];
}

/** Open or recently resolved incidents, newest first: one Query, at most MAX_PAGE_INCIDENTS items. */
export async function recentIncidents(
  query: (input: { fromSortKey: string; limit: number }) => Promise<Item[]>,
  now: Date,
): Promise<IncidentView[]> {
  const from = new Date(now.getTime() - RECENT_INCIDENT_DAYS * 86_400_000).toISOString();
  const items = await query({ fromSortKey: from, limit: MAX_PAGE_INCIDENTS });
  return newestFirst(dedupe(items.map(incidentOf).filter((i): i is StoredIncident => i !== undefined)))
    .map(({ version: _version, ...view }) => view);
}

/** Every stored incident (the CLI's view), newest first. */
export async function allIncidents(doc: DocumentSender, table: string): Promise<StoredIncident[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const res = await doc.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY },
      ExpressionAttributeValues: { ':pk': INCIDENTS_PK },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return newestFirst(dedupe(items.map(incidentOf).filter((i): i is StoredIncident => i !== undefined)));
}

/** Writes a new incident; throws when the id is taken or the input is invalid. */
export async function openIncident(doc: DocumentSender, table: string, input: NewIncident, now: Date): Promise<StoredIncident> {
  validateText('title', input.title, MAX_TITLE);
  validateText('message', input.message, MAX_MESSAGE);
  validateChoice('impact', input.impact, INCIDENT_IMPACTS);
  validateChoice('state', input.state, INCIDENT_STATES);
  const existing = new Set((await allIncidents(doc, table)).map((i) => i.id));
  const at = now.toISOString();
  let id = input.id;
  if (id !== undefined) {
    if (!ID_PATTERN.test(id)) throw new Error(`id must be 1 to 64 lowercase letters, digits or '-', starting with a letter or digit; got ${JSON.stringify(id)}`);
    if (existing.has(id)) throw new Error(`an incident with id ${JSON.stringify(id)} exists already: update it, or choose another id`);
  } else {
    id = freeId(`${at.slice(0, 10)}-${slug(input.title)}`, existing);
  }
  const incident: StoredIncident = {
    id,
    title: input.title.trim(),
    impact: input.impact,
    checks: [...new Set(input.checks)],
    startedAt: at,
    ...(input.state === 'resolved' ? { resolvedAt: at } : {}),
    updates: [{ at, state: input.state, message: input.message.trim() }],
    version: 1,
  };
  await put(doc, table, incident, undefined);
  return incident;
}

/** Adds an update (and optionally a new title or impact); `resolved` resolves the incident. */
export async function updateIncident(doc: DocumentSender, table: string, id: string, change: IncidentChange, now: Date): Promise<StoredIncident> {
  validateText('message', change.message, MAX_MESSAGE);
  validateChoice('state', change.state, INCIDENT_STATES);
  if (change.title !== undefined) validateText('title', change.title, MAX_TITLE);
  if (change.impact !== undefined) validateChoice('impact', change.impact, INCIDENT_IMPACTS);
  const current = (await allIncidents(doc, table)).find((i) => i.id === id);
  if (!current) throw new Error(`no incident with id ${JSON.stringify(id)} (list them with: status-page-incident list)`);
  if (current.resolvedAt) throw new Error(`incident ${JSON.stringify(id)} is resolved; open a new incident instead`);
  // The last of the MAX_UPDATES is kept for the resolution, so an incident can always be resolved.
  if (change.state !== 'resolved' && current.updates.length >= MAX_UPDATES - 1) {
    throw new Error(`incident ${JSON.stringify(id)} has ${current.updates.length} updates, the most one incident keeps before its resolution; resolve it and open a new one`);
  }
  const at = now.toISOString();
  const next: StoredIncident = {
    ...current,
    title: change.title?.trim() ?? current.title,
    impact: change.impact ?? current.impact,
    ...(change.state === 'resolved' ? { resolvedAt: at } : {}),
    updates: [...current.updates, { at, state: change.state, message: change.message.trim() }],
    version: current.version + 1,
  };
  if (next.resolvedAt) {
    // A new key: written first, so the incident is never missing; then the open item goes.
    await put(doc, table, next, undefined);
    await doc.send(new DeleteCommand({
      TableName: table,
      Key: incidentKey(current),
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': current.version },
    }));
  } else {
    await put(doc, table, next, current.version);
  }
  return next;
}

async function put(doc: DocumentSender, table: string, incident: StoredIncident, expectedVersion: number | undefined): Promise<void> {
  const key: TableKey = incidentKey(incident);
  const expiresAt = incident.resolvedAt
    ? Math.floor(Date.parse(incident.resolvedAt) / 1000) + INCIDENT_TTL_DAYS * 86_400
    : undefined;
  try {
    await doc.send(new PutCommand({
      TableName: table,
      Item: { ...key, ...incident, ...(expiresAt !== undefined ? { [TABLE_TTL_ATTRIBUTE]: expiresAt } : {}) },
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY } }
        : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
    }));
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      throw new Error(`incident ${JSON.stringify(incident.id)} was changed by someone else at the same time; list it and try again`);
    }
    throw error;
  }
}

/** A stored item as an incident; undefined when it is not one this code wrote. */
function incidentOf(item: Item): StoredIncident | undefined {
  if (typeof item.id !== 'string' || typeof item.title !== 'string' || typeof item.startedAt !== 'string') return undefined;
  if (typeof item[TABLE_SORT_KEY] !== 'string') return undefined;
  const updates: IncidentUpdate[] = Array.isArray(item.updates)
    ? item.updates.filter((u: Item) => typeof u?.at === 'string' && typeof u?.message === 'string' && INCIDENT_STATES.includes(u?.state))
      .map((u: Item) => ({ at: u.at, state: u.state, message: u.message }))
    : [];
  return {
    id: item.id,
    title: item.title,
    impact: INCIDENT_IMPACTS.includes(item.impact) ? item.impact : 'minor',
    checks: Array.isArray(item.checks) ? item.checks.filter((c: unknown): c is string => typeof c === 'string') : [],
    startedAt: item.startedAt,
    ...(typeof item.resolvedAt === 'string' ? { resolvedAt: item.resolvedAt } : {}),
    updates,
    version: typeof item.version === 'number' ? item.version : 0,
  };
}

/** One incident per id: while being resolved it exists under both keys for a moment. */
function dedupe(incidents: StoredIncident[]): StoredIncident[] {
  const byId = new Map<string, StoredIncident>();
  for (const incident of incidents) {
    const seen = byId.get(incident.id);
    if (!seen || incident.version > seen.version) byId.set(incident.id, incident);
  }
  return [...byId.values()];
}

function newestFirst<T extends IncidentView>(incidents: T[]): T[] {
  return incidents.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}

function slug(title: string): string {
  return title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'incident';
}

function freeId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}

function validateText(name: string, value: string, max: number): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new Error(`${name} must be a non-empty text of at most ${max} characters; got ${JSON.stringify(String(value).slice(0, 80))}`);
  }
}

function validateChoice<T extends string>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}
