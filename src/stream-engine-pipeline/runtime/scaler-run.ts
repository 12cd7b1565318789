/**
 * One run of the lag scaler: polls every `intervalMs` (start to start) until a newer run takes
 * over or the run's budget is spent, so that lag is read all through the minute.
 *
 * Why runs overlap: the schedule starts a run every minute, and a run that stopped before the
 * next one is ready would leave a blind spot (the next run's cold start, Kafka connection and any
 * delay of the schedule). So each run may go on well past its minute; the next run opens its
 * Kafka connection, takes the lease (scaler-lease.ts) and polls at once, and the older run stops
 * at its next poll when it finds the lease gone. The scaler's memory passes between them through
 * the registry table, where every change is written as it happens.
 *
 * Bounds: connecting ahead takes at most 5 s, each poll ends by its own deadline
 * (`pollTimeoutMs`), a poll starts only when it can end within the budget, and closing Kafka takes
 * at most CLOSE_TIMEOUT_MS after that: whatever Kafka, ECS or DynamoDB do, the run ends within
 * `budgetMs` + CLOSE_TIMEOUT_MS.
 */
import { describeError } from './lag-reader';
import { LagScaler, LagScalerDeps, PollResult } from './lag-scaler';
import { ScalerLease } from './scaler-lease';
import { sleep } from '../../shared/runtime/timers';

/** Connecting ahead is a warm-up: a broker that does not answer shows at the first poll instead. */
const CONNECT_AHEAD_TIMEOUT_MS = 5_000;

export interface RunOptions {
  readonly intervalMs: number;
  /** The run's polls all end within this, from its start. */
  readonly budgetMs: number;
  /** Every poll ends within this. */
  readonly pollTimeoutMs: number;
  /** Without one (tests, local runs) the run polls until its budget is spent. */
  readonly lease?: ScalerLease;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Why a run stopped polling. */
export type RunEnd = 'budget' | 'taken-over' | 'newer-run-holds-lease';

export interface RunResult {
  readonly polls: PollResult[];
  readonly end: RunEnd;
}

/** Runs the scaler as described above. Never throws. */
export async function runScaler(deps: LagScalerDeps, options: RunOptions): Promise<RunResult> {
  const now = deps.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const { lease, intervalMs, pollTimeoutMs } = options;
  const deadline = now() + options.budgetMs;
  const pipeline = deps.config.pipelineName;
  const scaler = new LagScaler(deps);
  const polls: PollResult[] = [];
  try {
    await scaler.connect(Math.min(CONNECT_AHEAD_TIMEOUT_MS, pollTimeoutMs));
    const bounded = () => AbortSignal.timeout(Math.max(1, Math.min(pollTimeoutMs, deadline - now())));
    if (lease && !(await leaseCall(() => lease.take(bounded()), deps, 'take'))) {
      deps.log.info('a newer run holds the lease: this run does not poll', { pipeline, run: lease.run });
      return { polls, end: 'newer-run-holds-lease' };
    }
    for (;;) {
      const started = now();
      if (started + pollTimeoutMs > deadline) {
        return { polls, end: 'budget' };
      }
      polls.push(await scaler.poll(started + pollTimeoutMs));
      if (scaler.overtaken) {
        return { polls, end: 'taken-over' };
      }
      const next = started + intervalMs;
      if (next + pollTimeoutMs > deadline) {
        return { polls, end: 'budget' };
      }
      await wait(Math.max(0, next - now()));
      if (lease && !(await leaseCall(() => lease.held(bounded()), deps, 'check'))) {
        deps.log.info('a newer run has taken the lease: this run stops', { pipeline, run: lease.run, polls: polls.length });
        return { polls, end: 'taken-over' };
      }
    }
  } finally {
    await scaler.close();
  }
}

/**
 * A lease call that fails (DynamoDB unreachable or slow) counts as held: polling beside another
 * run only repeats its decisions, while not polling could leave no run polling at all.
 */
async function leaseCall(call: () => Promise<boolean>, deps: LagScalerDeps, what: 'take' | 'check'): Promise<boolean> {
  try {
    return await call();
  } catch (error) {
    deps.log.error(`the lease could not be ${what === 'take' ? 'taken' : 'checked'}: polling on`, { pipeline: deps.config.pipelineName, error: describeError(error) });
    return true;
  }
}
