/**
 * The Coordinator as a scheduler of stream engines: the real runtime against dynalite and the
 * ECS MOCK (fake-ecs.ts: ECS has no local implementation), with a fake clock. Each test named
 * "finding N" reproduces a failure of the previous design (issue 9) and shows it is gone.
 */
import { CoordinatorKit, faultyDocument, T0 } from './coordinator-kit';
import { launchStartedBy, STREAM_START_MARGIN_MS } from '../../../src/stream-engine-pipeline/runtime/engine-launcher';
import { partitionForKey } from '../../../src/stream-engine-pipeline/runtime/kafka-partitioner';
import { SchedulerLease } from '../../../src/stream-engine-pipeline/runtime/scheduler-lease';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';

let dynamo: LocalDynamo;
beforeAll(async () => { dynamo = await startDynalite(); });
afterAll(() => dynamo.stop());

const minutes = (n: number) => n * 60_000;

test('a stream-init launches one task with the engine contract; end-of-stream and exit 0 finish it and tell producers', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  const summary = await kit.invoke(kit.batch(kit.init('cam-1')));
  expect(summary).toMatchObject({ records: 1, opened: 1, scheduler: { launched: 1, activeStreams: 1, waiting: 0 } });
  const [task] = kit.ecs.live();
  expect(task.env).toMatchObject({ STREAM_ID: 'cam-1', ENGINE_NAME: 'transcribe', ENGINE_LAUNCH_ATTEMPT: '1', ENGINE_CONSUMER_GROUP: 'media.stream-engine.transcribe.cam-1' });
  expect(task.startedBy).toBe(launchStartedBy('media', 'cam-1', 1, 'transcribe', 1));
  expect(task.startedBy!.length).toBeLessThanOrEqual(36);
  expect(kit.output.statusesOf('cam-1')).toEqual(['running']);

  kit.ecs.startAll();
  await kit.invoke(kit.batch(kit.end('cam-1')));
  kit.now += 1_000;
  const stopped = kit.ecs.exit(task.arn, 0);
  const after = await kit.invoke(stopped);
  expect(after.scheduler).toMatchObject({ finished: 1, activeStreams: 0 });
  expect(kit.output.statusesOf('cam-1')).toEqual(['running', 'finished']);
  expect(await kit.stream('cam-1')).toBeUndefined(); // closed: out of the queue
  expect(await kit.registry.pointer('cam-1')).toMatchObject({ status: 'finished', generation: 1 });
  // a repeated init of a finished stream launches nothing
  await kit.invoke(kit.batch(kit.init('cam-1')));
  expect(kit.ecs.tasks.size).toBe(1);
});

test('finding 1: DynamoDB failing right after a slot is taken never leaks it; the batch retry launches the stream', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1 });
  const batch = kit.batch(kit.init('a'));
  // fail the three writes after the stream-init was stored (the plan taking the slot, its retry, ...)
  let writes = 0;
  kit.sender = faultyDocument(kit.doc, () => (++writes > 3 && writes <= 6 ? 'after' : undefined));
  await expect(kit.invoke(batch)).rejects.toThrow(/DynamoDB is unavailable/);
  kit.sender = kit.doc;
  await kit.invoke(batch); // the event source mapping delivers the batch again
  expect(kit.liveTasksOf('a')).toHaveLength(1);
  kit.ecs.startAll();
  // the stream ends; the next one gets the slot
  kit.ecs.exit(kit.liveTasksOf('a')[0], 0);
  await kit.reconcile();
  await kit.invoke(kit.batch(kit.init('b')));
  expect(kit.liveTasksOf('b')).toHaveLength(1);
});

test('finding 2: a capacity failure, a successful retry and a lost write of the task ARN still give one task', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  kit.ecs.script.runTask.push('capacity');
  await kit.invoke(kit.batch(kit.init('cam-2')));
  expect(kit.ecs.tasks.size).toBe(0);
  expect((await kit.stream('cam-2'))!.jobs.transcribe).toMatchObject({ state: 'waiting', tokenGeneration: 1, launchFailures: 1 });
  kit.now += minutes(1);
  // the retry starts the task, and the write that records it fails
  kit.sender = faultyDocument(kit.doc, (command: any) => (command.input?.Item?.jobs?.transcribe?.state === 'running' ? 'before' : undefined));
  await expect(kit.reconcile()).rejects.toThrow(/DynamoDB is unavailable/);
  kit.sender = kit.doc;
  expect(kit.ecs.tasks.size).toBe(1);
  kit.now += minutes(1);
  await kit.reconcile();
  await kit.invoke(kit.batch(kit.init('cam-2'))); // a redelivered init too
  expect(kit.ecs.tasks.size).toBe(1);
  expect(kit.liveTasksOf('cam-2')).toHaveLength(1);
  expect((await kit.stream('cam-2'))!.jobs.transcribe).toMatchObject({ state: 'running', launches: 1, taskArn: kit.liveTasksOf('cam-2')[0] });
});

test('finding 2 (cont.): a RunTask whose answer is lost is not repeated with a new token; ListTasks finds its task', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  kit.ecs.script.runTask.push('timeout-after-start');
  await kit.invoke(kit.batch(kit.init('cam-3')));
  expect((await kit.stream('cam-3'))!.jobs.transcribe.state).toBe('launching');
  kit.now += minutes(1);
  await kit.reconcile();
  expect(kit.ecs.tasks.size).toBe(1);
  expect(kit.ecs.calls.filter((c) => c.operation === 'runTask')).toHaveLength(1);
  expect((await kit.stream('cam-3'))!.jobs.transcribe.state).toBe('running');
});

test('finding 3: with one free slot, the stream that arrived first gets it (5 of 5 rounds)', async () => {
  for (let round = 0; round < 5; round++) {
    const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1 });
    const early = kit.init(`early-${round}`);
    kit.now += 10;
    const late = kit.init(`late-${round}`);
    // the later record first in the batch, on another partition
    await kit.invoke(kit.batch({ ...late, partition: 1 }, early));
    expect(kit.liveTasksOf(`early-${round}`)).toHaveLength(1);
    expect(kit.liveTasksOf(`late-${round}`)).toHaveLength(0);
    expect(kit.output.statusesOf(`late-${round}`)).toEqual(['waiting']);
  }
});

test('finding 3 (cont.): a slot that frees behind an older waiting stream goes to it, not to a later arrival (batches of two partitions)', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1 });
  // one burst: arrival order is older (partition 0) < running (partition 1) < younger (partition 1)
  const running = { ...kit.init('running'), partition: 1 };
  const younger = { ...kit.init('younger'), partition: 1 };
  const older = kit.init('older');
  await kit.invoke(kit.batch(running, younger)); // partition 1's batch is handled first: `running` takes the slot
  await kit.invoke(kit.batch(older));
  kit.ecs.startAll();
  kit.now += 10_000;
  await kit.invoke(kit.ecs.exit(kit.liveTasksOf('running')[0], 0));
  expect(kit.liveTasksOf('older')).toHaveLength(1);
  expect(kit.liveTasksOf('younger')).toHaveLength(0);
});

test('finding 4: a stream over the limit waits and launches when a slot frees; an expired one launches again on a new init', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1, scheduling: { maxStreamWaitSeconds: 600 } });
  await kit.invoke(kit.batch(kit.init('first'), kit.init('second')));
  const summary = await kit.reconcile();
  expect(summary.scheduler).toMatchObject({ activeStreams: 1, waiting: 1 });
  kit.ecs.startAll();
  kit.now += minutes(2);
  expect((await kit.reconcile()).scheduler!.oldestWaitSeconds).toBe(120);
  kit.ecs.exit(kit.liveTasksOf('first')[0], 0);
  await kit.reconcile();
  expect(kit.liveTasksOf('second')).toHaveLength(1);

  // a third stream waits past maxStreamWait: expired, producers told why
  await kit.invoke(kit.batch(kit.init('third')));
  kit.now += minutes(11);
  const expired = await kit.reconcile();
  expect(expired.scheduler!.expired).toBe(1);
  const told = kit.output.statuses.filter((m) => m.streamId === 'third');
  expect(told.map((m) => m.status)).toEqual(['waiting', 'expired']);
  expect(told[1].reason).toContain('maxStreamWait');
  expect(await kit.registry.pointer('third')).toMatchObject({ status: 'expired' });
  // capacity returns; the producer sends the stream-init again: launched as generation 2
  kit.ecs.exit(kit.liveTasksOf('second')[0], 0);
  await kit.reconcile();
  await kit.invoke(kit.batch(kit.init('third')));
  expect(kit.liveTasksOf('third')).toHaveLength(1);
  expect((await kit.stream('third'))!.generation).toBe(2);
  expect(kit.output.statuses.filter((m) => m.streamId === 'third').map((m) => m.statusId)).toEqual(['third/1/waiting', 'third/1/expired', 'third/2/running']);
});

test('finding 4 (cont.): a launch that cannot succeed fails the stream, and a new stream-init launches it again', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  kit.ecs.script.runTask.push('invalid');
  await kit.invoke(kit.batch(kit.init('bad-params')));
  await kit.reconcile();
  expect(kit.output.statusesOf('bad-params')).toEqual(['failed']);
  expect(kit.output.statuses.find((m) => m.status === 'failed')!.reason).toContain('InvalidParameterException');
  await kit.invoke(kit.batch(kit.init('bad-params')));
  expect(kit.liveTasksOf('bad-params')).toHaveLength(1);
});

test('finding 5: a task interrupted mid-stream (Spot, exit 137) is launched again and the stream goes on', async () => {
  const kit = await CoordinatorKit.create(dynamo, { scheduling: { maxLaunchAttempts: 2 } });
  await kit.invoke(kit.batch(kit.init('spot')));
  kit.ecs.startAll();
  const first = kit.liveTasksOf('spot')[0];
  const summary = await kit.invoke(kit.ecs.exit(first, 137, 'SpotInterruption', 'Your Spot Task was interrupted.'));
  expect(summary.scheduler).toMatchObject({ relaunches: 1, launched: 1 });
  const [second] = kit.liveTasksOf('spot');
  expect(second).not.toBe(first);
  expect(kit.ecs.tasks.get(second)!.env.ENGINE_LAUNCH_ATTEMPT).toBe('2');
  // interrupted again: maxLaunchAttempts (2) used, the stream fails and producers are told
  kit.ecs.startAll();
  const last = await kit.invoke(kit.ecs.exit(second, 1));
  expect(last.scheduler!.failed).toBe(1);
  expect(kit.output.statusesOf('spot')).toEqual(['running', 'failed']);
  expect(kit.emf.at(-1)).toMatchObject({ StreamsFailed: 1, EngineRelaunches: 0 });
});

test('finding 6: a task still running past streamEndGrace is stopped, and its slot is given on only when it stopped', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1, scheduling: { streamEndGraceSeconds: 300 } });
  await kit.invoke(kit.batch(kit.init('lingers'), kit.init('next')));
  kit.ecs.startAll();
  await kit.invoke(kit.batch(kit.end('lingers'), kit.heartbeat('lingers', 'transcribe')));
  kit.now += minutes(4);
  await kit.invoke(kit.batch(kit.heartbeat('lingers', 'transcribe')));
  expect(kit.ecs.calls.filter((c) => c.operation === 'stopTask')).toHaveLength(0);
  kit.now += minutes(2);
  await kit.reconcile();
  expect(kit.ecs.calls.filter((c) => c.operation === 'stopTask')).toHaveLength(1);
  expect(kit.liveTasksOf('next')).toHaveLength(0); // the lingering task has not stopped yet
  const events = kit.ecs.settle();
  await kit.invoke(events[0]);
  expect(kit.output.statusesOf('lingers')).toEqual(['running', 'finished']);
  expect(kit.liveTasksOf('next')).toHaveLength(1);
});

test('finding 6 (cont.): missed heartbeats stop the task and launch it again; maxStreamDuration fails the stream', async () => {
  const kit = await CoordinatorKit.create(dynamo, { scheduling: { heartbeatTimeoutSeconds: 120, maxStreamDurationSeconds: 3600 } });
  await kit.invoke(kit.batch(kit.init('silent')));
  kit.ecs.startAll();
  kit.now += minutes(1);
  await kit.reconcile();
  expect(kit.ecs.calls.filter((c) => c.operation === 'stopTask')).toHaveLength(0);
  kit.now += minutes(2); // 3 minutes running, no heartbeat
  await kit.reconcile();
  expect(kit.ecs.calls.filter((c) => c.operation === 'stopTask')).toHaveLength(1);
  const summary = await kit.invoke(kit.ecs.settle()[0]);
  expect(summary.scheduler).toMatchObject({ relaunches: 1, launched: 1 });
  // the new task beats; a heartbeat of the old task is not taken for it
  kit.ecs.startAll();
  const current = (await kit.stream('silent'))!.jobs.transcribe;
  const oldTaskId = [...kit.ecs.tasks.keys()][0].split('/').pop();
  await kit.invoke(kit.batch(kit.heartbeat('silent', 'transcribe', oldTaskId)));
  expect((await kit.stream('silent'))!.jobs.transcribe.lastHeartbeatAt).toBeUndefined();
  const stops = () => kit.ecs.calls.filter((c) => c.operation === 'stopTask');
  let minute = 3;
  while (stops().length < 2 && minute < 120) {
    kit.now += minutes(1);
    minute++;
    await kit.invoke(kit.batch(kit.heartbeat('silent', 'transcribe', current.taskId)));
  }
  // beating for an hour does not keep it past maxStreamDuration (counted from the stream's first task)
  expect(minute).toBe(61);
  expect(stops()[1].input).toMatchObject({ task: current.taskArn, reason: 'stream-engine-pipeline: max-duration' });
  // while it takes its time to stop, the stop is asked again each minute, and nothing else is launched
  kit.now += minutes(1);
  await kit.reconcile();
  expect(stops()).toHaveLength(3);
  expect(kit.ecs.tasks.size).toBe(2);
  await kit.invoke(kit.ecs.settle()[0]);
  expect(kit.output.statusesOf('silent')).toEqual(['running', 'failed']);
});

test('finding 8: poison control records go to the dead-letter topic with their bytes; the batch succeeds', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
  const poison = kit.record(garbage, 'k');
  const invalid = kit.record({ type: 'stream-init', version: 1, streamId: 'x y', createdAt: new Date(T0).toISOString(), source: { kind: 'push' } });
  const summary = await kit.invoke(kit.batch(poison, invalid, kit.init('good'), kit.init('nobody', ['no-such-engine'])));
  expect(summary).toMatchObject({ records: 4, malformed: 3, opened: 1 });
  expect(kit.output.deadLetters).toHaveLength(3);
  expect(kit.output.deadLetters[0].record.value).toEqual(garbage);
  expect(kit.output.deadLetters[1].error).toContain('/streamId must match');
  expect(kit.output.deadLetters[2].error).toContain('no-such-engine');
  expect(kit.liveTasksOf('good')).toHaveLength(1);
  expect(kit.emf.at(-1)).toMatchObject({ MalformedControlMessages: 3 });
  // when the dead-letter topic cannot be written, the batch fails (and is retried) rather than dropping the record
  kit.output.failing = true;
  await expect(kit.invoke(kit.batch(kit.record(garbage)))).rejects.toThrow(/Kafka is unreachable/);
});

test('a stream with two engines holds one slot; every engine gets its own task', async () => {
  const kit = await CoordinatorKit.create(dynamo, { engines: ['transcribe', 'faces'], maxConcurrentStreams: 1 });
  await kit.invoke(kit.batch(kit.init('two'), kit.init('later')));
  expect(kit.liveTasksOf('two')).toHaveLength(2);
  expect(kit.liveTasksOf('later')).toHaveLength(0);
  kit.ecs.startAll();
  const [a, b] = kit.liveTasksOf('two');
  await kit.invoke(kit.ecs.exit(a, 0));
  expect(kit.liveTasksOf('later')).toHaveLength(0); // one engine still runs
  await kit.invoke(kit.ecs.exit(b, 0));
  expect(kit.liveTasksOf('later')).toHaveLength(2);
});

test('a lost task-stopped event is made up by the reconciler (DescribeTasks)', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1 });
  await kit.invoke(kit.batch(kit.init('quiet'), kit.init('behind')));
  kit.ecs.startAll();
  kit.ecs.exit(kit.liveTasksOf('quiet')[0], 0); // its event never arrives
  await kit.reconcile();
  expect(kit.output.statusesOf('quiet')).toEqual(['running', 'finished']);
  expect(kit.liveTasksOf('behind')).toHaveLength(1);
});

test('two invocations at once: one runs the scheduler, the other leaves it to the holder, and nothing is launched twice', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 3 });
  const results = await Promise.all([
    kit.invoke(kit.batch(kit.init('p1'), kit.init('p2'))),
    kit.invoke(kit.batch({ ...kit.init('p3'), partition: 1 }, { ...kit.init('p4'), partition: 1 })),
  ]);
  expect(results.filter((r) => r.scheduler).length).toBeGreaterThanOrEqual(1);
  await kit.reconcile();
  expect(kit.streamsWithLiveTasks().size).toBe(3);
  expect(kit.ecs.tasks.size).toBe(3);
  expect(['p1', 'p2', 'p3'].every((s) => kit.liveTasksOf(s).length === 1)).toBe(true);
  expect(T0).toBeLessThanOrEqual(kit.now);
});

test('each task is told where its stream is (the partition of its key, the time it starts) and exit 65 fails the stream without a relaunch', async () => {
  const kit = await CoordinatorKit.create(dynamo);
  await kit.invoke(kit.batch(kit.init('cam-routing')));
  const [task] = kit.ecs.live();
  expect(task.env.ENGINE_STREAM_PARTITIONS).toBe(`media.raw-streams:${partitionForKey('cam-routing', 12)}`);
  expect(Number(task.env.ENGINE_START_TIMESTAMP_MS)).toBe(T0 - STREAM_START_MARGIN_MS);
  kit.ecs.startAll();
  const summary = await kit.invoke(kit.ecs.exit(task.arn, 65));
  expect(summary.scheduler).toMatchObject({ failed: 1, relaunches: 0, launched: 0 });
  expect(kit.output.statuses.find((m) => m.streamId === 'cam-routing' && m.status === 'failed')!.reason).toContain('code 65');
});

test('an invocation whose passes keep finding new work gives the lease up when it stops, so the next event runs the scheduler at once', async () => {
  const kit = await CoordinatorKit.create(dynamo, { maxConcurrentStreams: 1 });
  await kit.invoke(kit.batch(kit.init('busy'), kit.init('next')));
  kit.ecs.startAll();
  // an event is recorded during every pass (as when RunTask answers slowly and task-stopped events keep coming)
  const otherEvents = new SchedulerLease(kit.doc, kit.table, 'other-invocation', () => kit.now);
  const describe = kit.ecs.describeTasks.bind(kit.ecs);
  kit.ecs.describeTasks = async (input) => {
    await otherEvents.markDirty();
    return describe(input);
  };
  expect((await kit.reconcile()).scheduler).toBeDefined();
  kit.ecs.describeTasks = describe;
  kit.now += 1_000; // well within the lease's 60 s
  kit.ecs.exit(kit.liveTasksOf('busy')[0], 0);
  const after = await kit.reconcile();
  expect(after.scheduler).toMatchObject({ finished: 1, launched: 1 });
  expect(kit.liveTasksOf('next')).toHaveLength(1);
});
