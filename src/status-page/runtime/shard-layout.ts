/**
 * Which shard item holds which check.
 *
 * Checks are ordered by a stable hash of their name (FNV-1a, ties by name) and cut into
 * consecutive groups of at most `checksPerShard`, so every shard respects the limit and the
 * layout depends only on the set of names. A layout is identified by its GENERATION
 * `<shardCount>.<hash of the sorted names and checksPerShard>`, which is part of every shard key:
 * any change of the set of checks starts a new generation, and the store migrates the history
 * from the previous generation (named in the META item) on the first run after the change.
 */
import { CheckConfig } from './model';

export interface ShardLayout {
  /** `<shardCount>.<hash>` */
  readonly generation: string;
  readonly shardCount: number;
  /** Check names per shard, in layout order. */
  readonly shards: string[][];
}

/** 32-bit FNV-1a of a UTF-8 string. */
/* eslint-disable no-bitwise -- a hash is bit arithmetic */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
/* eslint-enable no-bitwise */

export function computeLayout(checks: readonly Pick<CheckConfig, 'name'>[], checksPerShard: number): ShardLayout {
  const perShard = Math.max(1, Math.floor(checksPerShard));
  const names = [...new Set(checks.map((c) => c.name))];
  const keyed = names.map((name) => ({ name, hash: fnv1a(name) }));
  keyed.sort((a, b) => a.hash - b.hash || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const shards: string[][] = [];
  for (let i = 0; i < keyed.length; i += perShard) {
    shards.push(keyed.slice(i, i + perShard).map((k) => k.name));
  }
  const sortedNames = [...names].sort();
  const id = fnv1a(`${perShard}\n${sortedNames.join('\n')}`).toString(36);
  return { generation: `${shards.length}.${id}`, shardCount: shards.length, shards };
}

/** Shard count encoded in a generation id. */
export function shardCountOf(generation: string): number {
  const count = Number.parseInt(generation.split('.')[0], 10);
  return Number.isFinite(count) && count >= 0 ? count : 0;
}
