import { gunzipSync, gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { CheckStatus } from '../../../src/status-page/runtime/model';
import {
  CurrentPayload, MAX_STORED_MESSAGE, RollupPayload, StoredCheck, decodeCurrent, decodeRollup, encodeCurrent, encodeRollup,
} from '../../../src/status-page/runtime/payload-codec';
import { DAYS_KEPT, HOURS_KEPT, Series } from '../../../src/status-page/runtime/rollups';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'unknown'];
const count = fc.nat({ max: 100_000 });
/** ISO times to the second (what the codec keeps), 2001..2100. */
const isoSecond = fc.integer({ min: 978_307_200, max: 4_102_444_800 }).map((s) => new Date(s * 1000).toISOString());
const openBucket = fc.record({ index: fc.nat({ max: 10_000_000 }), counts: fc.tuple(count, count, count) });
/** [] or [first bucket, counts...] (latency-histogram.ts). */
const histogram = fc.oneof(
  fc.constant([]),
  fc.tuple(fc.nat({ max: 80 }), fc.array(count, { minLength: 1, maxLength: 20 })).map(([first, counts]) => [first, ...counts]),
);

/** Any check state the codec represents exactly. */
const storedCheck: fc.Arbitrary<StoredCheck> = fc.record({
  state: fc.record({
    status: fc.constantFrom(...STATUSES),
    since: fc.option(isoSecond, { nil: undefined }),
    latencyMs: fc.option(fc.nat({ max: 600_000 }), { nil: undefined }),
    // Any text up to MAX_STORED_MESSAGE UTF-16 units (code points beyond the BMP take two).
    message: fc.option(fc.oneof(
      fc.string({ minLength: 1, maxLength: MAX_STORED_MESSAGE }),
      fc.string({ minLength: 1, maxLength: MAX_STORED_MESSAGE / 2, unit: 'binary' }),
    ), { nil: undefined }),
    consecutiveFailures: count,
    consecutiveSuccesses: count,
    consecutiveNotUp: count,
    lastCheckedAt: fc.option(isoSecond, { nil: undefined }),
    certExpiresAt: fc.option(isoSecond, { nil: undefined }),
  }),
  openHour: openBucket,
  openDay: openBucket,
  hourLatency: histogram,
});

/** Check names as HealthCheck accepts them. */
const checkName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

const currentPayload: fc.Arbitrary<CurrentPayload> = fc.record({
  updatedAtMs: fc.nat({ max: 4_102_444_800_000 }),
  sourceGeneration: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,3}\.[0-9a-z]{1,7}$/)),
  checks: fc.dictionary(checkName, storedCheck, { maxKeys: 20 }),
});

function series(length: number, withLatency: boolean): fc.Arbitrary<Series> {
  const counters = fc.array(count, { minLength: length, maxLength: length });
  const buckets = fc.array(fc.option(fc.nat({ max: 80 }), { nil: null }), { minLength: length, maxLength: length });
  const base = { newest: fc.integer({ min: -1, max: 10_000_000 }), up: counters, degraded: counters, down: counters };
  return withLatency ? fc.record({ ...base, p50: buckets, p95: buckets }) : fc.record(base);
}

function rollupPayload(length: number, withLatency: boolean): fc.Arbitrary<RollupPayload> {
  return fc.record({ checks: fc.dictionary(checkName, series(length, withLatency), { maxKeys: 20 }) });
}

/** The JSON stored in a payload (the on-disk format). */
function stored(bytes: Uint8Array): unknown {
  return JSON.parse(gunzipSync(bytes).toString('utf8'));
}

describe('round trips', () => {
  test('decodeCurrent(encodeCurrent(p)) is p for any CURRENT payload', () => {
    fc.assert(fc.property(currentPayload, (payload) => {
      expect(decodeCurrent(encodeCurrent(payload))).toEqual(payload);
    }), { numRuns: 300 });
  });

  test.each([['HOURS', HOURS_KEPT, true], ['DAYS', DAYS_KEPT, false]] as const)('decodeRollup(encodeRollup(p)) is p for any %s payload', (_, length, withLatency) => {
    fc.assert(fc.property(rollupPayload(length, withLatency), (payload) => {
      expect(decodeRollup(encodeRollup(payload), length)).toEqual(payload);
    }), { numRuns: 200 });
  });

  test('any state is stored at the kept precision: a second round trip changes nothing', () => {
    const anyState = fc.record({
      status: fc.constantFrom(...STATUSES),
      since: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
      latencyMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
      message: fc.option(fc.string({ maxLength: 1_000 }), { nil: undefined }),
      consecutiveFailures: count,
      consecutiveSuccesses: count,
      consecutiveNotUp: count,
      lastCheckedAt: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
      certExpiresAt: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
    });
    fc.assert(fc.property(anyState, openBucket, openBucket, histogram, (state, openHour, openDay, hourLatency) => {
      const once = decodeCurrent(encodeCurrent({ updatedAtMs: 1, sourceGeneration: '', checks: { c: { state, openHour, openDay, hourLatency } } }));
      const twice = decodeCurrent(encodeCurrent(once));
      expect(twice).toEqual(once);
      const kept = once.checks.c.state;
      expect(kept.message?.length ?? 0).toBeLessThanOrEqual(MAX_STORED_MESSAGE);
      expect(kept.latencyMs === undefined || Number.isInteger(kept.latencyMs)).toBe(true);
      expect(kept.status).toBe(state.status);
    }), { numRuns: 300 });
  });
});

describe('the on-disk format', () => {
  const now = Date.parse('2026-03-10T08:01:00Z');
  const check: StoredCheck = {
    state: {
      status: 'down',
      since: '2026-03-10T08:00:00.000Z',
      latencyMs: 1234,
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      consecutiveNotUp: 3,
      lastCheckedAt: '2026-03-10T08:01:00.000Z',
      certExpiresAt: '2026-06-01T00:00:00.000Z',
      message: 'unexpected status 503 (expected 200)',
    },
    openHour: { index: 494_360, counts: [50, 2, 3] },
    openDay: { index: 20_522, counts: [400, 10, 3] },
    hourLatency: [40, 3, 0, 1],
  };
  // The rows of the first version of the store, then the same check as rows are written now
  // (two fields appended: consecutiveNotUp and the open hour's latency histogram).
  const firstRow = ['x', 1_773_129_600, 1234, 3, 0, 1_773_129_660, 494_360, 50, 2, 3, 20_522, 400, 10, 3, 1_780_272_000, 'unexpected status 503 (expected 200)'];
  const row = [...firstRow, 3, [40, 3, 0, 1]];

  test('CURRENT is { t, s, c: { name: positional row } }, gzip-compressed', () => {
    expect(stored(encodeCurrent({ updatedAtMs: now, sourceGeneration: '2.abc', checks: { api: check } })))
      .toEqual({ t: now, s: '2.abc', c: { api: row } });
  });

  test('DAYS is { c: { name: [newest, up[], degraded[], down[]] } }; HOURS adds p50[] and p95[] latency buckets', () => {
    const days: Series = { newest: 20_521, up: [1440, 1439], degraded: [0, 1], down: [0, 0] };
    expect(stored(encodeRollup({ checks: { api: days } }))).toEqual({ c: { api: [20_521, [1440, 1439], [0, 1], [0, 0]] } });
    const hours: Series = { newest: 494_359, up: [60, 59], degraded: [0, 1], down: [0, 0], p50: [null, 27], p95: [null, 31] };
    expect(stored(encodeRollup({ checks: { api: hours } }))).toEqual({ c: { api: [494_359, [60, 59], [0, 1], [0, 0], [null, 27], [null, 31]] } });
  });

  test('items written by the previous store read back with every field named', () => {
    const unknownRow = ['?', 0, null, 0, 0, 0, 494_360, 0, 0, 0, 20_522, 0, 0, 0, 0, ''];
    const bytes = gzipSync(Buffer.from(JSON.stringify({ t: now, s: '', c: { api: firstRow, fresh: unknownRow } })));
    expect(decodeCurrent(bytes)).toEqual({
      updatedAtMs: now,
      sourceGeneration: '',
      checks: {
        api: { ...check, state: { ...check.state, consecutiveNotUp: 0 }, hourLatency: [] },
        fresh: {
          state: { status: 'unknown', consecutiveFailures: 0, consecutiveSuccesses: 0, consecutiveNotUp: 0 },
          openHour: { index: 494_360, counts: [0, 0, 0] },
          openDay: { index: 20_522, counts: [0, 0, 0] },
          hourLatency: [],
        },
      },
    });
    // HOURS rows of the previous store have no latency columns: read as counters only.
    const hours = gzipSync(Buffer.from(JSON.stringify({ c: { api: [494_359, [60, 59], [0, 1], [0, 0]] } })));
    expect(decodeRollup(hours, 2).checks.api).toEqual({ newest: 494_359, up: [60, 59], degraded: [0, 1], down: [0, 0] });
  });

  test('a stored series of another length is fitted: the newest counters kept, zeros in front', () => {
    const rows = { short: [7, [1, 2], [0, 0], [0, 1]], long: [9, [1, 2, 3, 4], [0, 0, 0, 0], [0, 0, 0, 0]] };
    const bytes = gzipSync(Buffer.from(JSON.stringify({ c: rows })));
    expect(decodeRollup(bytes, 3).checks).toEqual({
      short: { newest: 7, up: [0, 1, 2], degraded: [0, 0, 0], down: [0, 0, 1] },
      long: { newest: 9, up: [2, 3, 4], degraded: [0, 0, 0], down: [0, 0, 0] },
    });
  });
});
