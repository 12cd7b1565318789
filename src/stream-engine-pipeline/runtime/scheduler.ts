/**
 * The scheduler: one pass reads the whole queue of open streams in arrival order (one Query),
 * asks ECS about their tasks (DescribeTasks, 100 at a time), plans each stream (stream-plan.ts)
 * and carries the plans out: the stream's new item is written first, then its effects (launch,
 * stop, tell producers, close). Slots are handed out in arrival order by the one holder of the
 * scheduler lease, so at most maxConcurrentStreams streams ever hold one.
 *
 * It runs after every batch of control messages and every task-stopped event, and every minute
 * (the reconciler): whatever was interrupted (a crash between two steps, a lost event, a task
 * that died without an event) is found and finished by the next pass.
 *
 * Launching one engine (the job is already `launching` in the registry):
 * 1. ListTasks by the launch's `startedBy`: a task an earlier, interrupted call started is adopted;
 * 2. else RunTask once, with the launch's client token;
 * 3. the answer is recorded: running (with the task ARN), or back to waiting with a back-off
 *    (nothing started), or still launching with a back-off (something may have started), or failed.
 */
import { CoordinatorOutput, streamStatusMessage } from './coordinator-output';
import {
  EcsApi, launchBackoffMs, launchStartedBy, runTaskOnce, RunTaskOutcome, runTaskRequest,
} from './engine-launcher';
import { EngineRefs, PipelineConfig } from './pipeline-config';
import { EngineJob, StreamItem } from './registry-schema';
import { SchedulerLease } from './scheduler-lease';
import { DEFAULT_SCHEDULING, Effect, isTerminal, PlanContext, planStream, TaskFact } from './stream-plan';
import { CLOSED_POINTER_TTL_SECONDS, StreamRegistry } from './stream-registry';
import { Log } from '../../shared/runtime/logger';

export interface SchedulerDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly registry: StreamRegistry;
  readonly lease: SchedulerLease;
  readonly ecs: EcsApi;
  readonly output: CoordinatorOutput;
  readonly now: () => number;
  /** [0, 1), for the back-off jitter. */
  readonly random: () => number;
  readonly log: Log;
}

/** What the passes of one invocation did, and the queue as the last pass left it. */
export interface SchedulerSummary {
  launched: number;
  launchFailures: number;
  relaunches: number;
  stopped: number;
  expired: number;
  failed: number;
  finished: number;
  /** Open streams holding a slot. */
  activeStreams: number;
  /** Open streams waiting for a slot. */
  waiting: number;
  oldestWaitSeconds: number;
}

/** Passes run back to back at most this often in one invocation (new work keeps arriving). */
const MAX_PASSES = 5;

class LeaseLost extends Error {}

/** Runs passes while it holds the lease; undefined when another invocation holds it. */
export async function runScheduler(deps: SchedulerDeps): Promise<SchedulerSummary | undefined> {
  let summary: SchedulerSummary | undefined;
  for (let i = 0; i < MAX_PASSES; i++) {
    const pass: SchedulerSummary = summary ? { ...summary } : emptySummary();
    let seen: number | undefined;
    let again: boolean;
    try {
      // an error may come after DynamoDB took the lease: it is abandoned below either way
      seen = await deps.lease.acquire();
      if (seen === undefined) return summary;
      again = await runPass(deps, pass);
    } catch (error) {
      if (error instanceof LeaseLost) {
        deps.log.warn('scheduler lease lost during a pass: another invocation goes on', {});
        return pass;
      }
      // let the next invocation in at once rather than when the lease expires
      await deps.lease.abandon().catch(() => undefined);
      throw error;
    }
    summary = pass;
    if (!again && await deps.lease.release(seen)) return summary;
  }
  // out of passes with work still marked: let the next event or the reconciler in at once, not when the lease
  // expires (if this write fails, it does expire: the passes' work is done, so the invocation still succeeds)
  await deps.lease.abandon().catch(() => undefined);
  return summary;
}

function emptySummary(): SchedulerSummary {
  return {
    launched: 0, launchFailures: 0, relaunches: 0, stopped: 0, expired: 0, failed: 0, finished: 0, activeStreams: 0, waiting: 0, oldestWaitSeconds: 0,
  };
}

/** One pass; true when it freed a slot that a stream it had already passed over is waiting for. */
async function runPass(deps: SchedulerDeps, summary: SchedulerSummary): Promise<boolean> {
  const scheduling = deps.config.scheduling ?? DEFAULT_SCHEDULING;
  const queue = await deps.registry.queue();
  const facts = await describeTasks(deps, queue);
  let held = queue.filter((s) => s.slot && !isTerminal(s.status)).length;
  const after: StreamItem[] = [];
  let freedAfterWaiting = false;
  for (const stream of queue) {
    let current: StreamItem | undefined = stream;
    // a second round publishes and records what the first round's launches changed
    for (let round = 0; round < 2 && current; round++) {
      // a slot freed after an older stream was passed over is that stream's: the next pass (again) gives it
      const slotFree = held < deps.config.maxConcurrentStreams && !after.some((s) => !s.slot && !isTerminal(s.status));
      const result = await advance(deps, current, facts, { now: deps.now(), scheduling, slotFree }, summary);
      if (result.tookSlot) held++;
      if (current.slot && !result.stream?.slot) {
        held--;
        freedAfterWaiting ||= after.some((s) => !s.slot && !isTerminal(s.status));
      }
      if (!result.acted) break;
      current = result.stream;
    }
    if (current) after.push(current);
  }
  const now = deps.now();
  const open = after.filter((s) => !isTerminal(s.status));
  const waiting = open.filter((s) => !s.slot);
  summary.activeStreams = open.filter((s) => s.slot).length;
  summary.waiting = waiting.length;
  summary.oldestWaitSeconds = waiting.length ? Math.round(Math.max(...waiting.map((s) => now - s.arrivedAt)) / 1000) : 0;
  return freedAfterWaiting;
}

/** Plans one stream, writes the plan, carries out its effects. */
async function advance(deps: SchedulerDeps, stream: StreamItem, facts: Map<string, TaskFact>, ctx: PlanContext, summary: SchedulerSummary,
): Promise<{ stream?: StreamItem; tookSlot: boolean; acted: boolean }> {
  let plan = planStream(stream, facts, ctx);
  let current: StreamItem | undefined = stream;
  if (plan.next !== stream) {
    current = await deps.registry.write(stream, plan.next) ? { ...plan.next, version: stream.version + 1 } : undefined;
    if (!current) {
      // changed by an event handler since it was read: plan again from what is stored
      current = await deps.registry.mutate(stream, (item) => {
        plan = planStream(item, facts, ctx);
        return plan.next;
      }) ?? await deps.registry.item(stream);
      if (!current) return { tookSlot: false, acted: false };
    }
  }
  if (plan.next.status !== stream.status) count(summary, plan.next.status);
  summary.relaunches += plan.relaunches;
  for (const effect of plan.effects) {
    current = await carryOut(deps, effect, current, summary);
    if (!current) break;
  }
  return { stream: current, tookSlot: plan.tookSlot, acted: plan.effects.length > 0 };
}

function count(summary: SchedulerSummary, status: string): void {
  if (status === 'expired') summary.expired++;
  else if (status === 'failed') summary.failed++;
  else if (status === 'finished') summary.finished++;
}

/** Carries out one effect; returns the stream as stored afterwards (undefined once it is closed). */
async function carryOut(deps: SchedulerDeps, effect: Effect, stream: StreamItem, summary: SchedulerSummary): Promise<StreamItem | undefined> {
  switch (effect.kind) {
    case 'launch':
      return launch(deps, stream, effect.engine, summary);
    case 'stop':
      await stopTask(deps, stream, effect.engine, effect.taskArn, effect.intent);
      summary.stopped++;
      return stream;
    case 'publish':
      try {
        await deps.output.publishStatus(streamStatusMessage(stream, effect.status, deps.now()));
      } catch (error) {
        deps.log.warn('could not tell producers the stream status (the next pass tries again)', {
          streamId: stream.streamId, status: effect.status, error: (error as Error).message,
        });
        return stream;
      }
      return await deps.registry.mutate(stream, (item) => (item.published.includes(effect.status) ? undefined
        : { ...item, published: [...item.published, effect.status] })) ?? stream;
    case 'close':
      await deps.registry.close(stream, Math.floor(deps.now() / 1000) + CLOSED_POINTER_TTL_SECONDS);
      deps.log.info('stream closed', { streamId: stream.streamId, generation: stream.generation, status: stream.status, reason: stream.reason });
      return undefined;
  }
}

async function launch(deps: SchedulerDeps, stream: StreamItem, engineName: string, summary: SchedulerSummary): Promise<StreamItem> {
  if (!await deps.lease.renew()) throw new LeaseLost();
  const job = stream.jobs[engineName];
  const id = {
    streamId: stream.streamId,
    generation: stream.generation,
    engine: engineName,
    launch: job.launches + 1,
    tokenGeneration: job.tokenGeneration,
    arrivedAt: stream.arrivedAt,
  };
  let outcome: RunTaskOutcome;
  const engine = deps.config.streamEngines.find((e) => e.name === engineName);
  if (!engine) {
    outcome = { kind: 'permanent', error: `the pipeline has no stream engine named ${engineName}` };
  } else {
    try {
      const startedBy = launchStartedBy(deps.config.pipelineName, id.streamId, id.generation, id.engine, id.launch);
      const found = await deps.ecs.listTasks({ cluster: deps.refs.cluster, startedBy, desiredStatus: 'RUNNING' });
      const existing = found.taskArns ?? [];
      if (existing.length > 1) {
        deps.log.error('more than one task for one launch: stopping all but the first', { streamId: stream.streamId, engine: engineName, tasks: existing });
        for (const extra of existing.slice(1)) await stopTask(deps, stream, engineName, extra, 'duplicate');
      }
      outcome = existing.length
        ? { kind: 'started', taskArn: existing[0] }
        : await runTaskOnce(deps.ecs, runTaskRequest(deps.config, deps.refs, engine, id));
    } catch (error) {
      // ListTasks failed, or the request could not be built: nothing was started by this call
      outcome = { kind: 'uncertain', error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }
  const now = deps.now();
  if (outcome.kind === 'started') {
    summary.launched++;
    deps.log.info('stream engine launched', { streamId: stream.streamId, engine: engineName, launch: id.launch, taskArn: outcome.taskArn });
  } else {
    summary.launchFailures++;
    deps.log[outcome.kind === 'permanent' ? 'error' : 'warn']('stream engine launch did not start a task', {
      streamId: stream.streamId, engine: engineName, launch: id.launch, outcome: outcome.kind, error: outcome.error,
    });
  }
  const recorded = await deps.registry.mutate(stream, (item) => {
    const current = item.jobs[engineName];
    if (!current || current.state !== 'launching' || current.launches !== job.launches) return undefined;
    const next = afterLaunch(current, outcome, now, launchBackoffMs(current.launchFailures + 1, deps.random));
    return {
      ...item,
      jobs: { ...item.jobs, [engineName]: next },
      startedAt: outcome.kind === 'started' ? item.startedAt ?? now : item.startedAt,
      status: outcome.kind === 'started' ? 'running' : item.status,
    };
  });
  return recorded ?? stream;
}

function afterLaunch(job: EngineJob, outcome: RunTaskOutcome, now: number, backoffMs: number): EngineJob {
  const base = { launches: job.launches, tokenGeneration: job.tokenGeneration, launchFailures: job.launchFailures };
  switch (outcome.kind) {
    case 'started':
      return {
        state: 'running',
        launches: job.launches + 1,
        tokenGeneration: job.tokenGeneration,
        launchFailures: 0,
        taskArn: outcome.taskArn,
        taskId: outcome.taskArn.split('/').pop(),
        launchedAt: now,
      };
    case 'no-task':
      return { ...base, state: 'waiting', tokenGeneration: job.tokenGeneration + 1, launchFailures: job.launchFailures + 1, notBefore: now + backoffMs, reason: outcome.error };
    case 'uncertain':
      return { ...base, state: 'launching', launchFailures: job.launchFailures + 1, notBefore: now + backoffMs, reason: outcome.error };
    case 'permanent':
      return { ...base, state: 'failed', reason: `launch failed: ${outcome.error}` };
  }
}

async function stopTask(deps: SchedulerDeps, stream: StreamItem, engine: string, taskArn: string, why: string): Promise<void> {
  try {
    await deps.ecs.stopTask({ cluster: deps.refs.cluster, task: taskArn, reason: `stream-engine-pipeline: ${why}`.slice(0, 255) });
    deps.log.info('stream engine task stopped by the Coordinator', { streamId: stream.streamId, engine, taskArn, why });
  } catch (error) {
    // it may be gone already; the next pass sees what ECS says and tries again if it still runs
    deps.log.warn('could not stop a stream engine task', { streamId: stream.streamId, engine, taskArn, error: (error as Error).message });
  }
}

/** What ECS says about every task the queue believes runs (DescribeTasks, 100 per call). */
async function describeTasks(deps: SchedulerDeps, queue: StreamItem[]): Promise<Map<string, TaskFact>> {
  const facts = new Map<string, TaskFact>();
  const containerOf = new Map<string, string>();
  for (const stream of queue) {
    for (const [engine, job] of Object.entries(stream.jobs)) {
      if ((job.state === 'running' || job.state === 'stopping') && job.taskArn && !job.stopped) {
        containerOf.set(job.taskArn, deps.config.streamEngines.find((e) => e.name === engine)?.containerName ?? engine);
      }
    }
  }
  const arns = [...containerOf.keys()];
  for (let i = 0; i < arns.length; i += 100) {
    const chunk = arns.slice(i, i + 100);
    try {
      const answer = await deps.ecs.describeTasks({ cluster: deps.refs.cluster, tasks: chunk });
      for (const task of answer.tasks ?? []) {
        if (!task.taskArn) continue;
        const container = task.containers?.find((c) => c.name === containerOf.get(task.taskArn!));
        facts.set(task.taskArn, {
          lastStatus: task.lastStatus ?? 'UNKNOWN',
          startedAt: task.startedAt ? new Date(task.startedAt).getTime() : undefined,
          stopped: task.lastStatus === 'STOPPED' ? {
            at: task.stoppedAt ? new Date(task.stoppedAt).getTime() : deps.now(),
            exitCode: container?.exitCode,
            reason: [task.stopCode, task.stoppedReason, container?.exitCode !== undefined ? `exit ${container.exitCode}` : undefined].filter(Boolean).join(': ') || 'stopped',
          } : undefined,
        });
      }
      for (const failure of answer.failures ?? []) {
        if (failure.arn && failure.reason === 'MISSING') {
          facts.set(failure.arn, { lastStatus: 'MISSING', stopped: { at: deps.now(), reason: 'ECS no longer knows the task (MISSING)' } });
        }
      }
    } catch (error) {
      deps.log.warn('DescribeTasks failed: this pass decides without what ECS says about these tasks', { tasks: chunk.length, error: (error as Error).message });
    }
  }
  return facts;
}
