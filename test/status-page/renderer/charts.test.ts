import { days, NOW } from './fixtures';
import { buildHistoryChart, LISTED_PROBLEM_DAYS } from '../../../src/status-page/runtime/history-chart';
import { buildLatencyChart } from '../../../src/status-page/runtime/latency-chart';
import { LatencyHour } from '../../../src/status-page/runtime/model';
import { formatPercent } from '../../../src/status-page/runtime/template-view';

describe('90-day strip', () => {
  test('runs of days become one path per status, covering 90 units exactly', () => {
    const chart = buildHistoryChart(days(NOW, (i) => (i < 10 ? 'unknown' : i === 50 ? 'down' : i >= 88 ? 'degraded' : 'up')), formatPercent);
    expect(chart.barSegments).toEqual([
      { status: 'up', d: 'M10 5h40M51 5h37' },
      { status: 'degraded', d: 'M88 5h2' },
      { status: 'down', d: 'M50 5h1' },
      { status: 'unknown', d: 'M0 5h10' },
    ]);
    expect(chart.problemDays.map((d) => `${d.date} ${d.worstText} ${d.uptimeText}`)).toEqual([
      '2026-11-26 Degraded 99.90%', '2026-11-25 Degraded 99.90%', '2026-10-18 Down 90.00%',
    ]);
    expect(chart.noDataText).toBe('No data: 2026-08-29 to 2026-09-07 (10 days).');
    expect(chart.hasMoreProblemDays).toBe(false);
  });

  test('a flapping check lists its newest problem days and counts the rest', () => {
    const chart = buildHistoryChart(days(NOW, (i) => (i % 2 ? 'down' : 'up')), formatPercent);
    expect(chart.problemDays).toHaveLength(LISTED_PROBLEM_DAYS);
    expect(chart.problemDays[0].date).toBe('2026-11-26');
    expect(chart.moreProblemDaysText).toBe(`And ${45 - LISTED_PROBLEM_DAYS} earlier days degraded or down.`);
  });

  test('fewer than 90 days are drawn on the right, the missing ones left empty', () => {
    expect(buildHistoryChart(days(NOW).slice(-3), formatPercent).barSegments).toEqual([{ status: 'up', d: 'M87 5h3' }]);
  });
});

describe('24-hour latency chart', () => {
  const hour = (i: number, p50: number | null, p95: number | null): LatencyHour =>
    ({ hour: new Date(NOW.getTime() - (24 - i) * 3_600_000).toISOString(), p50Ms: p50, p95Ms: p95 });

  test('relative steps on a nice scale; an hour without probes breaks the line', () => {
    const hours = Array.from({ length: 24 }, (_, i) => hour(i, i === 5 ? null : 100, i === 5 ? null : 200));
    hours[10] = hour(10, 100, 430);
    const chart = buildLatencyChart(hours);
    expect(chart.latencyScaleText).toBe('500 ms');
    // y = 15 - ms / 500 * 14: 100 ms -> 12, 200 ms -> 9, 430 ms -> 3
    expect(chart.p50Path).toBe(`M1 12l${'2 0 '.repeat(3)}2 0M13 12l${'2 0 '.repeat(16)}2 0`); // hours 0-4, then 6-23
    expect(chart.p95Path.startsWith('M1 9l2 0 2 0 2 0 2 0M13 9l2 0 2 0 2 0 2-6 2 6')).toBe(true); // 430 ms at hour 10
    expect(chart.latencySummary).toBe('Latest hour with probes: p50 100 ms, p95 200 ms. Slowest hour: p95 430 ms at 22:00 UTC.');
  });

  test('a lone hour is a dot; no figures at all is no chart', () => {
    // scale 100 ms (the slowest figure, 80, rounded up): 50 ms -> y 8
    const lone = buildLatencyChart([hour(23, 50, 80)]);
    expect(lone.p50Path).toBe('M47 8h0');
    expect(buildLatencyChart([hour(0, null, null)])).toMatchObject({ hasLatencyHistory: false, p50Path: '', latencySummary: 'No response times in the last 24 hours.' });
    expect(buildLatencyChart([])).toMatchObject({ hasLatencyHistory: false });
  });
});
