/**
 * ECS task scale-in protection in the object engine templates (typescript-object-engine and
 * python-object-engine), run as ECS runs them against the real local Kafka broker.
 *
 * Mocked: only the ECS agent, which has no local implementation: FakeEcsAgent answers the task
 * protection endpoint the engine reaches through ECS_AGENT_URI (one URI per task, as on ECS), and
 * ProtectionAwareService stands in for an ECS service scaling in (it stops unprotected tasks
 * first and never a protected one, as ECS does).
 */
import * as path from 'node:path';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { buildTemplate } from './engine-templates';
import { FakeEcsAgent, ProtectionRequest } from './fake-ecs-agent';
import { committedOffsets, createTopics, enginePython, EngineProcess, javaPartition, LogLine, OBJECT_TEMPLATE, produce, readAll } from './python-engines-kit';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { ensureKafkaBroker, KafkaBroker } from '../helpers/kafka-broker';

jest.setTimeout(120_000);

/** The templates' settings (scale-in-protection.ts / scale_in_protection.py). */
const IDLE_MS = 5_000;
const EXPIRES_IN_MINUTES = 5;
const REQUEST_TIMEOUT_MS = 5_000;
const RETRY_AFTER_MS = 5_000;

let broker: KafkaBroker;
let admin: Admin;
let agent: FakeEcsAgent;
let typescriptEngine: string;
let python: string;
let counter = 0;
const run = `protection-${process.pid}-${Date.now()}`;
const unique = (name: string) => `${run}-${++counter}-${name}`;

beforeAll(async () => {
  broker = await ensureKafkaBroker();
  admin = new (loadKafka().Admin)({ clientId: 'scale-in-protection-test', bootstrapBrokers: [broker.bootstrap] });
  agent = await FakeEcsAgent.start();
  typescriptEngine = buildTemplate('typescript-object-engine');
  python = await enginePython();
}, 900_000);

afterEach(() => {
  for (const engine of EngineProcess.running) engine.kill('SIGKILL');
  agent.behaviour = 'answer';
});

afterAll(async () => {
  await agent?.close();
  await admin?.close();
});

type EngineName = 'typescript-object-engine' | 'python-object-engine';

/** Starts a task of the template; every chunk takes the model at least `modelDelayMs`. */
function startEngine(engine: EngineName, env: Record<string, string>, modelDelayMs: number): EngineProcess {
  if (engine === 'typescript-object-engine') {
    return new EngineProcess(process.execPath, [path.join(typescriptEngine, 'dist', 'main.js')], typescriptEngine,
      { ...env, PLACEHOLDER_MODEL_DELAY_MS: String(modelDelayMs) });
  }
  // the template's placeholder model, made slower, in the engine's own process
  const slowModel = [
    'import runpy, time',
    'from object_engine.model import ChunkModel',
    'analyse = ChunkModel.analyse',
    'def slow(self, chunk, data):',
    `    time.sleep(${modelDelayMs / 1000})`,
    '    return analyse(self, chunk, data)',
    'ChunkModel.analyse = slow',
    "runpy.run_module('object_engine', run_name='__main__')",
  ].join('\n');
  return new EngineProcess(python, ['-c', slowModel], OBJECT_TEMPLATE, env);
}

interface Setup { objects: string; results: string; deadLetter: string; group: string }

async function setup(objectPartitions: number): Promise<Setup> {
  const s = { objects: unique('objects'), results: unique('results'), deadLetter: unique('dead-letter'), group: unique('group') };
  await createTopics(broker.bootstrap, { [s.objects]: objectPartitions, [s.results]: 1, [s.deadLetter]: 1 });
  return s;
}

function engineEnv(s: Setup, task: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_BROKERS: broker.bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    ENGINE_NAME: 'detector',
    ENGINE_INPUT_TOPICS: s.objects,
    ENGINE_OUTPUT_TOPIC: s.results,
    ENGINE_DEAD_LETTER_TOPIC: s.deadLetter,
    ENGINE_CONSUMER_GROUP: s.group,
    ENGINE_OFFSET_RESET: 'earliest',
    ENGINE_HEARTBEAT_INTERVAL_SECONDS: '30',
    ENGINE_TASK_ID: task,
    ECS_AGENT_URI: agent.uriFor(task),
    ...extra,
  };
}

const mediaChunk = (streamId: string, seq: number) => JSON.stringify({
  type: 'media-chunk',
  version: 1,
  streamId,
  chunkId: `${streamId}-chunk-${seq}`,
  seq,
  startOffsetMs: seq * 1000,
  endOffsetMs: (seq + 1) * 1000,
  mimeType: 'image/jpeg',
  data: Buffer.from(`frame ${seq}`).toString('base64'),
});

/** `count` chunks of one stream, from seq `first` on. */
async function produceChunks(s: Setup, streamId: string, first: number, count: number): Promise<void> {
  await produce(broker.bootstrap, s.objects, Array.from({ length: count }, (_, k) => ({ key: streamId, value: mediaChunk(streamId, first + k) })));
}

/** The chunk-results so far, with `at` in epoch ms. */
async function chunkResults(s: Setup): Promise<Array<{ chunkId: string; at: number }>> {
  return (await readAll(broker.bootstrap, s.results, 1))
    .map((r) => JSON.parse(r.value.toString('utf-8')))
    .filter((m) => m.type === 'chunk-result')
    .map((m) => {
      expect(m).toMatchObject({ status: 'success', engine: 'detector' });
      return { chunkId: m.chunkId, at: Date.parse(m.at) };
    });
}

/** Polls `probe` until it gives a value (not undefined or false); on timeout the error shows the engines' logs. */
async function waitFor<T>(
  what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, engines: EngineProcess[] = [],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; engines:\n${engines.map((e) => e.describe()).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the group is stable with `members` members (partitions assigned). */
async function groupStable(group: string, members: number, engines: EngineProcess[]): Promise<void> {
  await waitFor(`group ${group} stable with ${members} members`, async () => {
    const described = (await admin.describeGroups({ groups: [group] })).get(group);
    return described?.state === 'STABLE' && described.members.size === members;
  }, 30_000, engines);
}

async function resultsFor(s: Setup, count: number, engines: EngineProcess[]): Promise<Array<{ chunkId: string; at: number }>> {
  return waitFor(`${count} chunk-results`, async () => {
    const results = await chunkResults(s);
    return results.length >= count ? results : undefined;
  }, 60_000, engines);
}

const isLog = (message: string) => (line: LogLine) => line.message === message;
const enabling = (r: ProtectionRequest) => r.body?.ProtectionEnabled === true;

async function stopAndExpectExit0(engine: EngineProcess, withinMs: number): Promise<void> {
  const sent = Date.now();
  engine.kill('SIGTERM');
  const code = await engine.exitCode(withinMs);
  expect({ code, logs: code === 0 ? '' : engine.describe() }).toEqual({ code: 0, logs: '' });
  expect(Date.now() - sent).toBeLessThan(withinMs);
}

describe.each(['typescript-object-engine', 'python-object-engine'] as const)('%s', (engineName) => {
  test('a burst is processed protected: one call to protect (ExpiresInMinutes) and one to unprotect after idling, whatever the number of chunks', async () => {
    const s = await setup(2);
    const task = unique('task');
    const engine = startEngine(engineName, engineEnv(s, task), 50);
    await groupStable(s.group, 1, [engine]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(agent.requestsOf(task)).toEqual([]); // idle: never protected

    const bursts = [60, 10];
    let produced = 0;
    for (const [i, size] of bursts.entries()) {
      const before = new Set((await chunkResults(s)).map((r) => r.chunkId));
      await produceChunks(s, 'cam-1', produced, size);
      produced += size;
      const results = await resultsFor(s, produced, [engine]);
      const lastAt = Math.max(...results.map((r) => r.at));
      const unprotect = await waitFor('the request that unprotects the task', () => agent.requestsOf(task).filter((r) => !enabling(r))[i], IDLE_MS + 10_000, [engine]);
      // asked for as the burst's first chunk started; the engine does not wait for the answer, so
      // the first chunks (50 ms each) may be done before the agent has the request: every later one is protected
      const burst = results.filter((r) => !before.has(r.chunkId));
      const protect = agent.requestsOf(task).filter(enabling)[i];
      expect(protect.at - Math.min(...burst.map((r) => r.at))).toBeLessThan(500);
      const unprotected = burst.filter((r) => !agent.isProtected(task, r.at));
      expect(unprotected.every((r) => r.at < protect.at)).toBe(true);
      expect(unprotected.length).toBeLessThan(burst.length); // protected while the burst was under way
      // unprotected once it had been idle for IDLE_MS (checked at most every 500 ms, then the request)
      expect(unprotect.at - lastAt).toBeGreaterThanOrEqual(IDLE_MS);
      expect(unprotect.at - lastAt).toBeLessThan(IDLE_MS + 3_000);
      expect(agent.isProtected(task)).toBe(false);
    }

    // 70 chunks, two bursts: protect and unprotect each time, not a call per chunk
    const requests = agent.requestsOf(task);
    expect(requests.map((r) => r.body)).toEqual([
      { ProtectionEnabled: true, ExpiresInMinutes: EXPIRES_IN_MINUTES }, { ProtectionEnabled: false },
      { ProtectionEnabled: true, ExpiresInMinutes: EXPIRES_IN_MINUTES }, { ProtectionEnabled: false },
    ]);
    for (const r of requests) {
      expect(r).toMatchObject({ method: 'PUT', path: `/api/${task}/task-protection/v1/state`, contentType: 'application/json' });
    }
    // the engine logs a change once the agent has answered, just after the agent saw the request
    const protectionLog = () => engine.logs.filter((l) => l.message?.startsWith('scale-in protection')).map((l) => l.message);
    await waitFor('the engine to log the last answer', () => protectionLog().length >= 4 || undefined, 5_000, [engine]);
    expect(protectionLog()).toEqual([
      'scale-in protection on', 'scale-in protection off', 'scale-in protection on', 'scale-in protection off',
    ]);
    await stopAndExpectExit0(engine, 10_000);
  });

  test.each([
    ['fail-500', '500: {"error":{'],
    ['task-not-valid', '200: {"failure":{'],
  ] as const)('an agent that answers %s: every chunk is processed at full speed, the failures are logged and retried no more than every 5 s', async (behaviour, answer) => {
    agent.behaviour = behaviour;
    const s = await setup(1);
    const task = unique('task');
    const engine = startEngine(engineName, engineEnv(s, task), 50);
    await groupStable(s.group, 1, [engine]);
    const chunks = 30;
    const producedAt = Date.now();
    await produceChunks(s, 'cam-2', 0, chunks);
    const results = await resultsFor(s, chunks, [engine]);
    // the model alone takes chunks x 50 ms; waiting once for the agent would add REQUEST_TIMEOUT_MS or more
    expect(Math.max(...results.map((r) => r.at)) - producedAt).toBeLessThan(chunks * 50 + 4_000);
    await waitFor('a retry', () => agent.requestsOf(task).length >= 2, RETRY_AFTER_MS + 5_000, [engine]);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS)); // idle: it stops asking

    const requests = agent.requestsOf(task);
    expect(requests.length).toBeLessThanOrEqual(3);
    expect(requests.every(enabling)).toBe(true); // never confirmed, so nothing to take back
    expect(engine.logs.filter((l) => l.message === 'scale-in protection on')).toEqual([]);
    for (let i = 1; i < requests.length; i++) {
      expect(requests[i].at - requests[i - 1].at).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 100);
    }
    const warnings = engine.logs.filter(isLog('scale-in protection not updated; the engine goes on'));
    expect(warnings).toHaveLength(requests.length);
    expect(String(warnings[0].error)).toContain(`the ECS agent answered ${answer}`);
    await stopAndExpectExit0(engine, 10_000);
    expect(new Set((await chunkResults(s)).map((r) => r.chunkId)).size).toBe(chunks);
  });

  test('an agent that never answers: every chunk is processed at full speed, the request is given up after 5 s, and SIGTERM does not wait for one', async () => {
    agent.behaviour = 'hang';
    const s = await setup(1);
    const task = unique('task');
    const engine = startEngine(engineName, engineEnv(s, task), 50);
    await groupStable(s.group, 1, [engine]);
    const chunks = 30;
    const producedAt = Date.now();
    await produceChunks(s, 'cam-3', 0, chunks);
    const results = await resultsFor(s, chunks, [engine]);
    expect(Math.max(...results.map((r) => r.at)) - producedAt).toBeLessThan(chunks * 50 + 4_000);

    // the engine gives the request up after REQUEST_TIMEOUT_MS and logs it
    const [first] = agent.requestsOf(task);
    expect(first.body).toEqual({ ProtectionEnabled: true, ExpiresInMinutes: EXPIRES_IN_MINUTES });
    const abandonedAt = await waitFor('the engine giving up the request', () => first.abandonedAt, REQUEST_TIMEOUT_MS + 5_000, [engine]);
    expect(abandonedAt - first.at).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 500); // the timeout starts when the engine sends it
    expect(abandonedAt - first.at).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    await waitFor('the warning', () => engine.logs.find(isLog('scale-in protection not updated; the engine goes on')), 5_000, [engine]);

    // a chunk once the retry delay has passed: a new request, which hangs too; SIGTERM does not wait for it
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, abandonedAt + RETRY_AFTER_MS + 500 - Date.now())));
    await produceChunks(s, 'cam-3', chunks, 1);
    const second = await waitFor('a second request', () => agent.requestsOf(task)[1], 10_000, [engine]);
    expect(second.abandonedAt).toBeUndefined();
    await stopAndExpectExit0(engine, 3_000);
    expect(new Set((await chunkResults(s)).map((r) => r.chunkId)).size).toBe(chunks + 1);
  });

  test('a task busy for longer than ExpiresInMinutes stays protected: renewed by the first chunk 60 s after the last renewal, not by every chunk (a clock the test moves)', async () => {
    const task = unique('task');
    // a chunk every 25 s for 10 minutes, in the template's own ScaleInProtection with a fake clock;
    // each step waits 300 ms (real time) for the request to the agent to end
    const seconds = Array.from({ length: 25 }, (_, i) => i * 25);
    const script = engineName === 'typescript-object-engine'
      ? new EngineProcess(process.execPath, ['--input-type=module', '-e', [
        "import { ScaleInProtection } from './dist/scale-in-protection.js';",
        "import { createLog } from './dist/log.js';",
        'let now = 0;',
        "const log = createLog('renewal');",
        'const protection = new ScaleInProtection(process.env.ECS_AGENT_URI, log, () => now);',
        `for (const second of ${JSON.stringify(seconds)}) {`,
        '  now = second * 1000;',
        "  log.info('chunk', { second });",
        '  protection.working();',
        '  await new Promise((resolve) => setTimeout(resolve, 300));',
        '  protection.done();',
        '}',
        'protection.close();',
      ].join('\n')], typescriptEngine, { ECS_AGENT_URI: agent.uriFor(task) })
      : new EngineProcess(python, ['-c', [
        'import os, time',
        'from object_engine.log import Log',
        'from object_engine.scale_in_protection import ScaleInProtection',
        'now = 0.0',
        'log = Log()',
        "protection = ScaleInProtection(os.environ['ECS_AGENT_URI'], log, clock=lambda: now)",
        `for second in ${JSON.stringify(seconds)}:`,
        '    now = float(second)',
        "    log.info('chunk', second=second)",
        '    protection.working()',
        '    time.sleep(0.3)',
        '    protection.done()',
        '    protection.tick()',
      ].join('\n')], OBJECT_TEMPLATE, { ECS_AGENT_URI: agent.uriFor(task) });
    expect(await script.exitCode(30_000)).toBe(0);

    // the chunk after which each request went out
    const renewedAt: number[] = [];
    let second = -1;
    for (const line of script.logs) {
      if (line.message === 'chunk') second = Number(line.second);
      if (line.message === 'scale-in protection on') renewedAt.push(second);
    }
    // the first chunk, then the first chunk at least 60 s after the last renewal (75, not
    // 50): protection, which runs out EXPIRES_IN_MINUTES after a renewal, never does while chunks come
    expect(renewedAt).toEqual([0, 75, 150, 225, 300, 375, 450, 525, 600]);
    const protect = { ProtectionEnabled: true, ExpiresInMinutes: EXPIRES_IN_MINUTES };
    expect(agent.requestsOf(task).map((r) => r.body)).toEqual(renewedAt.map(() => protect));
  });

  test('SIGTERM while protected (Fargate Spot, StopTask and a task failure stop a protected task too): the chunk at hand is finished and committed, then it exits 0', async () => {
    const s = await setup(1);
    const task = unique('task');
    const engine = startEngine(engineName, engineEnv(s, task), 1_000);
    await groupStable(s.group, 1, [engine]);
    const chunks = 6;
    await produceChunks(s, 'cam-5', 0, chunks);
    await waitFor('the task protected, with a first result', async () => agent.isProtected(task) && (await chunkResults(s)).length >= 1, 20_000, [engine]);
    const before = (await chunkResults(s)).length;
    await stopAndExpectExit0(engine, 10_000);
    const after = new Set((await chunkResults(s)).map((r) => r.chunkId)).size;
    expect(after).toBeGreaterThan(before); // the chunk under way when SIGTERM came
    expect(after).toBeLessThan(chunks); // and then it stopped
    expect(await committedOffsets(broker.bootstrap, s.group, s.objects, 1)).toEqual([after]);
  });

  test('without ECS_AGENT_URI (not on ECS) it says protection is off and processes chunks', async () => {
    const s = await setup(1);
    const { ECS_AGENT_URI: _none, ...env } = engineEnv(s, unique('task'));
    const engine = startEngine(engineName, env, 0);
    await produceChunks(s, 'cam-4', 0, 3);
    await resultsFor(s, 3, [engine]);
    expect(engine.logs.filter((l) => l.message?.startsWith('scale-in protection'))).toEqual([
      expect.objectContaining({ message: 'scale-in protection is off: ECS_AGENT_URI is not set (not on ECS)' }),
    ]);
    await stopAndExpectExit0(engine, 10_000);
  });
});

/**
 * The object engine's ECS service, locally: tasks are engine processes, each with its own agent
 * URI. Scaling in stops unprotected tasks first and never a protected one: what is left waits until
 * a task's protection ends (ECS keeps such a task running and stops it once it is unprotected).
 */
class ProtectionAwareService {
  readonly tasks = new Map<string, EngineProcess>();
  /** Task ids in the order they were sent SIGTERM, with when. */
  readonly stopped: Array<{ task: string; at: number }> = [];
  private desired = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly start: (task: string) => EngineProcess) {}

  scaleTo(count: number): void {
    this.desired = count;
    while (this.tasks.size < count) {
      const task = unique('task');
      this.tasks.set(task, this.start(task));
    }
    this.stopUnprotected();
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private stopUnprotected(): void {
    clearTimeout(this.timer);
    for (const [task, engine] of this.tasks) {
      if (this.tasks.size <= this.desired) return;
      if (!agent.isProtected(task)) {
        engine.kill('SIGTERM');
        this.tasks.delete(task);
        this.stopped.push({ task, at: Date.now() });
      }
    }
    if (this.tasks.size > this.desired) {
      this.timer = setTimeout(() => this.stopUnprotected(), 100);
    }
  }
}

test.each(['typescript-object-engine', 'python-object-engine'] as const)('%s on a scaling-in service: the idle task is stopped, the one busy with chunks keeps them until it is idle', async (engineName) => {
  const s = await setup(2);
  const byTask = new Map<string, EngineProcess>();
  const engines: EngineProcess[] = [];
  const service = new ProtectionAwareService((task) => {
    const engine = startEngine(engineName, engineEnv(s, task), 100);
    byTask.set(task, engine);
    engines.push(engine);
    return engine;
  });
  try {
    service.scaleTo(2);
    await groupStable(s.group, 2, engines);
    // a fetch sent before the rebalance (it waits up to 500 ms at the broker) may still bring the
    // first task records of the partition it gave away: let those end
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // every chunk on partition 0: the task that owns it is busy, the other idle
    let stream = 0;
    while (javaPartition(`cam-${stream}`, 2) !== 0) stream++;
    const streamId = `cam-${stream}`;
    await produceChunks(s, streamId, 0, 40);
    const [busy, idle] = await waitFor('a protected task', () => {
      const ids = [...service.tasks.keys()];
      const protectedOne = ids.find((t) => agent.isProtected(t));
      return protectedOne ? [protectedOne, ids.find((t) => t !== protectedOne)!] : undefined;
    }, 10_000, engines);

    service.scaleTo(1);
    expect(service.stopped.map((x) => x.task)).toEqual([idle]);
    expect(await byTask.get(idle)!.exitCode(10_000)).toBe(0);
    expect(byTask.get(idle)!.logs.find(isLog('stopped'))).toMatchObject(engineName === 'typescript-object-engine' ? { processed: 0 } : { chunks: 0 });
    expect(agent.requestsOf(idle)).toEqual([]);

    // all 40 chunks done by the busy task, which ECS left running
    const results = await resultsFor(s, 40, engines);
    expect(new Set(results.map((r) => r.chunkId)).size).toBe(40);
    expect(service.tasks.has(busy)).toBe(true);

    // idle, it unprotects itself; busy again, it is protected again
    await waitFor('the busy task unprotected', () => !agent.isProtected(busy), IDLE_MS + 10_000, engines);
    const protections = agent.requestsOf(busy).filter(enabling).length;
    await produceChunks(s, streamId, 40, 20);
    await waitFor('the busy task protected again', () => agent.requestsOf(busy).filter(enabling).length > protections, 10_000, engines);
    // scaling to zero while it is busy: it is stopped only once it has unprotected itself
    service.scaleTo(0);
    expect(service.stopped).toHaveLength(1);
    const stopped = await waitFor('the busy task stopped', () => service.stopped[1], 30_000, engines);
    expect(stopped.task).toBe(busy);
    const unprotected = agent.requestsOf(busy).filter((r) => !enabling(r)).pop()!;
    expect(stopped.at).toBeGreaterThanOrEqual(unprotected.at);
    const final = await chunkResults(s);
    expect(new Set(final.map((r) => r.chunkId)).size).toBe(60);
    expect(Math.max(...final.map((r) => r.at))).toBeLessThan(stopped.at);
    for (const engine of engines) {
      const code = await engine.exitCode(10_000);
      expect({ code, logs: code === 0 ? '' : engine.describe() }).toEqual({ code: 0, logs: '' });
    }
  } finally {
    service.close();
  }
});
