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
    lastCheckedAt: fc.option(isoSecond, { nil: undefined }),
    certExpiresAt: fc.option(isoSecond, { nil: undefined }),
  }),
  openHour: openBucket,
  openDay: openBucket,
});

/** Check names as HealthCheck accepts them. */
const checkName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

const currentPayload: fc.Arbitrary<CurrentPayload> = fc.record({
  updatedAtMs: fc.nat({ max: 4_102_444_800_000 }),
  sourceGeneration: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,3}\.[0-9a-z]{1,7}$/)),
  checks: fc.dictionary(checkName, storedCheck, { maxKeys: 20 }),
});

function series(length: number): fc.Arbitrary<Series> {
  const counters = fc.array(count, { minLength: length, maxLength: length });
  return fc.record({ newest: fc.integer({ min: -1, max: 10_000_000 }), up: counters, degraded: counters, down: counters });
}

function rollupPayload(length: number): fc.Arbitrary<RollupPayload> {
  return fc.record({ checks: fc.dictionary(checkName, series(length), { maxKeys: 20 }) });
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

  test.each([['HOURS', HOURS_KEPT], ['DAYS', DAYS_KEPT]])('decodeRollup(encodeRollup(p)) is p for any %s payload', (_, length) => {
    fc.assert(fc.property(rollupPayload(length), (payload) => {
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
      lastCheckedAt: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
      certExpiresAt: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
    });
    fc.assert(fc.property(anyState, openBucket, openBucket, (state, openHour, openDay) => {
      const once = decodeCurrent(encodeCurrent({ updatedAtMs: 1, sourceGeneration: '', checks: { c: { state, openHour, openDay } } }));
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
      lastCheckedAt: '2026-03-10T08:01:00.000Z',
      certExpiresAt: '2026-06-01T00:00:00.000Z',
      message: 'unexpected status 503 (expected 200)',
    },
    openHour: { index: 494_360, counts: [50, 2, 3] },
    openDay: { index: 20_522, counts: [400, 10, 3] },
  };
  // The rows exactly as the documented format has stored them since the first version of the store.
  const row = ['x', 1_773_129_600, 1234, 3, 0, 1_773_129_660, 494_360, 50, 2, 3, 20_522, 400, 10, 3, 1_780_272_000, 'unexpected status 503 (expected 200)'];

  test('CURRENT is { t, s, c: { name: positional row } }, gzip-compressed', () => {
    expect(stored(encodeCurrent({ updatedAtMs: now, sourceGeneration: '2.abc', checks: { api: check } })))
      .toEqual({ t: now, s: '2.abc', c: { api: row } });
  });

  test('HOURS and DAYS are { c: { name: [newest, up[], degraded[], down[]] } }', () => {
    const s: Series = { newest: 494_359, up: [60, 59], degraded: [0, 1], down: [0, 0] };
    expect(stored(encodeRollup({ checks: { api: s } }))).toEqual({ c: { api: [494_359, [60, 59], [0, 1], [0, 0]] } });
  });

  test('items written by the previous store read back with every field named', () => {
    const unknownRow = ['?', 0, null, 0, 0, 0, 494_360, 0, 0, 0, 20_522, 0, 0, 0, 0, ''];
    const bytes = gzipSync(Buffer.from(JSON.stringify({ t: now, s: '', c: { api: row, fresh: unknownRow } })));
    expect(decodeCurrent(bytes)).toEqual({
      updatedAtMs: now,
      sourceGeneration: '',
      checks: {
        api: check,
        fresh: {
          state: { status: 'unknown', consecutiveFailures: 0, consecutiveSuccesses: 0 },
          openHour: { index: 494_360, counts: [0, 0, 0] },
          openDay: { index: 20_522, counts: [0, 0, 0] },
        },
      },
    });
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
