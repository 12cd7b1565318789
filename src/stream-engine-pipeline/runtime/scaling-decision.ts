/**
 * How many tasks an object engine should run, from its consumer lag. A pure function: no I/O,
 * no clock; the caller passes the time and persists `newState` between polls.
 *
 * Rules, in order:
 * 1. Lag unknown (read failed, topic missing) -> keep the current count (never scale on missing
 *    data, least of all to zero: KEDA #5438), and restart any scale-in wait.
 * 2. wanted = ceil(lag / lagPerTask), or with timeLagPerTask the larger of that and
 *    ceil(timeLag / timeLagPerTask). `lag` leaves out stuck partitions when they are excluded.
 * 3. At zero tasks the first task starts only when lag >= activationLag (below it: stay at 0).
 * 4. wanted is capped by the topic's partition count (a group cannot use more consumers than
 *    partitions) unless allowMoreTasksThanPartitions, by the partitions that have lag when
 *    limitToPartitionsWithLag (a task holding no lagged partition idles) and by maxTasks; stuck
 *    partitions that are excluded keep one task (it picks the partition up again once the cause
 *    is gone); minTasks is the floor (it wins over the caps: it is explicit).
 * 5. wanted > current -> scale OUT at once.
 * 6. wanted < current -> scale IN only once a lower count has been wanted at every poll for
 *    scaleInCooldownSeconds; then go to the HIGHEST count wanted during that wait. Any poll that
 *    wants the current count or more (or has no data) restarts the wait, so lag that flaps
 *    between high and low never flaps the task count.
 */
import { LagScalingConfig } from './pipeline-config';

/** What the scaler remembers per engine between polls (persisted in the registry table). */
export interface ScalerState {
  /** Epoch ms since which every poll wanted fewer tasks than were running. */
  readonly lowerSince?: number;
  /** The highest lower count wanted since `lowerSince`. */
  readonly lowerTarget?: number;
  /** Epoch ms of the last scale-out. */
  readonly lastScaleOutAt?: number;
  /** Epoch ms of the last scale-in. */
  readonly lastScaleInAt?: number;
}

export interface LagInput {
  /** Lag that drives scaling (stuck partitions left out when excluded); undefined when it could not be read. */
  readonly totalLag?: number;
  /** Partitions of the input topic; undefined when unknown. */
  readonly partitions?: number;
  /** Partitions whose lag drives scaling; undefined when unknown. */
  readonly partitionsWithLag?: number;
  /** Stuck partitions left out of `totalLag` (each engine with any keeps one task). */
  readonly stuckPartitions?: number;
  /** Age in seconds of the oldest record still to consume; undefined when not measured. */
  readonly timeLagSeconds?: number;
  /** Why the lag is unknown (used in the reason). */
  readonly error?: string;
}

export interface ScalingInput {
  /** The service's current desired count. */
  readonly current: number;
  readonly lag: LagInput;
  readonly config: LagScalingConfig;
  readonly state: ScalerState;
  /** Epoch ms. */
  readonly now: number;
}

export type ScalingAction = 'scale-out' | 'scale-in' | 'hold' | 'no-data';

export interface ScalingDecision {
  /** The count to set (equal to `current` unless scaling). */
  readonly desired: number;
  /** The count the lag asks for now (after activation, caps and clamps). */
  readonly wanted: number;
  readonly action: ScalingAction;
  /** One human-readable sentence. */
  readonly reason: string;
  readonly newState: ScalerState;
}

export function decideScaling(input: ScalingInput): ScalingDecision {
  const { current, lag, config, state, now } = input;
  const tasks = (n: number) => `${n} task${n === 1 ? '' : 's'}`;

  // 1. no data: keep
  if (lag.totalLag === undefined || !Number.isFinite(lag.totalLag)) {
    return {
      desired: current,
      wanted: current,
      action: 'no-data',
      reason: `lag unknown (${lag.error ?? 'not read'}): keeping ${tasks(current)}`,
      newState: withoutWait(state),
    };
  }

  // 2-4. what the lag asks for
  const totalLag = Math.max(0, lag.totalLag);
  const perTask = Math.max(1, config.lagPerTask);
  let wanted = Math.ceil(totalLag / perTask);
  const why: string[] = [`lag ${totalLag} at ${perTask} per task asks for ${tasks(wanted)}`];
  if (config.timeLagPerTaskSeconds && lag.timeLagSeconds !== undefined) {
    const byTime = Math.ceil(Math.max(0, lag.timeLagSeconds) / config.timeLagPerTaskSeconds);
    why.push(`time lag ${Math.round(lag.timeLagSeconds)} s at ${config.timeLagPerTaskSeconds} s per task asks for ${tasks(byTime)}`);
    wanted = Math.max(wanted, byTime);
  }
  if (current === 0 && wanted > 0 && totalLag < config.activationLag) {
    wanted = 0;
    why.push(`below the activation lag ${config.activationLag}`);
  }
  if (!config.allowMoreTasksThanPartitions && lag.partitions !== undefined && lag.partitions > 0 && wanted > lag.partitions) {
    wanted = lag.partitions;
    why.push(`capped at ${lag.partitions} partitions`);
  }
  if (config.limitToPartitionsWithLag && lag.partitionsWithLag !== undefined && wanted > lag.partitionsWithLag) {
    wanted = lag.partitionsWithLag;
    why.push(`capped at the ${lag.partitionsWithLag} partition${lag.partitionsWithLag === 1 ? '' : 's'} with lag`);
  }
  if (wanted > config.maxTasks) {
    wanted = config.maxTasks;
    why.push(`capped at maxTasks ${config.maxTasks}`);
  }
  if (lag.stuckPartitions && wanted < 1) {
    wanted = 1;
    why.push(`one task kept for ${lag.stuckPartitions} stuck partition${lag.stuckPartitions === 1 ? '' : 's'}`);
  }
  if (wanted < config.minTasks) {
    wanted = config.minTasks;
    why.push(`raised to minTasks ${config.minTasks}`);
  }
  const asked = why.join(', ');

  // 5. more: at once
  if (wanted > current) {
    return {
      desired: wanted,
      wanted,
      action: 'scale-out',
      reason: `${asked}: scaling out from ${current} to ${wanted}`,
      newState: { ...withoutWait(state), lastScaleOutAt: now },
    };
  }
  if (wanted === current) {
    return { desired: current, wanted, action: 'hold', reason: `${asked}: keeping ${tasks(current)}`, newState: withoutWait(state) };
  }

  // 6. fewer: only after the cooldown, continuously wanted
  const since = state.lowerSince ?? now;
  const lowerTarget = Math.max(wanted, state.lowerTarget ?? wanted);
  const waitedMs = now - since;
  const cooldownMs = Math.max(0, config.scaleInCooldownSeconds) * 1000;
  if (waitedMs >= cooldownMs) {
    return {
      desired: lowerTarget,
      wanted,
      action: 'scale-in',
      reason: `${asked}; fewer tasks wanted for ${seconds(waitedMs)} (cooldown ${config.scaleInCooldownSeconds} s): `
        + `scaling in from ${current} to ${lowerTarget}`,
      newState: { ...withoutWait(state), lastScaleInAt: now },
    };
  }
  return {
    desired: current,
    wanted,
    action: 'hold',
    reason: `${asked}; fewer tasks wanted for ${seconds(waitedMs)} of the ${config.scaleInCooldownSeconds} s cooldown: `
      + `keeping ${tasks(current)}`,
    newState: { ...state, lowerSince: since, lowerTarget },
  };
}

function withoutWait(state: ScalerState): ScalerState {
  const { lowerSince: _since, lowerTarget: _target, ...rest } = state;
  return rest;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
