import { ChildProcess, spawn } from 'node:child_process';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { commitAll, engineConfig, outcome, ScalerHarness, SeparateBroker, waitFor } from './kafka-faults-kit';
import type { ChunkResultMessage, MediaChunkMessage } from '../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { readTopicMessageCount } from '../../src/stream-engine-pipeline/runtime/lag-reader';
import { startDynalite, LocalDynamo } from '../helpers/dynalite';
import { ensureKafka, runKafkaCli } from '../helpers/kafka-broker';
import { createRegistryTable, createTopic, newAdmin, objectEngineMain, produceKeyed, uniqueName } from './runtime/lag-scaler-kit';

// Kafka faults, against real brokers (ECS is mocked at its API boundary by FakeEcs: there is no
// local ECS). The scaler's clock is driven by the test (ScalerHarness), so cooldowns pass without
// waiting and nothing here asserts a duration.
//
// Duplicate stream-init is not repeated here: test/stream-engine-pipeline/runtime/coordinator.test.ts,
// "stream-init launches exactly one task per stream x engine" (an init twice in one batch, the
// batch redelivered, and two invocations at once) already proves it through a real broker.

const PARTITIONS = 4;

let bootstrap: string;
let admin: Admin;
let dynamo: LocalDynamo;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap, 'kafka-faults');
  dynamo = await startDynalite();
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await dynamo?.stop();
});

async function harness(broker: string, brokerAdmin: Admin, engines: ReturnType<typeof engineConfig>[]): Promise<ScalerHarness> {
  const deadLetter = uniqueName('faults-dead-letter');
  await createTopic(brokerAdmin, deadLetter, 1);
  return new ScalerHarness(broker, dynamo, await createRegistryTable(dynamo.client), engines, deadLetter);
}

describe('broker stopped mid-poll (a separate broker on its own port)', () => {
  // never the shared broker of the run: this one is stopped and restarted
  const broker = new SeparateBroker(Number(process.env.KAFKA_FAULTS_PORT ?? 19392));
  let brokerAdmin: Admin | undefined;

  beforeAll(async () => {
    await broker.start();
    brokerAdmin = newAdmin(broker.bootstrap, 'kafka-faults-separate');
  }, 240_000);

  afterAll(async () => {
    await brokerAdmin?.close().catch(() => undefined);
    await broker.stop(); // broker.sh stop: stops the (restarted) JVM and deletes its data
    expect(broker.pid()).toBeUndefined();
  }, 60_000);

  test('KEDA #5438: the count is kept (never scaled to the maximum or to zero) and LagReadFailures=1 while it is down; lag is read again after the restart', async () => {
    const topic = uniqueName('faults-outage');
    await createTopic(brokerAdmin!, topic, PARTITIONS);
    const engine = engineConfig('outage', topic, { scaleInCooldownSeconds: 1 });
    const h = await harness(broker.bootstrap, brokerAdmin!, [engine]);
    try {
      await produceKeyed(broker.bootstrap, topic, 150);

      // real lag: 150 at 50 per task -> 3 tasks
      const out = await h.poll();
      expect(outcome(out, 'outage')).toMatchObject({ lag: 150, action: 'scale-out', desired: 3, updated: true });
      expect(out.lagReadFailuresMetric).toBe(0);

      // the broker goes away while the scaler keeps polling (the clock jumps 5 s a poll: far
      // past the 1 s scale-in cooldown, so a failure mistaken for "lag 0" would scale in)
      let stopPolling = false;
      const loop = (async () => {
        const seen = [];
        while (!stopPolling) {
          seen.push(await h.poll(5_000));
          if (seen.filter((p) => !p.result.kafkaReadable).length >= 3) {
            break;
          }
        }
        return seen;
      })();
      let seen;
      const limit = setTimeout(() => (stopPolling = true), 60_000); // bounded: the loop ends anyway
      try {
        await waitFor('a poll of the loop', async () => (h.polls.length > 1 ? true : undefined), 30_000, 20);
        await broker.kill();
        seen = await loop;
      } finally {
        stopPolling = true;
        clearTimeout(limit);
        await loop.catch(() => undefined);
      }
      const failed = seen.filter((p) => !p.result.kafkaReadable);
      expect(failed.length).toBeGreaterThanOrEqual(3);
      for (const poll of failed) {
        expect(poll.result.lagReadFailures).toBe(1);
        expect(poll.lagReadFailuresMetric).toBe(1);
        expect(outcome(poll, 'outage')).toMatchObject({ current: 3, desired: 3, action: 'no-data', updated: false });
        expect(outcome(poll, 'outage').lag).toBeUndefined();
        expect(outcome(poll, 'outage').reason).toMatch(/lag unknown \(Kafka unreadable: .+\): keeping 3 tasks/);
      }
      expect(h.log.withMessage('Kafka could not be read, keeping every task count')).toContainEqual({
        level: 'error', message: 'Kafka could not be read, keeping every task count', fields: { pipeline: 'faults', error: expect.stringMatching(/.+/) },
      });
      expect(h.ecs.updates()).toEqual([{ service: 'outage-service', desiredCount: 3 }]);
      expect(h.desired('outage')).toBe(3);

      // the same broker (same data dir, same port) comes back: the same lag is read again
      await broker.restart();
      const back = await h.pollUntil('the scaler to read lag after the restart', (p) => p.result.kafkaReadable, 90_000, 5_000);
      expect(back.lagReadFailuresMetric).toBe(0);
      expect(outcome(back, 'outage')).toMatchObject({ lag: 150, partitions: PARTITIONS, desired: 3, action: 'hold' });

      // and decisions resume: the backlog is consumed -> scale in once the cooldown has passed
      await commitAll(brokerAdmin!, engine.consumerGroup, topic, PARTITIONS);
      const idle = await h.poll(0);
      expect(outcome(idle, 'outage')).toMatchObject({ lag: 0, action: 'hold', desired: 3 });
      const scaledIn = await h.poll(1_000);
      expect(outcome(scaledIn, 'outage')).toMatchObject({ lag: 0, action: 'scale-in', desired: 0, updated: true });
      expect(h.ecs.updates()).toEqual([{ service: 'outage-service', desiredCount: 3 }, { service: 'outage-service', desiredCount: 0 }]);
    } finally {
      await h.close();
    }
  }, 200_000);
});

test('a deleted input topic fails only its own engine; the other engine keeps scaling', async () => {
  const gone = uniqueName('faults-gone');
  const kept = uniqueName('faults-kept');
  await createTopic(admin, gone, PARTITIONS);
  await createTopic(admin, kept, PARTITIONS);
  const a = engineConfig('gone', gone, { scaleInCooldownSeconds: 1 });
  const b = engineConfig('kept', kept, { scaleInCooldownSeconds: 1 });
  const h = await harness(bootstrap, admin, [a, b]);
  try {
    await produceKeyed(bootstrap, gone, 100);
    await produceKeyed(bootstrap, kept, 100);
    const first = await h.poll();
    expect(outcome(first, 'gone')).toMatchObject({ lag: 100, action: 'scale-out', desired: 2 });
    expect(outcome(first, 'kept')).toMatchObject({ lag: 100, action: 'scale-out', desired: 2 });

    await admin.deleteTopics({ topics: [gone] });
    // more work for the other engine while its neighbour's topic is gone
    await produceKeyed(bootstrap, kept, 100);
    const missing = await h.pollUntil(`${gone} to be reported missing`, (p) => outcome(p, 'gone').lag === undefined, 30_000);
    // every poll since the delete: the other engine's lag was read (a topic being deleted never
    // makes the whole read fail)
    for (const poll of h.polls) {
      expect(poll.result.kafkaReadable).toBe(true);
      expect(outcome(poll, 'kept').lag).toBeDefined();
    }
    expect(missing.result.lagReadFailures).toBe(1);
    expect(missing.lagReadFailuresMetric).toBe(1);
    expect(outcome(missing, 'gone')).toMatchObject({ current: 2, desired: 2, action: 'no-data', updated: false });
    expect(outcome(missing, 'gone').reason).toContain(`topic ${gone} does not exist`);
    expect(outcome(missing, 'kept')).toMatchObject({ lag: 200, desired: 4 });
    expect(h.desired('kept')).toBe(4);

    // the other engine drains and scales in after its cooldown; the failed one is left as it was
    await commitAll(admin, b.consumerGroup, kept, PARTITIONS);
    expect(outcome(await h.poll(0), 'kept')).toMatchObject({ lag: 0, action: 'hold', desired: 4 });
    const scaledIn = await h.poll(1_000);
    expect(outcome(scaledIn, 'kept')).toMatchObject({ lag: 0, action: 'scale-in', desired: 0, updated: true });
    expect(outcome(scaledIn, 'gone')).toMatchObject({ action: 'no-data', desired: 2, updated: false });
    expect(outcome(scaledIn, 'gone').reason).toContain(gone);
    expect(h.desired('gone')).toBe(2);
    expect(h.ecs.updates().filter((u) => u.service === 'gone-service')).toEqual([{ service: 'gone-service', desiredCount: 2 }]);
  } finally {
    await h.close();
  }
}, 90_000);

test('a consumer group reset to earliest scales out; reset to latest scales in only after the cooldown', async () => {
  const topic = uniqueName('faults-reset');
  await createTopic(admin, topic, PARTITIONS);
  const engine = engineConfig('reset', topic, { scaleInCooldownSeconds: 30 });
  const h = await harness(bootstrap, admin, [engine]);
  const resetGroup = (to: '--to-earliest' | '--to-latest') => runKafkaCli('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
    '--bootstrap-server', bootstrap, '--group', engine.consumerGroup, '--topic', topic, '--reset-offsets', to, '--execute',
  ]);
  try {
    await produceKeyed(bootstrap, topic, 200);
    await commitAll(admin, engine.consumerGroup, topic, PARTITIONS);
    const caughtUp = await h.poll();
    expect(outcome(caughtUp, 'reset')).toMatchObject({ lag: 0, uncommittedPartitions: 0, action: 'hold', desired: 0 });

    // the operator's tool, as an operator would run it
    await resetGroup('--to-earliest');
    const out = await h.pollUntil('the reset to be read', (p) => (outcome(p, 'reset').lag ?? 0) > 0, 30_000);
    expect(outcome(out, 'reset')).toMatchObject({ lag: 200, uncommittedPartitions: 0, action: 'scale-out', desired: 4, updated: true });

    await resetGroup('--to-latest');
    const zero = await h.pollUntil('the second reset to be read', (p) => outcome(p, 'reset').lag === 0, 30_000);
    expect(outcome(zero, 'reset')).toMatchObject({ action: 'hold', desired: 4, updated: false });
    expect(outcome(zero, 'reset').reason).toMatch(/of the 30 s cooldown: keeping 4 tasks/);
    expect(outcome(await h.poll(29_000), 'reset')).toMatchObject({ lag: 0, action: 'hold', desired: 4 });
    expect(outcome(await h.poll(1_000), 'reset')).toMatchObject({ lag: 0, action: 'scale-in', desired: 0, updated: true });
    expect(h.ecs.updates()).toEqual([{ service: 'reset-service', desiredCount: 4 }, { service: 'reset-service', desiredCount: 0 }]);
  } finally {
    await h.close();
  }
}, 120_000);

describe('poison messages in the object engine template', () => {
  let engineFile: string;
  beforeAll(() => {
    engineFile = objectEngineMain();
  }, 120_000);

  interface Consumed {
    readonly key?: string;
    readonly value: Buffer;
    readonly headers: Map<string, string>;
    readonly partition: number;
    readonly offset: bigint;
  }

  /** Reads `topic` from the start until `count` records that `keep` accepts arrived (or the timeout). */
  async function readRecords(topic: string, count: number, timeoutMs: number, keep: (record: Consumed) => boolean = () => true): Promise<Consumed[]> {
    const kafka = loadKafka();
    const consumer = new kafka.Consumer({
      clientId: 'faults-reader',
      bootstrapBrokers: [bootstrap],
      groupId: uniqueName('faults-reader'),
      deserializers: { ...kafka.stringDeserializers, value: (v?: Buffer) => v ?? Buffer.alloc(0) },
      maxWaitTime: 200,
    });
    const records: Consumed[] = [];
    const stream = await consumer.consume({ topics: [topic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
    stream.on('error', () => undefined);
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    try {
      for await (const m of stream) {
        const record = { key: m.key, value: m.value, headers: m.headers, partition: m.partition, offset: m.offset };
        if (keep(record)) {
          records.push(record);
        }
        if (records.length >= count) {
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => undefined);
      await consumer.close(true);
    }
    return records;
  }

  test('a non-JSON and a schema-invalid message go to the dead-letter topic with their bytes; the engine goes on', async () => {
    const objects = uniqueName('faults-objects');
    const results = uniqueName('faults-results');
    const deadLetter = uniqueName('faults-dlq');
    await createTopic(admin, objects, 1); // one partition: the order below is the order read
    await createTopic(admin, results, 1);
    await createTopic(admin, deadLetter, 1);

    const chunk = (i: number): MediaChunkMessage => ({
      type: 'media-chunk',
      version: 1,
      streamId: 'cam-1',
      chunkId: `chunk-${i}`,
      seq: i,
      startOffsetMs: i * 1000,
      endOffsetMs: i * 1000 + 1000,
      mimeType: 'video/mp4',
      data: Buffer.from(`chunk ${i}`).toString('base64'),
    });
    const notJson = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x6e, 0x6f, 0x74, 0x20, 0x4a, 0x53, 0x4f, 0x4e]); // '{', invalid UTF-8, NUL, 'not JSON'
    const { chunkId: _dropped, ...noChunkId } = chunk(99);
    const schemaInvalid = Buffer.from(JSON.stringify(noChunkId));
    const kafka = loadKafka();
    const producer = new kafka.Producer({ clientId: 'faults-poison', bootstrapBrokers: [bootstrap], idempotent: true });
    try {
      const good = (from: number, to: number) => Array.from({ length: to - from }, (_, k) =>
        ({ topic: objects, key: Buffer.from('cam-1'), value: Buffer.from(JSON.stringify(chunk(from + k))) }));
      await producer.send({
        messages: [
          ...good(0, 5),
          { topic: objects, key: Buffer.from('cam-1'), value: notJson }, // offset 5
          { topic: objects, key: Buffer.from('cam-1'), value: schemaInvalid }, // offset 6
          ...good(5, 10),
        ],
      });
    } finally {
      await producer.close();
    }

    const task: ChildProcess = spawn(process.execPath, [engineFile], {
      env: {
        PATH: process.env.PATH ?? '',
        ENGINE_NAME: 'detector',
        ENGINE_INPUT_TOPICS: objects,
        ENGINE_OUTPUT_TOPIC: results,
        ENGINE_DEAD_LETTER_TOPIC: deadLetter,
        ENGINE_CONSUMER_GROUP: uniqueName('faults-detector'),
        KAFKA_BOOTSTRAP_BROKERS: bootstrap,
        KAFKA_AUTH_MODE: 'plaintext',
        PLACEHOLDER_MODEL_DELAY_MS: '5',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    task.stdout!.on('data', (d) => (output += d));
    task.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => task.once('exit', (code) => resolve(code)));
    let exitCode: number | null;
    let resultRecords: Consumed[];
    let deadLetters: Consumed[];
    try {
      // every input gets a result (10 successes, 2 errors), and both poison messages a dead letter;
      // the engine's heartbeats on the results topic are not results
      resultRecords = await readRecords(results, 12, 45_000, (r) => JSON.parse(r.value.toString('utf-8')).type === 'chunk-result');
      deadLetters = await readRecords(deadLetter, 2, 15_000);
    } finally {
      task.kill('SIGTERM');
      const timer = setTimeout(() => task.kill('SIGKILL'), 10_000);
      exitCode = await exited;
      clearTimeout(timer);
    }
    const parsed = resultRecords.map((r) => JSON.parse(r.value.toString('utf-8')) as ChunkResultMessage);
    expect({ count: parsed.length, log: parsed.length < 12 ? output : '' }).toEqual({ count: 12, log: '' });
    // the messages after the poison ones were processed too, in order
    expect(parsed.filter((r) => r.status === 'success').map((r) => r.chunkId)).toEqual(Array.from({ length: 10 }, (_, i) => `chunk-${i}`));
    const errors = parsed.filter((r) => r.status === 'error');
    expect(errors.map((r) => r.chunkId)).toEqual(['offset-0-5', 'offset-0-6']);
    expect(errors[0].error).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringMatching(/^not JSON/) });
    expect(errors[1].error).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringMatching(/chunkId/) });

    expect(deadLetters).toHaveLength(2);
    const [first, second] = deadLetters;
    expect(first.value.equals(notJson)).toBe(true); // the original bytes, not a UTF-8 round trip
    expect(second.value.equals(schemaInvalid)).toBe(true);
    expect(first.key).toBe('cam-1');
    for (const [record, offset, error] of [[first, '5', /^not JSON/], [second, '6', /chunkId/]] as const) {
      expect(Object.fromEntries(record.headers)).toMatchObject({
        'dead-letter.engine': 'detector',
        'dead-letter.source-topic': objects,
        'dead-letter.source-partition': '0',
        'dead-letter.source-offset': offset,
      });
      expect(record.headers.get('dead-letter.error')).toMatch(error);
    }
    // what the lag scaler reports as DeadLetterMessages
    expect(await readTopicMessageCount(admin, deadLetter)).toBe(2);
    expect({ exitCode, log: exitCode !== 0 ? output : '' }).toEqual({ exitCode: 0, log: '' });
  }, 120_000);
});
