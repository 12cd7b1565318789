/**
 * The payload `p` of the shard items: named shapes in code, compact rows on disk.
 *
 * On disk a payload is JSON, then gzip (level 9). Rows are positional arrays because every byte
 * is billed; the order of their fields is fixed by the labelled tuple types below and read only
 * by destructuring them here.
 * - CURRENT `{ t: updatedAt ms, s: source generation, c: { <check>: [status, sinceS, latencyMs,
 *   consecutiveFailures, consecutiveSuccesses, lastCheckedS, hourIndex, hUp, hDegraded, hDown,
 *   dayIndex, dUp, dDegraded, dDown, certExpiresS, message, consecutiveNotUp, hourLatency] } }` —
 *   status is u/g/x/? (up, degraded, down, unknown); times are epoch seconds (0 = none); latency
 *   is null when unknown; the hour and day counters are the still-open UTC hour and day, and
 *   hourLatency is that hour's latency histogram (latency-histogram.ts). Rows written before the
 *   last two fields existed read as 0 and an empty histogram.
 * - HOURS `{ c: { <check>: [newestHourIndex, up[24], degraded[24], down[24], p50[24], p95[24]] } }`
 *   — the last 24 complete hours; p50/p95 are latency buckets or null (absent in rows written
 *   before they existed).
 * - DAYS `{ c: { <check>: [newestDayIndex, up[90], degraded[90], down[90]] } }` — the last 90
 *   complete days.
 *
 * Precision kept: times to the second, latency to the millisecond, messages to
 * MAX_STORED_MESSAGE characters.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { LatencyHistogram } from './latency-histogram';
import { CheckStatus } from './model';
import { Counts, Series } from './rollups';
import { CheckState } from './status-evaluation';

/** Longest message stored per check. */
export const MAX_STORED_MESSAGE = 300;

/** One check as kept in a CURRENT item. */
export interface StoredCheck {
  readonly state: CheckState;
  /** The UTC hour still open, with the runs counted in it so far. */
  readonly openHour: OpenBucket;
  /** The UTC day still open, with the runs counted in it so far. */
  readonly openDay: OpenBucket;
  /** Response times probed in the open hour. */
  readonly hourLatency: LatencyHistogram;
}

export interface OpenBucket {
  readonly index: number;
  readonly counts: Counts;
}

/** The CURRENT item of a shard. */
export interface CurrentPayload {
  /** When the run that wrote it started (epoch ms). */
  readonly updatedAtMs: number;
  /** The generation whose history this item carries on ('' when there was none). */
  readonly sourceGeneration: string;
  readonly checks: Readonly<Record<string, StoredCheck>>;
}

/** The HOURS or DAYS item of a shard. */
export interface RollupPayload {
  readonly checks: Readonly<Record<string, Series>>;
}

type StatusCode = 'u' | 'g' | 'x' | '?';

type CheckRow = [
  status: StatusCode, sinceS: number, latencyMs: number | null,
  consecutiveFailures: number, consecutiveSuccesses: number, lastCheckedS: number,
  hourIndex: number, hourUp: number, hourDegraded: number, hourDown: number,
  dayIndex: number, dayUp: number, dayDegraded: number, dayDown: number,
  certExpiresS: number, message: string, consecutiveNotUp?: number, hourLatency?: number[],
];
type Buckets = Array<number | null>;
type SeriesRow = [newest: number, up: number[], degraded: number[], down: number[], p50?: Buckets, p95?: Buckets];

interface CurrentJson { t: number; s: string; c: Record<string, CheckRow> }
interface RollupJson { c: Record<string, SeriesRow> }

const STATUS_CODE: Record<CheckStatus, StatusCode> = { up: 'u', degraded: 'g', down: 'x', unknown: '?' };
const CODE_STATUS: Record<string, CheckStatus> = { u: 'up', g: 'degraded', x: 'down' };

export function encodeCurrent(payload: CurrentPayload): Uint8Array {
  const c: Record<string, CheckRow> = {};
  for (const [name, check] of Object.entries(payload.checks)) c[name] = encodeCheck(check);
  return pack<CurrentJson>({ t: payload.updatedAtMs, s: payload.sourceGeneration, c });
}

export function decodeCurrent(bytes: Uint8Array): CurrentPayload {
  const json = unpack<CurrentJson>(bytes);
  const checks: Record<string, StoredCheck> = {};
  for (const [name, row] of Object.entries(json.c)) checks[name] = decodeCheck(row);
  return { updatedAtMs: json.t, sourceGeneration: json.s, checks };
}

export function encodeRollup(payload: RollupPayload): Uint8Array {
  const c: Record<string, SeriesRow> = {};
  for (const [name, s] of Object.entries(payload.checks)) {
    c[name] = s.p50 && s.p95 ? [s.newest, s.up, s.degraded, s.down, s.p50, s.p95] : [s.newest, s.up, s.degraded, s.down];
  }
  return pack<RollupJson>({ c });
}

/** `length` is the series length of the item (HOURS_KEPT or DAYS_KEPT): rows are fitted to it. */
export function decodeRollup(bytes: Uint8Array, length: number): RollupPayload {
  const json = unpack<RollupJson>(bytes);
  const checks: Record<string, Series> = {};
  for (const [name, [newest, up, degraded, down, p50, p95]] of Object.entries(json.c)) {
    const series: Series = { newest, up: fit(up, length, 0), degraded: fit(degraded, length, 0), down: fit(down, length, 0) };
    if (p50 && p95) {
      series.p50 = fit(p50, length, null);
      series.p95 = fit(p95, length, null);
    }
    checks[name] = series;
  }
  return { checks };
}

function encodeCheck({ state, openHour, openDay, hourLatency }: StoredCheck): CheckRow {
  return [
    STATUS_CODE[state.status], toSec(state.since), state.latencyMs === undefined ? null : Math.round(state.latencyMs),
    state.consecutiveFailures, state.consecutiveSuccesses, toSec(state.lastCheckedAt),
    openHour.index, ...openHour.counts, openDay.index, ...openDay.counts,
    toSec(state.certExpiresAt), (state.message ?? '').slice(0, MAX_STORED_MESSAGE),
    state.consecutiveNotUp, [...hourLatency],
  ];
}

function decodeCheck(row: CheckRow): StoredCheck {
  const [
    status, sinceS, latencyMs, consecutiveFailures, consecutiveSuccesses, lastCheckedS,
    hourIndex, hourUp, hourDegraded, hourDown, dayIndex, dayUp, dayDegraded, dayDown,
    certExpiresS, message, consecutiveNotUp, hourLatency,
  ] = row;
  return {
    state: {
      status: CODE_STATUS[status] ?? 'unknown',
      since: fromSec(sinceS),
      latencyMs: latencyMs ?? undefined,
      consecutiveFailures,
      consecutiveSuccesses,
      consecutiveNotUp: consecutiveNotUp ?? 0,
      lastCheckedAt: fromSec(lastCheckedS),
      certExpiresAt: fromSec(certExpiresS),
      message: message || undefined,
    },
    openHour: { index: hourIndex, counts: [hourUp, hourDegraded, hourDown] },
    openDay: { index: dayIndex, counts: [dayUp, dayDegraded, dayDown] },
    hourLatency: hourLatency ?? [],
  };
}

/** The newest `length` values, padded in front with `pad`. */
function fit<T>(values: T[], length: number, pad: T): T[] {
  const kept = values.slice(-length);
  return [...new Array<T>(length - kept.length).fill(pad), ...kept];
}

function toSec(iso: string | undefined): number {
  if (!iso) return 0;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

function fromSec(sec: number): string | undefined {
  return sec > 0 ? new Date(sec * 1000).toISOString() : undefined;
}

function pack<T>(json: T): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(json), 'utf8'), { level: 9 });
}

function unpack<T>(bytes: Uint8Array): T {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as T;
}
