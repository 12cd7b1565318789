/**
 * The status table: its key schema, the keys of every item, and the item shapes. The construct
 * creates tables with this key schema; the checker and the renderer read and write with it.
 * A table brought by the user (the `table` prop) must have a string partition key `pk`, a
 * string sort key `sk` and TTL on `expiresAt`: the construct checks the keys at synth when the
 * table is defined in the same app; an imported table cannot be checked.
 *
 * Kept free of the AWS SDK: the construct imports it at synth time.
 *
 * ## Layout (table keys pk (S) / sk (S), TTL attribute `expiresAt`)
 *
 * | item    | pk                          | sk        | attributes                                   |
 * |---------|-----------------------------|-----------|----------------------------------------------|
 * | META    | `meta`                      | `meta`    | gen (S), version (N), updatedAt (S)          |
 * | CURRENT | `shard#<gen>#<i>`           | `current` | p (B, gzip JSON), version (N), expiresAt (N) |
 * | HOURS   | `shard#<gen>#<i>`           | `hours`   | p (B, gzip JSON), version (N), expiresAt (N) |
 * | DAYS    | `shard#<gen>#<i>`           | `days`    | p (B, gzip JSON), version (N), expiresAt (N) |
 * | EVENT   | `events`                    | `<ISO time>#<check>#<i>` | check, displayName, from, to, message, at, expiresAt |
 * | INCIDENT | `incidents`                | `~open#<startedAt>#<id>` while open, `<resolvedAt>#<id>` once resolved | id, title, impact, checks, startedAt, resolvedAt, updates, version, expiresAt (resolved only) |
 *
 * `<gen>` is the shard layout generation `<shardCount>.<hash of the shards' members>` (see
 * shard-layout.ts): checks are grouped by a stable hash of their name into shards sized by
 * bytes. META names the generation the page currently lives in. The payload `p` is described in
 * payload-codec.ts.
 *
 * Every shard item gets `expiresAt` = write time + 120 days, so the data of a deleted page
 * ages out; items of a running page are rewritten long before that. Events keep 90 days.
 *
 * Incidents are written by the operator's CLI (incidents.ts), never by the checker. Their sort
 * key puts every open incident (`~` sorts after any ISO time) and every incident resolved since
 * a time T in one key range, `sk >= T`: the page reads "open or resolved in the last 14 days"
 * with one Query. Resolving moves the item to its resolved key; a resolved incident is kept 90
 * days after it was resolved.
 */
import { StatusChangeEvent } from './model';

export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB TTL deletes expired rollups and events. */
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** Shard items expire this long after their last write. */
export const SHARD_TTL_DAYS = 120;
/** Incident history kept this long. */
export const EVENT_TTL_DAYS = 90;

export const META_PK = 'meta';
export const EVENTS_PK = 'events';
export const INCIDENTS_PK = 'incidents';
/** Sort-key prefix of open incidents: `~` sorts after every ISO time. */
export const OPEN_INCIDENT_PREFIX = '~open#';
export type ShardItemKind = 'current' | 'hours' | 'days';
export const SHARD_ITEM_KINDS: readonly ShardItemKind[] = ['current', 'hours', 'days'];

export interface TableKey {
  readonly [TABLE_PARTITION_KEY]: string;
  readonly [TABLE_SORT_KEY]: string;
}

/** Names the shard generation the page lives in; `version` guards the switch to a new one. */
export interface MetaItem extends TableKey {
  readonly gen: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** CURRENT, HOURS or DAYS of one shard. */
export interface ShardItem extends TableKey {
  /** Optimistic lock: every write is conditional on the version it read. */
  readonly version: number;
  readonly [TABLE_TTL_ATTRIBUTE]: number;
  /** gzip-compressed JSON payload (payload-codec.ts). */
  readonly p: Uint8Array;
}

/** One status change, kept for the incident history. */
export interface EventItem extends TableKey, Omit<StatusChangeEvent, 'type'> {
  readonly [TABLE_TTL_ATTRIBUTE]: number;
}

export const META_KEY: TableKey = { [TABLE_PARTITION_KEY]: META_PK, [TABLE_SORT_KEY]: META_PK };

export function shardPk(generation: string, index: number): string {
  return `shard#${generation}#${index}`;
}

export function shardKey(generation: string, index: number, kind: ShardItemKind): TableKey {
  return { [TABLE_PARTITION_KEY]: shardPk(generation, index), [TABLE_SORT_KEY]: kind };
}

/** The sort key of an event: time first, so a query returns the history in order. */
export function eventKey(at: string, check: string, index: number): TableKey {
  return { [TABLE_PARTITION_KEY]: EVENTS_PK, [TABLE_SORT_KEY]: `${at}#${check}#${index}` };
}

/** The sort key of an incident: by resolution time once resolved, after every time while open. */
export function incidentKey(incident: { readonly id: string; readonly startedAt: string; readonly resolvedAt?: string }): TableKey {
  const sk = incident.resolvedAt ? `${incident.resolvedAt}#${incident.id}` : `${OPEN_INCIDENT_PREFIX}${incident.startedAt}#${incident.id}`;
  return { [TABLE_PARTITION_KEY]: INCIDENTS_PK, [TABLE_SORT_KEY]: sk };
}

/** A string that identifies a key (for maps of items read in a batch). */
export function keyId(key: TableKey): string {
  return `${key[TABLE_PARTITION_KEY]}|${key[TABLE_SORT_KEY]}`;
}
