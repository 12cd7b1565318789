import { LagScalingConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { decideScaling, ScalerState, ScalingInput } from '../../../src/stream-engine-pipeline/runtime/scaling-decision';

// The pure scaling rules of the lag scaler, one by one.

const config: LagScalingConfig = {
  lagPerTask: 100,
  activationLag: 10,
  minTasks: 0,
  maxTasks: 8,
  scaleInCooldownSeconds: 60,
  allowMoreTasksThanPartitions: false,
  // the rules below that are not about it see lag without a partitions-with-lag count
  limitToPartitionsWithLag: true,
  persistentLagAfterSeconds: 600,
  excludePersistentLag: true,
};
const T0 = 1_700_000_000_000;

function decide(partial: Partial<ScalingInput> & { lag?: ScalingInput['lag'] }) {
  return decideScaling({
    current: 0,
    lag: { totalLag: 0, partitions: 12 },
    config,
    state: {},
    now: T0,
    ...partial,
  });
}

describe('scaling decision', () => {
  test('wants ceil(lag / lagPerTask) tasks and scales out at once', () => {
    const d = decide({ current: 1, lag: { totalLag: 250, partitions: 12 } });
    expect(d).toMatchObject({ desired: 3, wanted: 3, action: 'scale-out' });
    expect(d.reason).toContain('lag 250');
    expect(d.reason).toContain('scaling out from 1 to 3');
    expect(d.newState.lastScaleOutAt).toBe(T0);
  });

  test('exactly lagPerTask lag wants one task; one more wants two', () => {
    expect(decide({ current: 1, lag: { totalLag: 100, partitions: 12 } }).desired).toBe(1);
    expect(decide({ current: 1, lag: { totalLag: 101, partitions: 12 } }).desired).toBe(2);
  });

  describe('activation from zero', () => {
    test('below activationLag a group at zero stays at zero', () => {
      const d = decide({ current: 0, lag: { totalLag: 9, partitions: 12 } });
      expect(d).toMatchObject({ desired: 0, action: 'hold' });
      expect(d.reason).toContain('below the activation lag 10');
    });

    test('at activationLag the first task starts', () => {
      expect(decide({ current: 0, lag: { totalLag: 10, partitions: 12 } })).toMatchObject({ desired: 1, action: 'scale-out' });
    });

    test('a large backlog activates straight to the count it needs', () => {
      expect(decide({ current: 0, lag: { totalLag: 450, partitions: 12 } })).toMatchObject({ desired: 5, action: 'scale-out' });
    });

    test('the threshold only applies at zero: a running group keeps a task for a small lag', () => {
      expect(decide({ current: 1, lag: { totalLag: 3, partitions: 12 } })).toMatchObject({ desired: 1, action: 'hold' });
    });

    test('zero lag at zero tasks holds', () => {
      expect(decide({ current: 0, lag: { totalLag: 0, partitions: 12 } })).toMatchObject({ desired: 0, action: 'hold' });
    });
  });

  describe('clamps', () => {
    test('maxTasks caps the count', () => {
      const d = decide({ current: 2, lag: { totalLag: 5000, partitions: 64 } });
      expect(d).toMatchObject({ desired: 8, action: 'scale-out' });
      expect(d.reason).toContain('capped at maxTasks 8');
    });

    test('minTasks keeps a floor even with no lag, and activates without lag', () => {
      const floor = { ...config, minTasks: 2 };
      expect(decide({ current: 0, config: floor, lag: { totalLag: 0, partitions: 12 } })).toMatchObject({ desired: 2, action: 'scale-out' });
      const d = decide({ current: 2, config: floor, lag: { totalLag: 0, partitions: 12 } });
      expect(d).toMatchObject({ desired: 2, action: 'hold' });
      expect(d.reason).toContain('raised to minTasks 2');
    });

    test('never more tasks than partitions', () => {
      const d = decide({ current: 1, lag: { totalLag: 5000, partitions: 3 } });
      expect(d).toMatchObject({ desired: 3, action: 'scale-out' });
      expect(d.reason).toContain('capped at 3 partitions');
    });

    test('allowMoreTasksThanPartitions lifts the partition cap (maxTasks still applies)', () => {
      const allow = { ...config, allowMoreTasksThanPartitions: true };
      expect(decide({ current: 1, config: allow, lag: { totalLag: 500, partitions: 3 } }).desired).toBe(5);
      expect(decide({ current: 1, config: allow, lag: { totalLag: 5000, partitions: 3 } }).desired).toBe(8);
    });

    test('minTasks wins over the partition cap (an explicit floor)', () => {
      expect(decide({ current: 0, config: { ...config, minTasks: 4 }, lag: { totalLag: 0, partitions: 2 } }).desired).toBe(4);
    });
  });

  describe('partitions with lag (limitToPartitionsWithLag)', () => {
    test('lag on 1 of 12 partitions gets 1 task, not ceil(lag / lagPerTask)', () => {
      const d = decide({ current: 0, lag: { totalLag: 500, partitions: 12, partitionsWithLag: 1 } });
      expect(d).toMatchObject({ desired: 1, wanted: 1, action: 'scale-out' });
      expect(d.reason).toBe('lag 500 at 100 per task asks for 5 tasks, capped at the 1 partition with lag: scaling out from 0 to 1');
    });

    test('off (KEDA\'s default), the same lag asks for 5 tasks', () => {
      const off = { ...config, limitToPartitionsWithLag: false };
      expect(decide({ current: 0, config: off, lag: { totalLag: 500, partitions: 12, partitionsWithLag: 1 } })).toMatchObject({ desired: 5 });
    });

    test('minTasks still wins', () => {
      const floor = { ...config, minTasks: 3 };
      expect(decide({ current: 0, config: floor, lag: { totalLag: 500, partitions: 12, partitionsWithLag: 1 } }).desired).toBe(3);
    });
  });

  describe('stuck partitions (excluded from the lag)', () => {
    test('an engine whose only lag is stuck keeps one task, not the count the lag would ask for', () => {
      const onlyStuck = { totalLag: 0, partitions: 12, partitionsWithLag: 0, stuckPartitions: 1 };
      const d = decide({ current: 5, lag: onlyStuck });
      expect(d).toMatchObject({ desired: 5, wanted: 1, action: 'hold' });
      expect(d.reason).toContain('one task kept for 1 stuck partition');
      // after the cooldown it goes down to that one task, not to zero
      expect(decide({ current: 5, state: d.newState, now: T0 + 60_000, lag: onlyStuck })).toMatchObject({ desired: 1, action: 'scale-in' });
    });

    test('other partitions\' lag scales as usual', () => {
      expect(decide({ current: 1, lag: { totalLag: 300, partitions: 12, partitionsWithLag: 3, stuckPartitions: 2 } })).toMatchObject({ desired: 3 });
    });
  });

  describe('time lag (timeLagPerTaskSeconds)', () => {
    const timed = { ...config, timeLagPerTaskSeconds: 30 };

    test('one task per timeLagPerTask of age, when that asks for more than the message lag', () => {
      const d = decide({ current: 0, config: timed, lag: { totalLag: 20, partitions: 12, partitionsWithLag: 4, timeLagSeconds: 95 } });
      expect(d).toMatchObject({ desired: 4, action: 'scale-out' });
      expect(d.reason).toBe('lag 20 at 100 per task asks for 1 task, time lag 95 s at 30 s per task asks for 4 tasks: scaling out from 0 to 4');
    });

    test('the message lag wins when it asks for more', () => {
      const lag = { totalLag: 700, partitions: 12, partitionsWithLag: 12, timeLagSeconds: 10 };
      expect(decide({ current: 0, config: timed, lag }).desired).toBe(7);
    });

    test('the caps and the activation lag still apply', () => {
      expect(decide({ current: 0, config: timed, lag: { totalLag: 20, partitions: 12, partitionsWithLag: 2, timeLagSeconds: 300 } }).desired).toBe(2);
      expect(decide({ current: 0, config: timed, lag: { totalLag: 5, partitions: 12, partitionsWithLag: 1, timeLagSeconds: 300 } }).desired).toBe(0);
    });

    test('without timeLagPerTaskSeconds a measured time lag is ignored', () => {
      expect(decide({ current: 0, lag: { totalLag: 20, partitions: 12, partitionsWithLag: 4, timeLagSeconds: 300 } }).desired).toBe(1);
    });
  });

  describe('scale-in cooldown', () => {
    test('a lower count is not applied before the cooldown', () => {
      const d = decide({ current: 4, lag: { totalLag: 50, partitions: 12 } });
      expect(d).toMatchObject({ desired: 4, wanted: 1, action: 'hold' });
      expect(d.newState).toMatchObject({ lowerSince: T0, lowerTarget: 1 });
      expect(d.reason).toContain('of the 60 s cooldown');
    });

    test('after the lower count was wanted for the whole cooldown, it scales in', () => {
      let state: ScalerState = {};
      let current = 4;
      for (let s = 0; s < 60; s += 10) {
        const d = decide({ current, state, now: T0 + s * 1000, lag: { totalLag: 50, partitions: 12 } });
        expect(d.desired).toBe(4);
        state = d.newState;
      }
      const d = decide({ current, state, now: T0 + 60_000, lag: { totalLag: 50, partitions: 12 } });
      expect(d).toMatchObject({ desired: 1, action: 'scale-in' });
      expect(d.reason).toContain('scaling in from 4 to 1');
      expect(d.newState.lowerSince).toBeUndefined();
      expect(d.newState.lastScaleInAt).toBe(T0 + 60_000);
      current = d.desired;
      // and the scale-in wait does not carry over
      expect(decide({ current, state: d.newState, now: T0 + 61_000, lag: { totalLag: 50, partitions: 12 } }).action).toBe('hold');
    });

    test('scales in to the highest count wanted during the wait', () => {
      let state: ScalerState = {};
      const lags = [50, 250, 0, 0, 0, 0];
      for (let i = 0; i < lags.length; i++) {
        state = decide({ current: 5, state, now: T0 + i * 10_000, lag: { totalLag: lags[i], partitions: 12 } }).newState;
      }
      expect(decide({ current: 5, state, now: T0 + 60_000, lag: { totalLag: 0, partitions: 12 } })).toMatchObject({ desired: 3, action: 'scale-in' });
    });

    test('to zero after the cooldown when the lag is drained', () => {
      const first = decide({ current: 2, now: T0, lag: { totalLag: 0, partitions: 12 } });
      expect(first.desired).toBe(2);
      expect(decide({ current: 2, state: first.newState, now: T0 + 60_000, lag: { totalLag: 0, partitions: 12 } }))
        .toMatchObject({ desired: 0, action: 'scale-in' });
    });

    test('a zero cooldown scales in at once', () => {
      expect(decide({ current: 3, config: { ...config, scaleInCooldownSeconds: 0 }, lag: { totalLag: 0, partitions: 12 } }))
        .toMatchObject({ desired: 0, action: 'scale-in' });
    });

    test('a poll that wants the current count restarts the wait', () => {
      const a = decide({ current: 3, now: T0, lag: { totalLag: 0, partitions: 12 } });
      const b = decide({ current: 3, state: a.newState, now: T0 + 30_000, lag: { totalLag: 300, partitions: 12 } });
      expect(b.newState.lowerSince).toBeUndefined();
      const c = decide({ current: 3, state: b.newState, now: T0 + 70_000, lag: { totalLag: 0, partitions: 12 } });
      expect(c).toMatchObject({ desired: 3, action: 'hold' });
      expect(c.newState.lowerSince).toBe(T0 + 70_000);
    });

    test('lag flapping high/low at every poll never flaps the count', () => {
      let state: ScalerState = {};
      let current = 0;
      const counts: number[] = [];
      for (let i = 0; i < 100; i++) {
        const d = decide({ current, state, now: T0 + i * 10_000, lag: { totalLag: i % 2 === 0 ? 400 : 0, partitions: 12 } });
        current = d.desired;
        state = d.newState;
        counts.push(current);
      }
      // first poll scales out to 4, then it never changes (1000 s of flapping, 60 s cooldown)
      expect(counts[0]).toBe(4);
      expect(new Set(counts)).toEqual(new Set([4]));
    });

    test('lag flapping above and below the activation threshold at zero does not flap either', () => {
      let state: ScalerState = {};
      let current = 0;
      const changes: number[] = [];
      for (let i = 0; i < 50; i++) {
        const d = decide({ current, state, now: T0 + i * 10_000, lag: { totalLag: i % 2 === 0 ? 15 : 5, partitions: 12 } });
        if (d.desired !== current) {
          changes.push(d.desired);
        }
        current = d.desired;
        state = d.newState;
      }
      expect(changes).toEqual([1]); // activated once, then a task stays for the small lag
    });
  });

  describe('missing data', () => {
    test('KEDA #5438: unknown lag keeps the current count (never the maximum), with the reason', () => {
      const d = decide({ current: 3, lag: { error: 'topic objects does not exist' } });
      expect(d).toMatchObject({ desired: 3, action: 'no-data' });
      expect(d.reason).toBe('lag unknown (topic objects does not exist): keeping 3 tasks');
      // an engine at zero stays at zero
      expect(decide({ current: 0, lag: { error: 'no offsets for the group' } })).toMatchObject({ desired: 0, action: 'no-data' });
    });

    test('never scales to zero on missing data, even after the cooldown', () => {
      const waiting = decide({ current: 2, now: T0, lag: { totalLag: 0, partitions: 12 } }).newState;
      const d = decide({ current: 2, state: waiting, now: T0 + 3_600_000, lag: { error: 'Kafka unreachable' } });
      expect(d.desired).toBe(2);
      // and the scale-in wait starts again once data is back
      expect(d.newState.lowerSince).toBeUndefined();
      expect(decide({ current: 2, state: d.newState, now: T0 + 3_610_000, lag: { totalLag: 0, partitions: 12 } }).desired).toBe(2);
    });

    test('NaN lag counts as missing', () => {
      expect(decide({ current: 1, lag: { totalLag: Number.NaN } })).toMatchObject({ desired: 1, action: 'no-data' });
    });

    test('unknown partition count: no partition cap', () => {
      expect(decide({ current: 0, lag: { totalLag: 500 } }).desired).toBe(5);
    });
  });
});
