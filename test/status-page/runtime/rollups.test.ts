import {
  Counts, dayBars, dayIndex, emptySeries, hourIndex, pushBucket, uptimeWindows, worstOf, bucketCounts,
} from '../../../src/status-page/runtime/rollups';

test('pushBucket shifts by the gap, keeps the newest last and is idempotent', () => {
  const s = emptySeries(4);
  expect(pushBucket(s, 10, [1, 0, 0])).toBe(true);
  expect(pushBucket(s, 11, [2, 0, 0])).toBe(true);
  expect(pushBucket(s, 11, [9, 9, 9])).toBe(false);
  expect(pushBucket(s, 14, [3, 1, 1])).toBe(true);
  expect(s).toEqual({ newest: 14, up: [2, 0, 0, 3], degraded: [0, 0, 0, 1], down: [0, 0, 0, 1] });
  expect(bucketCounts(s, 11)).toEqual([2, 0, 0]);
  expect(bucketCounts(s, 10)).toBeUndefined();
  expect(pushBucket(s, 100, [5, 0, 0])).toBe(true);
  expect(s.up).toEqual([0, 0, 0, 5]);
});

test('uptime windows and bars combine the rollups with the open hour and day', () => {
  const now = new Date(Date.UTC(2026, 2, 10, 0, 30));
  const h = hourIndex(now);
  const d = dayIndex(now);
  const hours = emptySeries(24);
  pushBucket(hours, h - 24, [100, 0, 0]); // 24 hours ago: outside the 24 h window
  pushBucket(hours, h - 1, [3, 0, 1]);
  const days = emptySeries(90);
  pushBucket(days, d - 90, [0, 0, 50]); // outside 90 days
  pushBucket(days, d - 89, [1, 0, 1]);
  pushBucket(days, d - 1, [3, 0, 1]);
  const open: Counts = [1, 1, 0];
  const history = { hours, days, openHour: { index: h, counts: open }, openDay: { index: d, counts: open } };
  const w = uptimeWindows(history, now);
  expect(w.h24).toBeCloseTo(5 / 6);
  expect(w.d7).toBeCloseTo(5 / 6);
  expect(w.d30).toBeCloseTo(5 / 6);
  expect(w.d90).toBeCloseTo(6 / 8);
  const bars = dayBars(history, now);
  expect(bars).toHaveLength(90);
  expect(bars[0]).toEqual({ date: '2025-12-11', uptime: 0.5, worst: 'down' });
  expect(bars[88]).toEqual({ date: '2026-03-09', uptime: 0.75, worst: 'down' });
  expect(bars[89]).toEqual({ date: '2026-03-10', uptime: 1, worst: 'degraded' });
  expect(bars[50]).toEqual({ date: bars[50].date, uptime: null, worst: 'unknown' });
});

test('an open hour left behind by a stopped checker still counts while inside the window', () => {
  const now = new Date(Date.UTC(2026, 2, 10, 5, 0));
  const history = { openHour: { index: hourIndex(now) - 3, counts: [0, 0, 2] as Counts } };
  expect(uptimeWindows(history, now).h24).toBe(0);
  expect(uptimeWindows({}, now)).toEqual({ h24: null, d7: null, d30: null, d90: null });
  expect(worstOf([0, 0, 0])).toBe('unknown');
});
