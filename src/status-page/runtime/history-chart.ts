/**
 * The 90-day strip of one check as ONE inline SVG instead of 90 elements: a path per status,
 * each holding the runs of consecutive days with that status (`M{day} 5h{days}` in a 90 x 10
 * viewBox, stroked 10 high and dashed so every day is its own bar). A check that was up all
 * along is one short path, whatever the number of days. The path data holds only digits, spaces
 * and the letters M and h, so it is printed with `{{d}}` like every other value.
 *
 * The same days as text, for keyboard, touch and screen readers: the days with a problem and
 * the spans without data (the page lists them in a <details> under the strip).
 */
import { CheckStatus, DayBar } from './model';
import { checkStatusText } from './status-text';
import { plural } from './time-text';

/** Days on the strip; the viewBox is this many units wide, one unit per day. */
export const HISTORY_DAYS = 90;
/** Problem days listed one by one (newest first); older ones are counted, so a page of 1,000 flapping checks stays small. */
export const LISTED_PROBLEM_DAYS = 7;
/** Spans without data listed one by one (oldest first); the rest are counted. */
export const LISTED_GAPS = 5;

export interface BarSegmentView {
  readonly status: CheckStatus;
  /** SVG path data of every run of days with this status. */
  readonly d: string;
}

export interface ProblemDayView {
  readonly date: string;
  readonly worst: CheckStatus;
  readonly worstText: string;
  readonly uptimeText: string;
}

export interface HistoryChartView {
  /** One entry per status that occurs, in a fixed order (up, degraded, down, unknown). */
  readonly barSegments: BarSegmentView[];
  /** Degraded and down days, newest first, at most LISTED_PROBLEM_DAYS. */
  readonly problemDays: ProblemDayView[];
  readonly hasProblemDays: boolean;
  /** e.g. 'And 12 earlier days degraded or down.' ('' when every problem day is listed) */
  readonly moreProblemDaysText: string;
  readonly hasMoreProblemDays: boolean;
  /** e.g. 'No data: 2026-08-29 to 2026-09-25 (28 days), 2026-11-02.' ('' when every day has data) */
  readonly noDataText: string;
  readonly hasNoData: boolean;
}

const ORDER: CheckStatus[] = ['up', 'degraded', 'down', 'unknown'];

/** The status a day bar shows: unknown when the day has no data. */
export function dayStatus(day: DayBar): CheckStatus {
  return day.uptime === null || day.worst === 'unknown' ? 'unknown' : day.worst;
}

export function buildHistoryChart(allDays: readonly DayBar[], formatUptime: (value: number | null) => string): HistoryChartView {
  const days = allDays.slice(-HISTORY_DAYS);
  const offset = HISTORY_DAYS - days.length;
  const runs = new Map<CheckStatus, string[]>();
  for (let i = 0; i < days.length;) {
    const status = dayStatus(days[i]);
    let end = i + 1;
    while (end < days.length && dayStatus(days[end]) === status) end++;
    const list = runs.get(status) ?? [];
    list.push(`M${offset + i} 5h${end - i}`);
    runs.set(status, list);
    i = end;
  }
  const allProblemDays = days.filter((d) => dayStatus(d) === 'degraded' || dayStatus(d) === 'down').reverse();
  const problemDays = allProblemDays
    .slice(0, LISTED_PROBLEM_DAYS)
    .map((d) => ({ date: d.date, worst: d.worst, worstText: checkStatusText(d.worst), uptimeText: formatUptime(d.uptime) }));
  const more = allProblemDays.length - problemDays.length;
  const noDataText = describeGaps(days);
  return {
    barSegments: ORDER.filter((s) => runs.has(s)).map((status) => ({ status, d: runs.get(status)!.join('') })),
    problemDays,
    hasProblemDays: problemDays.length > 0,
    moreProblemDaysText: more > 0 ? `And ${plural(more, 'earlier day')} degraded or down.` : '',
    hasMoreProblemDays: more > 0,
    noDataText,
    hasNoData: noDataText !== '',
  };
}

/** The spans of days without data, oldest first. */
function describeGaps(days: readonly DayBar[]): string {
  const spans: string[] = [];
  for (let i = 0; i < days.length;) {
    if (dayStatus(days[i]) !== 'unknown') {
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < days.length && dayStatus(days[end + 1]) === 'unknown') end++;
    const count = end - i + 1;
    spans.push(count === 1 ? days[i].date : `${days[i].date} to ${days[end].date} (${plural(count, 'day')})`);
    i = end + 1;
  }
  if (spans.length === 0) return '';
  const more = spans.length - LISTED_GAPS;
  return `No data: ${spans.slice(0, LISTED_GAPS).join(', ')}${more > 0 ? ` and ${more} more gaps` : ''}.`;
}
