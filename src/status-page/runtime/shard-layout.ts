/**
 * Which shard item holds which check.
 *
 * Checks are ordered by a stable hash of their name (FNV-1a, ties by name) and cut into
 * consecutive groups, each as large as it can be while
 * - its CURRENT item, estimated, stays within CURRENT_PAYLOAD_BUDGET bytes, so a normal run
 *   rewrites it for 1 WCU (DynamoDB bills writes per started KB), and
 * - it holds at most `checksPerShard` checks, which bounds the HOURS and DAYS items (100 checks
 *   of 90 days are under 150 KB even uncompressed, far below DynamoDB's 400 KB).
 *
 * The estimate encodes, with the real payload codec, what each check's row holds on a busy
 * day: a status since some time in the last 90 days, a latency, a certificate expiry, the open
 * hour's and day's counters and a spread-out latency histogram, all drawn from a generator
 * seeded by the check's name. So the layout depends only on the names (the checker and the
 * renderer compute the same one) and long or poorly compressible names make smaller shards.
 * A real item can exceed the budget for a while (many checks down with long messages): that
 * run costs one more WCU for that shard, nothing breaks.
 *
 * A layout is identified by its GENERATION `<shardCount>.<hash of the shards' members>`, which
 * is part of every shard key: any change of the membership starts a new generation, and the
 * store migrates the history from the previous generation (named in the META item) on the first
 * run after the change.
 */
import { LatencyHistogram, addLatency } from './latency-histogram';
import { CheckConfig } from './model';
import { StoredCheck, encodeCurrent } from './payload-codec';

/** Estimated payload bytes of a CURRENT item: 1 KB less the keys, version and TTL, less a margin. */
export const CURRENT_PAYLOAD_BUDGET = 850;

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

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

const layouts = new WeakMap<readonly Pick<CheckConfig, 'name'>[], Map<number, ShardLayout>>();

/** The layout of a list of checks (memoized per list: both handlers call it on every run or view). */
export function computeLayout(checks: readonly Pick<CheckConfig, 'name'>[], checksPerShard: number): ShardLayout {
  const perShard = Math.max(1, Math.floor(checksPerShard));
  let byLimit = layouts.get(checks);
  if (!byLimit) layouts.set(checks, byLimit = new Map());
  let layout = byLimit.get(perShard);
  if (!layout) byLimit.set(perShard, layout = layoutOf(checks, perShard));
  return layout;
}

function layoutOf(checks: readonly Pick<CheckConfig, 'name'>[], perShard: number): ShardLayout {
  const names = [...new Set(checks.map((c) => c.name))];
  const keyed = names.map((name) => ({ name, hash: fnv1a(name) }));
  keyed.sort((a, b) => a.hash - b.hash || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = keyed.map(({ name }) => [name, busyRow(name)] as const);
  const fits = (from: number, count: number) => count === 1
    || estimatedBytes(Object.fromEntries(rows.slice(from, from + count))) <= CURRENT_PAYLOAD_BUDGET;

  // Each shard is the longest run that fits, found by bisection. Shards come out alike, so the
  // first two guesses are the previous shard's size and one more: usually two encodings a shard.
  const shards: string[][] = [];
  let size = perShard;
  for (let from = 0; from < rows.length; from += size) {
    let lo = 1;
    let hi = Math.min(perShard, rows.length - from);
    const guesses = [size, size + 1];
    while (lo < hi) {
      const guess = guesses.shift();
      const probe = guess !== undefined && guess > lo && guess <= hi ? guess : Math.ceil((lo + hi) / 2);
      if (fits(from, probe)) lo = probe;
      else hi = probe - 1;
    }
    size = lo;
    shards.push(rows.slice(from, from + size).map(([name]) => name));
  }
  const id = fnv1a(shards.map((s) => s.join('\n')).join('\n\n')).toString(36);
  return { generation: `${shards.length}.${id}`, shardCount: shards.length, shards };
}

/** A fixed moment for the estimate (the sizes of its numbers are those of today's). */
const ESTIMATE_NOW_S = 1_780_000_000;

/**
 * What a check's CURRENT row holds on a busy day, drawn from a generator seeded by its name: the
 * open hour and day half gone (the counters of checks probed together are alike), one run in
 * ten degraded or down, 30 latencies spread over -25% to +25% with one in ten twice as slow.
 */
function busyRow(name: string): StoredCheck {
  const random = seededRandom(fnv1a(name));
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const latency = int(20, 900);
  let histogram: LatencyHistogram = [];
  for (let i = 0; i < 30; i++) histogram = addLatency(histogram, latency * (random() < 0.1 ? 2 : 0.75 + random() / 2));
  const hour = Math.floor(ESTIMATE_NOW_S / 3600);
  const troubled = random() < 0.1;
  return {
    state: {
      status: 'up',
      since: new Date((ESTIMATE_NOW_S - int(0, 90 * 86_400)) * 1000).toISOString(),
      latencyMs: int(latency * 0.75, latency * 1.25),
      consecutiveFailures: 0,
      consecutiveSuccesses: 2,
      consecutiveNotUp: 0,
      lastCheckedAt: new Date(ESTIMATE_NOW_S * 1000).toISOString(),
      certExpiresAt: new Date((ESTIMATE_NOW_S + int(0, 90 * 86_400)) * 1000).toISOString(),
    },
    openHour: { index: hour, counts: [30, 0, 0] },
    openDay: { index: Math.floor(hour / 24), counts: troubled ? [720 - int(1, 60), int(0, 40), int(0, 20)] : [720, 0, 0] },
    hourLatency: histogram,
  };
}

function estimatedBytes(checks: Record<string, StoredCheck>): number {
  return encodeCurrent({ updatedAtMs: ESTIMATE_NOW_S * 1000, sourceGeneration: '99.zzzzzzz', checks }).length;
}

/** Shard count encoded in a generation id. */
export function shardCountOf(generation: string): number {
  const count = Number.parseInt(generation.split('.')[0], 10);
  return Number.isFinite(count) && count >= 0 ? count : 0;
}
