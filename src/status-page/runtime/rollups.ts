/**
 * Uptime arithmetic for the status page: UTC hour/day indexes, fixed-length counter series
 * (the HOURS and DAYS rollups) and the uptime windows / day bars computed from them.
 *
 * Pure functions only; the clock is always passed in.
 */
import { LatencyHistogram, bucketLatencyMs, quantileBucket } from './latency-histogram';
import { CheckStatus, DayBar, LatencyHour, UptimeWindows } from './model';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Complete hours kept in the HOURS rollup. */
export const HOURS_KEPT = 24;
/** Complete days kept in the DAYS rollup (the page shows 90 bars: 89 complete days + today). */
export const DAYS_KEPT = 90;
/** Bars on the page. */
export const DAY_BARS = 90;

/** Runs counted per smoothed status: [up, degraded, down]. */
export type Counts = [number, number, number];

export function emptyCounts(): Counts {
  return [0, 0, 0];
}

/** Hours since the epoch (UTC). */
export function hourIndex(at: Date | number): number {
  return Math.floor(toMs(at) / HOUR_MS);
}

/** Days since the epoch (UTC). */
export function dayIndex(at: Date | number): number {
  return Math.floor(toMs(at) / DAY_MS);
}

/** yyyy-mm-dd of a UTC day index. */
export function dayDate(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A fixed-length series of counters, newest last: `up[i]` belongs to bucket `newest - (len-1) + i`.
 * Columnar arrays compress far better than one triple per bucket (degraded/down are mostly 0).
 */
export interface Series {
  /** Index (hour or day) of the newest bucket; -1 = empty series. */
  newest: number;
  up: number[];
  degraded: number[];
  down: number[];
  /**
   * HOURS only: the latency bucket (latency-histogram.ts) of each hour's p50 and p95; null = no
   * probe got an answer that hour.
   */
  p50?: Array<number | null>;
  p95?: Array<number | null>;
}

/** An empty series; `withLatency` adds the p50/p95 columns (the HOURS item). */
export function emptySeries(length: number, withLatency = false): Series {
  const series: Series = { newest: -1, up: new Array(length).fill(0), degraded: new Array(length).fill(0), down: new Array(length).fill(0) };
  if (withLatency) {
    series.p50 = new Array(length).fill(null);
    series.p95 = new Array(length).fill(null);
  }
  return series;
}

/**
 * Appends the counters of bucket `index` (and, in a series with latency columns, the p50 and p95
 * of `latency`) to the series, shifting older buckets out.
 * Idempotent: a bucket at or before `newest` is already in the series and is not added again
 * (a run that crashed between writing the rollup and the CURRENT item re-rolls the same bucket).
 * Returns true when the series changed.
 */
export function pushBucket(series: Series, index: number, counts: Counts, latency: LatencyHistogram = []): boolean {
  if (index <= series.newest) return false;
  const length = series.up.length;
  const shift = series.newest < 0 ? length : Math.min(length, index - series.newest);
  for (const arr of [series.up, series.degraded, series.down]) shiftIn(arr, shift, 0);
  series.newest = index;
  series.up[length - 1] = counts[0];
  series.degraded[length - 1] = counts[1];
  series.down[length - 1] = counts[2];
  if (series.p50 && series.p95) {
    shiftIn(series.p50, shift, null);
    shiftIn(series.p95, shift, null);
    series.p50[length - 1] = quantileBucket(latency, 0.5);
    series.p95[length - 1] = quantileBucket(latency, 0.95);
  }
  return true;
}

function shiftIn<T>(arr: T[], shift: number, fill: T): void {
  arr.splice(0, shift);
  for (let i = 0; i < shift; i++) arr.push(fill);
}

/** Counters of bucket `index` in the series, or undefined when it is outside the series. */
export function bucketCounts(series: Series | undefined, index: number): Counts | undefined {
  const pos = positionOf(series, index);
  if (pos === undefined) return undefined;
  return [series!.up[pos], series!.degraded[pos], series!.down[pos]];
}

/**
 * Everything known about one check's history: the rollups plus the counters of the bucket
 * still open in the CURRENT item (which may be older than "now" if the checker stopped).
 */
export interface CheckHistory {
  readonly hours?: Series;
  readonly days?: Series;
  /** Hour index and counters of the hour held in the CURRENT item. */
  readonly openHour?: { index: number; counts: Counts };
  /** Day index and counters of the day held in the CURRENT item. */
  readonly openDay?: { index: number; counts: Counts };
  /** Response times of the hour held in the CURRENT item. */
  readonly openHourLatency?: LatencyHistogram;
}

function countsAt(series: Series | undefined, open: { index: number; counts: Counts } | undefined, index: number): Counts | undefined {
  if (open && open.index === index) return open.counts;
  return bucketCounts(series, index);
}

function sumRange(series: Series | undefined, open: { index: number; counts: Counts } | undefined, from: number, to: number): Counts {
  const total = emptyCounts();
  for (let i = from; i <= to; i++) {
    const c = countsAt(series, open, i);
    if (!c) continue;
    total[0] += c[0];
    total[1] += c[1];
    total[2] += c[2];
  }
  return total;
}

/** (up + degraded) / all; null when there is no run. */
export function uptimeOf(c: Counts): number | null {
  const all = c[0] + c[1] + c[2];
  return all === 0 ? null : (c[0] + c[1]) / all;
}

/** Worst status among the counters; unknown when there is no run. */
export function worstOf(c: Counts): CheckStatus {
  if (c[2] > 0) return 'down';
  if (c[1] > 0) return 'degraded';
  if (c[0] > 0) return 'up';
  return 'unknown';
}

/**
 * Uptime over the last 24 hours (the 23 previous complete UTC hours plus the current one) and
 * over the last 7, 30 and 90 UTC days including today.
 */
export function uptimeWindows(history: CheckHistory, now: Date): UptimeWindows {
  const h = hourIndex(now);
  const d = dayIndex(now);
  const days = (n: number) => uptimeOf(sumRange(history.days, history.openDay, d - n + 1, d));
  return {
    h24: uptimeOf(sumRange(history.hours, history.openHour, h - 23, h)),
    d7: days(7),
    d30: days(30),
    d90: days(90),
  };
}

/** Exactly 90 bars, oldest first, the last one being today (UTC). */
export function dayBars(history: CheckHistory, now: Date): DayBar[] {
  const d = dayIndex(now);
  const bars: DayBar[] = [];
  for (let i = d - DAY_BARS + 1; i <= d; i++) {
    const c = countsAt(history.days, history.openDay, i) ?? emptyCounts();
    bars.push({ date: dayDate(i), uptime: uptimeOf(c), worst: worstOf(c) });
  }
  return bars;
}

/**
 * p50 and p95 response times of the last 24 complete UTC hours, oldest first: from the HOURS
 * rollup, or from the open hour of the CURRENT item when the checker has not rolled it over yet.
 */
export function latencyHours(history: CheckHistory, now: Date): LatencyHour[] {
  const h = hourIndex(now);
  const hours: LatencyHour[] = [];
  for (let i = h - HOURS_KEPT; i < h; i++) {
    let p50: number | null = null;
    let p95: number | null = null;
    if (history.openHour?.index === i) {
      p50 = quantileBucket(history.openHourLatency ?? [], 0.5);
      p95 = quantileBucket(history.openHourLatency ?? [], 0.95);
    } else {
      const pos = positionOf(history.hours, i);
      if (pos !== undefined) {
        p50 = history.hours!.p50?.[pos] ?? null;
        p95 = history.hours!.p95?.[pos] ?? null;
      }
    }
    hours.push({
      hour: new Date(i * HOUR_MS).toISOString(),
      p50Ms: p50 === null ? null : bucketLatencyMs(p50),
      p95Ms: p95 === null ? null : bucketLatencyMs(p95),
    });
  }
  return hours;
}

function positionOf(series: Series | undefined, index: number): number | undefined {
  if (!series || series.newest < 0) return undefined;
  const pos = series.up.length - 1 - (series.newest - index);
  return pos >= 0 && pos < series.up.length ? pos : undefined;
}

function toMs(at: Date | number): number {
  return typeof at === 'number' ? at : at.getTime();
}
