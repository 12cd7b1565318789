/**
 * Items of the status table read back as named records: META, one shard item with its version,
 * and everything a generation holds about each check. Used by run recording (which also
 * migrates a previous generation) and by the page read model.
 */
import { ItemsByKey, itemBytes } from './metered-table';
import { CurrentPayload, RollupPayload, StoredCheck, decodeCurrent, decodeRollup } from './payload-codec';
import { DAYS_KEPT, HOURS_KEPT, Series } from './rollups';
import { shardCountOf } from './shard-layout';
import { META_KEY, SHARD_ITEM_KINDS, TableKey, keyId, shardKey } from './table-schema';
import { Item } from '../../shared/runtime/dynamo-batch';

export interface Meta {
  readonly gen: string;
  readonly version: number;
}

/** A decoded shard item, with what a conditional rewrite of it needs. */
export interface VersionedPayload<T> {
  readonly version: number;
  readonly payload: T;
  /** Stored size: a rewrite is billed on the larger of the old and new item. */
  readonly bytes: number;
}

/** Everything stored about one check, from whatever generation holds it. */
export interface CheckRecord extends StoredCheck {
  readonly hours?: Series;
  readonly days?: Series;
}

export function readMeta(items: ItemsByKey): Meta | undefined {
  const item = items.get(keyId(META_KEY));
  if (typeof item?.gen !== 'string' || item.gen === '') return undefined;
  return { gen: item.gen, version: versionOf(item) };
}

export function readCurrent(item: Item | undefined): VersionedPayload<CurrentPayload> | undefined {
  return readShardItem(item, decodeCurrent);
}

export function readHours(item: Item | undefined): VersionedPayload<RollupPayload> | undefined {
  return readShardItem(item, (bytes) => decodeRollup(bytes, HOURS_KEPT));
}

export function readDays(item: Item | undefined): VersionedPayload<RollupPayload> | undefined {
  return readShardItem(item, (bytes) => decodeRollup(bytes, DAYS_KEPT));
}

/** Every key of a generation: CURRENT, HOURS and DAYS of each shard. */
export function generationKeys(generation: string): TableKey[] {
  const keys: TableKey[] = [];
  for (let i = 0; i < shardCountOf(generation); i++) {
    for (const kind of SHARD_ITEM_KINDS) keys.push(shardKey(generation, i, kind));
  }
  return keys;
}

/** The records of every check of a generation, and the newest run time (epoch ms) among its shards. */
export function generationRecords(items: ItemsByKey, generation: string): { records: Map<string, CheckRecord>; updatedAtMs?: number } {
  const records = new Map<string, CheckRecord>();
  let updatedAtMs: number | undefined;
  for (let i = 0; i < shardCountOf(generation); i++) {
    const current = readCurrent(items.get(keyId(shardKey(generation, i, 'current'))));
    if (!current) continue;
    const hours = readHours(items.get(keyId(shardKey(generation, i, 'hours'))));
    const days = readDays(items.get(keyId(shardKey(generation, i, 'days'))));
    updatedAtMs = Math.max(updatedAtMs ?? 0, current.payload.updatedAtMs);
    for (const [name, check] of Object.entries(current.payload.checks)) {
      records.set(name, { ...check, hours: hours?.payload.checks[name], days: days?.payload.checks[name] });
    }
  }
  return { records, updatedAtMs };
}

function readShardItem<T>(item: Item | undefined, decode: (bytes: Uint8Array) => T): VersionedPayload<T> | undefined {
  if (!(item?.p instanceof Uint8Array)) return undefined;
  return { version: versionOf(item), payload: decode(item.p), bytes: itemBytes(item) };
}

function versionOf(item: Item): number {
  return typeof item.version === 'number' ? item.version : 0;
}
