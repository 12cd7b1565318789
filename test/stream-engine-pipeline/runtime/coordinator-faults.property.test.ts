/**
 * Randomized fault injection (fast-check, so a failure shrinks to a small case and prints its
 * seed): stream-inits (with duplicates), end-of-streams, heartbeats, task starts and exits (0,
 * or 137 like a Spot interruption), clock ticks and reconciles, while DynamoDB writes fail
 * before or after they were applied, ECS calls fail (capacity, throttling, server errors, a
 * RunTask whose answer is lost after it started the task) and Kafka sends fail. A failed
 * invocation is redelivered as its source would: a control batch before any newer batch of its
 * partition, a task-stopped event later, the reconcile a minute later. The Coordinator's
 * crashes are the failed invocations: they stop it between any two of its steps.
 *
 * Checked after every step: never two live tasks for one stream and engine; never more streams
 * with live tasks than maxConcurrentStreams; a stream's first launch never passes over an older
 * stream waiting without a slot. At the end (faults off, every stream ended, tasks run out,
 * reconciled to quiescence): every stream is closed as finished, expired or failed, and its
 * producers were told that status; before the tasks ran out, streams holding a slot were exactly
 * the streams with a live task.
 *
 * DynamoDB is dynalite; ECS is the MOCK of fake-ecs.ts (no local ECS exists).
 */
import fc from 'fast-check';
import { CoordinatorKit, faultyDocument } from './coordinator-kit';
import { EcsOperation, RunTaskFault, CallFault } from './fake-ecs';
import { KafkaEventRecord } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => { dynamo = await startDynalite(); });
afterAll(() => dynamo.stop());

const MAX = 3;

type Fault =
  | { readonly kind: 'none' }
  | { readonly kind: 'dynamo'; readonly when: 'before' | 'after'; readonly nth: number }
  | { readonly kind: 'ecs'; readonly operation: EcsOperation; readonly fault: RunTaskFault | CallFault }
  | { readonly kind: 'kafka' };

type Step =
  | { readonly op: 'init'; readonly streams: number[]; readonly fault: Fault }
  | { readonly op: 'end'; readonly stream: number; readonly fault: Fault }
  | { readonly op: 'heartbeat'; readonly fault: Fault }
  | { readonly op: 'start' }
  | { readonly op: 'exit'; readonly pick: number; readonly code: 0 | 137; readonly fault: Fault }
  | { readonly op: 'tick'; readonly seconds: number }
  | { readonly op: 'reconcile'; readonly fault: Fault };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Fault>({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dynamo' as const), when: fc.constantFrom('before' as const, 'after' as const), nth: fc.integer({ min: 1, max: 12 }) }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('ecs' as const), operation: fc.constant('runTask' as const), fault: fc.constantFrom<RunTaskFault>('capacity', 'throttle', 'server-error', 'timeout-after-start') }),
      fc.record({ kind: fc.constant('ecs' as const), operation: fc.constantFrom<EcsOperation>('listTasks', 'describeTasks', 'stopTask'), fault: fc.constantFrom<CallFault>('throttle', 'server-error') }),
    ),
  },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'kafka' }) },
);

function steps(streams: number): fc.Arbitrary<Step[]> {
  const stream = fc.integer({ min: 0, max: streams - 1 });
  return fc.array(fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('init' as const), streams: fc.array(stream, { minLength: 1, maxLength: 4 }), fault }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('end' as const), stream, fault }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('heartbeat' as const), fault }) },
    { weight: 3, arbitrary: fc.constant<Step>({ op: 'start' }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('exit' as const), pick: fc.nat(), code: fc.constantFrom(0 as const, 0 as const, 137 as const), fault }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 400 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('reconcile' as const), fault }) },
  ), { minLength: 20, maxLength: 90 });
}

/** Runs `invoke` with `f` injected; true when the invocation failed (its source will deliver it again). */
async function withFault(kit: CoordinatorKit, f: Fault, invoke: () => Promise<unknown>): Promise<boolean> {
  if (f.kind === 'dynamo') {
    let writes = 0;
    kit.sender = faultyDocument(kit.doc, () => (++writes === f.nth ? f.when : undefined));
  } else if (f.kind === 'ecs') {
    (kit.ecs.script[f.operation] as string[]).push(f.fault);
  } else if (f.kind === 'kafka') {
    kit.output.failNext = 1;
  }
  try {
    await invoke();
    return false;
  } catch {
    return true;
  } finally {
    kit.sender = kit.doc;
    kit.output.failNext = 0;
    for (const op of ['runTask', 'listTasks', 'describeTasks', 'stopTask'] as const) kit.ecs.script[op].length = 0;
  }
}

async function scenario(kit: CoordinatorKit, plan: Step[]): Promise<void> {
  const name = (i: number) => `s-${i}`;
  const inited = new Set<string>();
  const controlQueue: KafkaEventRecord[][] = [];
  const eventQueue: unknown[] = [];
  const violations: string[] = [];

  // a first launch may not pass over an older stream waiting without a slot (checked as ECS sees the RunTask)
  kit.ecs.onRunTask = async (input) => {
    const env = Object.fromEntries((input.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));
    if (env.ENGINE_LAUNCH_ATTEMPT !== '1') return;
    const queue = await kit.registry.queue();
    const me = queue.find((s) => s.streamId === env.STREAM_ID);
    const skipped = queue.filter((s) => me && s.sk < me.sk && !s.slot && s.status === 'waiting');
    if (skipped.length) violations.push(`first launch of ${env.STREAM_ID} passed over ${skipped.map((s) => s.streamId).join(', ')}`);
  };

  const check = (where: string) => {
    const live = kit.ecs.live();
    const perJob = new Map<string, number>();
    for (const t of live) perJob.set(`${t.env.STREAM_ID}/${t.env.ENGINE_NAME}`, (perJob.get(`${t.env.STREAM_ID}/${t.env.ENGINE_NAME}`) ?? 0) + 1);
    for (const [job, n] of perJob) if (n > 1) violations.push(`${where}: ${n} live tasks for ${job}`);
    const streams = kit.streamsWithLiveTasks().size;
    if (streams > MAX) violations.push(`${where}: ${streams} streams with live tasks, maxConcurrentStreams is ${MAX}`);
    if (violations.length) throw new Error(violations.join('\n'));
  };

  const deliverControl = async (f: Fault) => {
    while (controlQueue.length) {
      if (await withFault(kit, f, () => kit.invoke(kit.batch(...controlQueue[0])))) return; // retried before newer batches
      controlQueue.shift();
      f = { kind: 'none' };
    }
  };
  const deliverEvents = async (f: Fault) => {
    for (const event of eventQueue.splice(0)) {
      if (await withFault(kit, f, () => kit.invoke(event))) eventQueue.push(event); // EventBridge retries it
      f = { kind: 'none' };
    }
  };

  for (const [i, step] of plan.entries()) {
    const where = `step ${i} (${step.op})`;
    switch (step.op) {
      case 'init':
        controlQueue.push(step.streams.map((s) => { inited.add(name(s)); return kit.init(name(s)); }));
        await deliverControl(step.fault);
        break;
      case 'end':
        if (inited.has(name(step.stream))) controlQueue.push([kit.end(name(step.stream))]);
        await deliverControl(step.fault);
        break;
      case 'heartbeat': {
        const beats = kit.ecs.live().filter((t) => t.lastStatus === 'RUNNING').map((t) => kit.heartbeat(t.env.STREAM_ID, t.env.ENGINE_NAME, t.arn.split('/').pop()));
        if (beats.length) controlQueue.push(beats);
        await deliverControl(step.fault);
        break;
      }
      case 'start':
        kit.ecs.startAll();
        break;
      case 'exit': {
        const running = kit.ecs.live().filter((t) => t.lastStatus === 'RUNNING');
        if (running.length) eventQueue.push(kit.ecs.exit(running[step.pick % running.length].arn, step.code));
        eventQueue.push(...kit.ecs.settle());
        await deliverEvents(step.fault);
        break;
      }
      case 'tick':
        kit.now += step.seconds * 1000;
        break;
      case 'reconcile':
        await withFault(kit, step.fault, () => kit.reconcile());
        break;
    }
    check(where);
  }

  // quiescence: no more faults; every stream ends; the tasks run to their end
  const settle = async () => {
    await deliverControl({ kind: 'none' });
    await deliverEvents({ kind: 'none' });
    kit.now += 61_000; // past every back-off and the lease
    await kit.reconcile();
    check('settling');
  };
  await settle();
  for (const s of inited) controlQueue.push([kit.end(s)]);
  await settle();
  await settle();
  // slots agree with ECS: every stream holding a slot has a live task, and the other way round
  const holding = new Set((await kit.registry.queue()).filter((s) => s.slot).map((s) => s.streamId));
  const live = kit.streamsWithLiveTasks();
  expect([...holding].sort()).toEqual([...live].sort());
  for (let round = 0; round < 40 && (await kit.registry.queue()).length; round++) {
    kit.ecs.startAll();
    for (const t of kit.ecs.live().filter((x) => x.lastStatus === 'RUNNING')) eventQueue.push(kit.ecs.exit(t.arn, 0));
    eventQueue.push(...kit.ecs.settle());
    await settle();
  }
  expect(await kit.registry.queue()).toEqual([]);
  for (const s of inited) {
    const pointer = await kit.registry.pointer(s);
    expect(['finished', 'expired', 'failed']).toContain(pointer?.status);
    expect(kit.output.statuses.filter((m) => m.streamId === s && m.statusId === `${s}/${pointer!.generation}/${pointer!.status}`)).not.toHaveLength(0);
  }
  expect(violations).toEqual([]);
  expect(kit.ecs.live()).toEqual([]);
}

test('streams are never lost or doubled, whatever fails and whenever the Coordinator stops (property)', async () => {
  let runs = 0;
  let inits = 0;
  await fc.assert(fc.asyncProperty(steps(12), async (plan) => {
    runs++;
    inits += plan.filter((s) => s.op === 'init').reduce((n, s) => n + (s as { streams: number[] }).streams.length, 0);
    const kit = await CoordinatorKit.create(dynamo, {
      maxConcurrentStreams: MAX,
      engines: ['transcribe', 'faces'],
      scheduling: {
        maxStreamWaitSeconds: 900, streamEndGraceSeconds: 120, heartbeatTimeoutSeconds: 600, maxLaunchAttempts: 2, maxStreamDurationSeconds: 7200,
      },
    });
    await scenario(kit, plan);
  }), { numRuns: Number(process.env.COORDINATOR_PROPERTY_RUNS ?? 30), verbose: 1 });
  // the issue asks for at least 200 stream-inits with duplicates; print what this run covered
  console.log(`coordinator fault property: ${runs} runs, ${inits} stream-inits`);
  expect(inits).toBeGreaterThanOrEqual(200);
}, 600_000);
