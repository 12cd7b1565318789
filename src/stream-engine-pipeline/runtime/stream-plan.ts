/**
 * What the scheduler does next with one open stream: a pure function of the stream's item, what
 * ECS says about its tasks and the clock. The scheduler (scheduler.ts) writes the new item first
 * and then carries out the effects, so a crash between the two leaves a state from which the
 * next pass does the same again (every effect is safe to repeat).
 *
 * Per engine:
 * - waiting  -> launching   when the stream holds a slot and its back-off has passed;
 * - launching              (an interrupted or backed-off launch) is resumed;
 * - running  -> stopping   past streamEndGrace after end-of-stream (or after the task's start, when
 *                          it started later), past maxStreamDuration, or
 *                          without a heartbeat for heartbeatTimeout;
 * - running/stopping, once ECS says the task stopped:
 *     -> finished  on exit code 0, or when the Coordinator stopped it after the end-of-stream grace;
 *     -> failed    on exit code 65 (the engine cannot process the stream), after maxStreamDuration,
 *                  or when maxLaunchAttempts tasks have stopped early;
 *     -> waiting   to be launched again (the stream keeps its slot) otherwise.
 * Per stream: a stream without a slot takes one when one is free (the scheduler asks in arrival
 * order); it expires when it waited maxStreamWait without any task starting; it ends when every
 * engine ended, and is closed once producers were told.
 */
import { StreamSchedulingConfig } from './pipeline-config';
import { EngineJob, JobState, StopIntent, StoppedFact, StreamItem, StreamStatus, TERMINAL_STREAM_STATUSES } from './registry-schema';

/** What ECS said about a task in this pass (DescribeTasks). */
export interface TaskFact {
  readonly lastStatus: string;
  /** Epoch ms the task reached RUNNING. */
  readonly startedAt?: number;
  /** Set when lastStatus is STOPPED, or when ECS no longer knows the task (MISSING). */
  readonly stopped?: StoppedFact;
}

export interface PlanContext {
  readonly now: number;
  readonly scheduling: StreamSchedulingConfig;
  /** True when the stream may take a free slot (the scheduler counts them in arrival order). */
  readonly slotFree: boolean;
}

export type Effect =
  | { readonly kind: 'launch'; readonly engine: string }
  | { readonly kind: 'stop'; readonly engine: string; readonly taskArn: string; readonly intent: StopIntent }
  | { readonly kind: 'publish'; readonly status: StreamStatus }
  | { readonly kind: 'close' };

export interface StreamPlan {
  /** The item to write before the effects (the same object when nothing changed). */
  readonly next: StreamItem;
  readonly effects: readonly Effect[];
  /** True when this plan took a free slot. */
  readonly tookSlot: boolean;
  /** Engines this plan sends back to waiting to be launched again. */
  readonly relaunches: number;
}

export const DEFAULT_SCHEDULING: StreamSchedulingConfig = {
  maxStreamWaitSeconds: 15 * 60,
  streamEndGraceSeconds: 5 * 60,
  maxStreamDurationSeconds: 24 * 3600,
  heartbeatTimeoutSeconds: 120,
  maxLaunchAttempts: 3,
};

const STOP_REPEAT_MS = 60_000;
/** An engine's exit code for "this stream can never be processed": no relaunch (sysexits' EX_DATAERR). */
export const EXIT_STREAM_REJECTED = 65;
const LIVE: readonly JobState[] = ['launching', 'running', 'stopping'];
const ENDED: readonly JobState[] = ['finished', 'failed', 'expired'];

export function isTerminal(status: StreamStatus): boolean {
  return TERMINAL_STREAM_STATUSES.includes(status);
}

export function planStream(stream: StreamItem, facts: ReadonlyMap<string, TaskFact>, ctx: PlanContext): StreamPlan {
  if (isTerminal(stream.status)) {
    return { next: stream, effects: [stream.published.includes(stream.status) ? { kind: 'close' } : { kind: 'publish', status: stream.status }], tookSlot: false, relaunches: 0 };
  }
  const { now, scheduling } = ctx;
  const effects: Effect[] = [];
  const jobs: Record<string, EngineJob> = { ...stream.jobs };
  let relaunches = 0;

  // 1. running tasks: what ECS says, and whether the Coordinator must stop them
  for (const [engine, job] of Object.entries(jobs)) {
    if (job.state !== 'running' && job.state !== 'stopping') continue;
    const fact = job.taskArn ? facts.get(job.taskArn) : undefined;
    const stopped = job.stopped ?? fact?.stopped;
    if (stopped) {
      const ended = afterStop(job, stopped, scheduling, now);
      if (ended.state === 'waiting') relaunches++;
      jobs[engine] = ended;
      continue;
    }
    // a stop is asked once, and again each minute while the task keeps running
    const intent = job.state === 'running' ? stopIntent(stream, job, fact, scheduling, now)
      : now - (job.stopRequestedAt ?? 0) >= STOP_REPEAT_MS ? job.stopIntent : undefined;
    if (intent && job.taskArn) {
      jobs[engine] = { ...job, state: 'stopping', stopIntent: intent, stopRequestedAt: now };
      effects.push({ kind: 'stop', engine, taskArn: job.taskArn, intent });
    }
  }

  // 2. expiry: waited maxStreamWait without any task starting (no slot, or no capacity)
  const neverStarted = stream.startedAt === undefined && !Object.values(jobs).some((j) => LIVE.includes(j.state));
  if (neverStarted && now - stream.arrivedAt > scheduling.maxStreamWaitSeconds * 1000) {
    const reason = `waited longer than maxStreamWait (${scheduling.maxStreamWaitSeconds} s) for ${stream.slot ? 'a task to start' : 'a free slot (maxConcurrentStreams)'}`;
    for (const engine of Object.keys(jobs)) {
      if (!ENDED.includes(jobs[engine].state)) jobs[engine] = { ...jobs[engine], state: 'expired', reason };
    }
    return finish(stream, { ...stream, jobs, status: 'expired', reason, slot: false }, effects, false, relaunches);
  }

  // 3. slot and launches
  let slot = stream.slot;
  let tookSlot = false;
  if (!slot && ctx.slotFree) {
    slot = true;
    tookSlot = true;
  }
  if (slot) {
    for (const [engine, job] of Object.entries(jobs)) {
      const due = (job.notBefore ?? 0) <= now;
      if (job.state === 'waiting' && due) {
        jobs[engine] = { ...job, state: 'launching' };
        effects.push({ kind: 'launch', engine });
      } else if (job.state === 'launching' && due) {
        effects.push({ kind: 'launch', engine });
      }
    }
  }

  // 4. the stream's status
  const all = Object.values(jobs);
  let status: StreamStatus = stream.startedAt !== undefined ? 'running' : 'waiting';
  let reason = stream.reason;
  if (all.every((j) => ENDED.includes(j.state))) {
    const failed = all.find((j) => j.state === 'failed');
    status = failed ? 'failed' : 'finished';
    reason = failed?.reason;
    slot = false;
  }
  return finish(stream, { ...stream, jobs, status, reason, slot }, effects, tookSlot, relaunches);
}

function finish(before: StreamItem, after: StreamItem, effects: Effect[], tookSlot: boolean, relaunches: number): StreamPlan {
  const publishable = after.status !== 'waiting' || !after.slot;
  if (publishable && !after.published.includes(after.status)) effects.push({ kind: 'publish', status: after.status });
  const next = JSON.stringify(after) === JSON.stringify(before) ? before : after;
  return { next, effects, tookSlot, relaunches };
}

/** Why the Coordinator must stop a running task now, if it must. */
function stopIntent(
  stream: StreamItem, job: EngineJob, fact: TaskFact | undefined, scheduling: StreamSchedulingConfig, now: number,
): StopIntent | undefined {
  // a task started after the end (the stream waited) gets the grace from its start
  if (stream.endedAt !== undefined && now - Math.max(stream.endedAt, job.launchedAt ?? 0) > scheduling.streamEndGraceSeconds * 1000) return 'end-grace';
  if (stream.startedAt !== undefined && now - stream.startedAt > scheduling.maxStreamDurationSeconds * 1000) return 'max-duration';
  if (fact?.lastStatus === 'RUNNING') {
    // the heartbeat clock starts when the container runs: pulling an image is not a missed heartbeat
    const since = Math.max(job.lastHeartbeatAt ?? 0, fact.startedAt ?? job.launchedAt ?? now);
    if (now - since > scheduling.heartbeatTimeoutSeconds * 1000) return 'heartbeat';
  }
  return undefined;
}

/** The engine's next state once its task stopped. */
function afterStop(job: EngineJob, stopped: StoppedFact, scheduling: StreamSchedulingConfig, now: number): EngineJob {
  const base = { launches: job.launches, tokenGeneration: job.tokenGeneration, launchFailures: 0 };
  if (job.stopIntent === 'end-grace') {
    return { ...base, state: 'finished', reason: `stopped ${scheduling.streamEndGraceSeconds} s after the end-of-stream (streamEndGrace)` };
  }
  if (job.stopIntent === 'max-duration') {
    return { ...base, state: 'failed', reason: `ran longer than maxStreamDuration (${scheduling.maxStreamDurationSeconds} s)` };
  }
  if (job.stopIntent !== 'heartbeat' && stopped.exitCode === 0) {
    return { ...base, state: 'finished', reason: 'the engine exited with code 0' };
  }
  if (job.stopIntent !== 'heartbeat' && stopped.exitCode === EXIT_STREAM_REJECTED) {
    return { ...base, state: 'failed', reason: `the engine exited with code ${EXIT_STREAM_REJECTED}: it cannot process this stream` };
  }
  const why = job.stopIntent === 'heartbeat'
    ? `no heartbeat for heartbeatTimeout (${scheduling.heartbeatTimeoutSeconds} s)`
    : `stopped before the end of its stream: ${stopped.reason}`;
  if (job.launches >= scheduling.maxLaunchAttempts) {
    return { ...base, state: 'failed', reason: `${why}; ${job.launches} of maxLaunchAttempts (${scheduling.maxLaunchAttempts}) launches used` };
  }
  return { ...base, state: 'waiting', notBefore: now, reason: why };
}
