import { ProbeResult } from '../../../src/status-page/runtime/model';
import { CheckState, evaluateProbe } from '../../../src/status-page/runtime/status-evaluation';

const check = { name: 'api', displayName: 'API' };
const thresholds = { failureThreshold: 2, successThreshold: 2 };
const up: ProbeResult = { outcome: 'up', latencyMs: 12 };
const down: ProbeResult = { outcome: 'down', latencyMs: 3, message: 'connection refused by 10.0.0.1:443' };
const slow: ProbeResult = { outcome: 'degraded', latencyMs: 900, message: 'slow response: 900 ms (limit 500 ms)' };
const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

function run(results: ProbeResult[], start?: CheckState) {
  let state = start;
  return results.map((r, i) => {
    const e = evaluateProbe(check, state, r, thresholds, t(i));
    state = e.state;
    return e;
  });
}

test('the first status of a new check is a change that must not be published', () => {
  const [first] = run([up]);
  expect(first.state).toMatchObject({ status: 'up', since: t(0).toISOString(), consecutiveSuccesses: 1 });
  expect(first.change).toMatchObject({ from: 'unknown', to: 'up', check: 'api', displayName: 'API' });
  expect(first.publishable).toBe(false);
});

test('goes down only after failureThreshold consecutive failures, then recovers after successThreshold', () => {
  const e = run([up, down, down, up, up, up]);
  expect(e[1].state.status).toBe('up');
  expect(e[1].state.message).toBe('failing (1 of 2): connection refused by 10.0.0.1:443');
  expect(e[1].change).toBeUndefined();
  expect(e[2].state).toMatchObject({ status: 'down', message: 'connection refused by 10.0.0.1:443', since: t(2).toISOString() });
  expect(e[2].change).toMatchObject({ from: 'up', to: 'down' });
  expect(e[2].publishable).toBe(true);
  expect(e[3].state).toMatchObject({ status: 'down', message: 'recovering (1 of 2)', since: t(2).toISOString() });
  expect(e[3].change).toBeUndefined();
  expect(e[4].state).toMatchObject({ status: 'up', since: t(4).toISOString() });
  expect(e[4].change).toMatchObject({ from: 'down', to: 'up' });
  expect(e[4].publishable).toBe(true);
  expect(e[5].change).toBeUndefined();
  expect(e[5].state.since).toBe(t(4).toISOString());
});

test('a failure between good probes resets the count', () => {
  const e = run([up, down, up, down]);
  expect(e.map((x) => x.state.status)).toEqual(['up', 'up', 'up', 'up']);
  expect(e[3].state.message).toBe('failing (1 of 2): connection refused by 10.0.0.1:443');
});

test('degraded is immediate and is not a failure', () => {
  const e = run([up, slow, down, slow]);
  expect(e[1].state).toMatchObject({ status: 'degraded', message: slow.message });
  expect(e[1].publishable).toBe(true);
  expect(e[2].state.status).toBe('degraded');
  expect(e[3].state).toMatchObject({ status: 'degraded', consecutiveFailures: 0 });
});

test('a never-checked check that fails stays unknown until the threshold', () => {
  const e = run([down, down]);
  expect(e[0].state.status).toBe('unknown');
  expect(e[0].change).toBeUndefined();
  expect(e[1].state.status).toBe('down');
  expect(e[1].publishable).toBe(false);
});

test('threshold 1 turns down on the first failure', () => {
  const e = evaluateProbe(check, { status: 'up', consecutiveFailures: 0, consecutiveSuccesses: 5, consecutiveNotUp: 0 }, down,
    { failureThreshold: 1, successThreshold: 1 }, t(0));
  expect(e.state.status).toBe('down');
  expect(e.publishable).toBe(true);
});

describe('degradedThreshold', () => {
  const smoothed = { ...thresholds, degradedThreshold: 3 };
  const runSmoothed = (results: ProbeResult[]) => {
    let state: CheckState | undefined;
    return results.map((r, i) => {
      const e = evaluateProbe(check, state, r, smoothed, t(i));
      state = e.state;
      return e;
    });
  };

  test('an up check turns DEGRADED only after that many consecutive slow probes, and is up again on the first up probe', () => {
    const e = runSmoothed([up, slow, slow, slow, slow, up]);
    expect(e.map((x) => x.state.status)).toEqual(['up', 'up', 'up', 'degraded', 'degraded', 'up']);
    expect(e[2].state.message).toBe('degraded (2 of 3): slow response: 900 ms (limit 500 ms)');
    expect(e.filter((x) => x.change && x.publishable).map((x) => `${x.change!.from}->${x.change!.to}`)).toEqual(['up->degraded', 'degraded->up']);
  });

  test('slow probes broken by an up probe never alert', () => {
    const e = runSmoothed([up, slow, slow, up, slow, slow, up]);
    expect(e.every((x) => x.state.status === 'up')).toBe(true);
    expect(e.filter((x) => x.change && x.publishable)).toEqual([]);
  });

  test('the counters stop at the largest threshold (no stored number grows without end)', () => {
    const e = runSmoothed(Array.from({ length: 20 }, () => slow));
    expect(e[19].state).toMatchObject({ status: 'degraded', consecutiveNotUp: 3, consecutiveSuccesses: 3, consecutiveFailures: 0 });
  });

  test('absent (configs written before it existed): no smoothing, a slow probe shows at once', () => {
    const [, second] = run([up, slow]);
    expect(second.state.status).toBe('degraded');
  });
});
