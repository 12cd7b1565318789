/**
 * 24 hours of response time of one check as a small inline SVG: the p95 and p50 of each hour as
 * two lines in a 48 x 16 viewBox (2 units per hour, the newest hour on the right, the top of the
 * scale at the slowest p95 rounded up). An hour without probes breaks the line. The path data
 * holds only digits, spaces, '-' and the letters M, l and h (relative steps keep it short: it is
 * printed once per check); the same figures are given as text beside it.
 */
import { LatencyHour } from './model';
import { formatUtcTime, parseTime } from './time-text';

export const LATENCY_HOURS = 24;
const WIDTH_PER_HOUR = 2;
const TOP = 1;
const BOTTOM = 15;

export interface LatencyChartView {
  /** True when at least one hour has a figure. */
  readonly hasLatencyHistory: boolean;
  /** Path data in the 48 x 16 viewBox. */
  readonly p50Path: string;
  readonly p95Path: string;
  /** The figures in words, e.g. 'Last hour: p50 84 ms, p95 140 ms. Slowest hour: p95 410 ms at 03:00 UTC.' */
  readonly latencySummary: string;
  /** The top of the scale, e.g. '410 ms' ('' without data). */
  readonly latencyScaleText: string;
}

export function buildLatencyChart(allHours: readonly LatencyHour[]): LatencyChartView {
  const hours = allHours.slice(-LATENCY_HOURS);
  const values = hours.flatMap((h) => [h.p50Ms, h.p95Ms]).filter(isFigure);
  if (values.length === 0) {
    return { hasLatencyHistory: false, p50Path: '', p95Path: '', latencySummary: 'No response times in the last 24 hours.', latencyScaleText: '' };
  }
  const top = niceCeiling(Math.max(...values));
  const offset = LATENCY_HOURS - hours.length;
  const y = (ms: number) => Math.round(BOTTOM - (Math.min(ms, top) / top) * (BOTTOM - TOP));
  const x = (i: number) => (offset + i) * WIDTH_PER_HOUR + WIDTH_PER_HOUR / 2;

  return {
    hasLatencyHistory: true,
    p50Path: linePath(hours.map((h) => h.p50Ms), x, y),
    p95Path: linePath(hours.map((h) => h.p95Ms), x, y),
    latencySummary: summary(hours),
    latencyScaleText: `${top} ms`,
  };
}

/**
 * Consecutive figures joined by relative steps (`l2-3`); a missing hour starts a new subpath;
 * a lone point is a dot (h0, drawn by the round line cap).
 */
function linePath(series: Array<number | null>, x: (i: number) => number, y: (ms: number) => number): string {
  let d = '';
  let previous: number | undefined;
  series.forEach((ms, i) => {
    if (!isFigure(ms)) {
      previous = undefined;
      return;
    }
    const at = y(ms);
    if (previous === undefined) {
      d += `M${x(i)} ${at}${isFigure(series[i + 1]) ? 'l' : 'h0'}`;
    } else {
      const dy = at - previous;
      d += `${d.endsWith('l') ? '' : ' '}${WIDTH_PER_HOUR}${dy < 0 ? dy : ` ${dy}`}`;
    }
    previous = at;
  });
  return d;
}

function summary(hours: readonly LatencyHour[]): string {
  const parts: string[] = [];
  const last = [...hours].reverse().find((h) => isFigure(h.p50Ms) || isFigure(h.p95Ms));
  if (last) parts.push(`Latest hour with probes: p50 ${msText(last.p50Ms)}, p95 ${msText(last.p95Ms)}.`);
  let slowest: LatencyHour | undefined;
  for (const h of hours) if (isFigure(h.p95Ms) && (!slowest || h.p95Ms > (slowest.p95Ms as number))) slowest = h;
  const at = slowest && parseTime(slowest.hour);
  if (slowest && at) parts.push(`Slowest hour: p95 ${msText(slowest.p95Ms)} at ${formatUtcTime(at)}.`);
  return parts.join(' ');
}

/** The scale's top: the next 1, 2 or 5 times a power of ten at or above the value (at least 10 ms). */
function niceCeiling(value: number): number {
  const v = Math.max(10, value);
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5, 10].find((m) => m * power >= v)!;
  return step * power;
}

function msText(value: number | null): string {
  return isFigure(value) ? `${Math.round(value)} ms` : '—';
}

function isFigure(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
