/**
 * The Python engine templates (examples/engines/python-stream-engine, python-object-engine)
 * against the real local Kafka broker. Their venv is made by scripts/engines/python-venv.sh from
 * PyPI (several minutes the first time, then reused until a requirements.txt changes), and each
 * engine runs as `python -m <package>` with the engine contract's environment, as ECS starts it.
 *
 * Mocked: only AWS Secrets Manager, which has no local implementation: a local HTTP server answers
 * GetSecretValue and boto3 reaches it through AWS_ENDPOINT_URL_SECRETS_MANAGER. The scram and iam
 * runs go through run-engine-over-sasl-plaintext.py, because the local SASL listener has no TLS
 * and accepts only unsigned OAUTHBEARER tokens (see that file); the real MSK IAM signer is run on
 * its own, offline, with fake credentials. The model-failure tests wrap the templates' placeholder
 * model in the engine's own process (`python -c`), as a team's model would fail.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  committedOffsets, createTopics, enginePython, EngineProcess, javaPartition, LogLine, OBJECT_TEMPLATE, produce, readAll,
  ReadRecord, REPO_ROOT, SASL_PLAINTEXT_RUNNER, STREAM_TEMPLATE,
} from './python-engines-kit';
import { parseMessage } from '../../src/stream-engine-pipeline/runtime/message-validation';
import { ensureKafkaBroker, KafkaBroker } from '../helpers/kafka-broker';

jest.setTimeout(120_000);

let python: string;
let broker: KafkaBroker;
let counter = 0;
const run = `pyeng-${process.pid}-${Date.now()}`;
/** Names unique to this run and test, so nothing is left over from an earlier run. */
const unique = (name: string) => `${run}-${++counter}-${name}`;

beforeAll(async () => {
  broker = await ensureKafkaBroker();
  python = await enginePython();
}, 900_000);

afterEach(() => {
  for (const engine of EngineProcess.running) engine.kill('SIGKILL');
});

const b64 = (text: string) => Buffer.from(text).toString('base64');
const streamData = (streamId: string, seq: number, data = b64(`piece ${seq} of ${streamId}`)) =>
  JSON.stringify({ type: 'stream-data', version: 1, streamId, seq, offsetMs: seq * 40, data });
const endOfStream = (streamId: string, lastSeq: number) =>
  JSON.stringify({ type: 'end-of-stream', version: 1, streamId, lastSeq, at: new Date().toISOString(), reason: 'completed' });
const mediaChunk = (streamId: string, seq: number) => JSON.stringify({
  type: 'media-chunk',
  version: 1,
  streamId,
  chunkId: `${streamId}-chunk-${seq}`,
  seq,
  startOffsetMs: seq * 1000,
  endOffsetMs: (seq + 1) * 1000,
  mimeType: 'image/jpeg',
  data: b64(`frame ${seq}`),
});

/** A message the repository's own validators (ajv, compiled from schemas/) accept, else the test fails. */
function valid(record: ReadRecord): Record<string, any> {
  const parsed = parseMessage(record.value);
  if (!parsed.ok) throw new Error(`invalid message at ${record.partition}@${record.offset}: ${parsed.error}`);
  return parsed.message as unknown as Record<string, any>;
}

/** Waits for the engine's exit and fails with its logs when the code is not the expected one. */
async function expectExit(engine: EngineProcess, expected: number): Promise<void> {
  const code = await engine.exitCode();
  if (code !== expected) throw new Error(`exit code ${code}, expected ${expected}; logs:\n${engine.describe()}`);
}

const isLog = (message: string) => (line: LogLine) => line.message === message;
const counts = (values: unknown[]) => values.reduce<Map<unknown, number>>((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map());

describe('python stream engine', () => {
  const RAW_PARTITIONS = 4;
  const RESULT_PARTITIONS = 7;

  function streamTopics() {
    const topics = { raw: unique('raw'), control: unique('control'), results: unique('results'), deadLetter: unique('dead-letter') };
    const partitions = { [topics.raw]: RAW_PARTITIONS, [topics.control]: 1, [topics.results]: RESULT_PARTITIONS, [topics.deadLetter]: 1 };
    return { topics, create: () => createTopics(broker.bootstrap, partitions) };
  }

  function contractEnv(topics: ReturnType<typeof streamTopics>['topics'], streamId: string, startTimestampMs: number, extra: Record<string, string> = {}) {
    return {
      KAFKA_BOOTSTRAP_BROKERS: broker.bootstrap,
      KAFKA_AUTH_MODE: 'plaintext',
      ENGINE_NAME: 'py-stream-test',
      STREAM_ID: streamId,
      ENGINE_INPUT_TOPICS: topics.raw,
      ENGINE_STREAM_PARTITIONS: `${topics.raw}:${javaPartition(streamId, RAW_PARTITIONS)}`,
      ENGINE_START_TIMESTAMP_MS: String(startTimestampMs),
      ENGINE_OUTPUT_TOPIC: topics.results,
      ENGINE_CONTROL_TOPIC: topics.control,
      ENGINE_DEAD_LETTER_TOPIC: topics.deadLetter,
      ENGINE_CONSUMER_GROUP: `${topics.raw}.${streamId}`,
      ENGINE_HEARTBEAT_INTERVAL_SECONDS: '1',
      ENGINE_LAUNCH_ATTEMPT: '1',
      ENGINE_TASK_ID: 'task-1',
      ...extra,
    };
  }

  const startStreamEngine = (env: Record<string, string>) => new EngineProcess(python, ['-m', 'stream_engine'], STREAM_TEMPLATE, env);

  /** The engine-outputs of the results topic: each valid, keyed and partitioned by its stream id (Java partitioner). */
  async function engineOutputs(topic: string, streamId: string): Promise<Array<Record<string, any>>> {
    const records = await readAll(broker.bootstrap, topic, RESULT_PARTITIONS);
    for (const record of records) {
      expect(record.key).toBe(streamId);
      expect(record.partition).toBe(javaPartition(streamId, RESULT_PARTITIONS));
    }
    return records.map(valid).map((m) => {
      expect(m).toMatchObject({ type: 'engine-output', streamId, engine: 'py-stream-test' });
      return m;
    });
  }

  test('reads only its stream from ENGINE_START_TIMESTAMP_MS: one engine-output per stream-data, poison dead-lettered, heartbeats, exit 0 at end-of-stream', async () => {
    const { topics, create } = streamTopics();
    await create();
    const streamId = unique('stream');
    const partition = javaPartition(streamId, RAW_PARTITIONS);
    // another stream on the same partition (records the engine reads and skips), and one elsewhere
    let i = 0;
    while (javaPartition(`${streamId}-other-${i}`, RAW_PARTITIONS) !== partition) i++;
    const samePartitionStream = `${streamId}-other-${i}`;
    let j = 0;
    while (javaPartition(`${streamId}-far-${j}`, RAW_PARTITIONS) === partition) j++;
    const otherPartitionStream = `${streamId}-far-${j}`;

    const startTimestampMs = Date.now();
    // before the start timestamp: must not be read
    const beforeStart = startTimestampMs - 60_000;
    await produce(broker.bootstrap, topics.raw, [0, 1, 2, 3, 4].map((seq) => ({
      key: streamId,
      value: streamData(streamId, seq),
      timestamp: beforeStart,
    })));
    const poison = Buffer.from([0xff, 0xfe, 0x00, 0x70, 0x6f, 0x69, 0x73, 0x6f, 0x6e]);
    const partitionRecords: Array<{ key: string; value: string | Buffer; headers?: Record<string, string> }> = [];
    for (let seq = 5; seq < 55; seq++) {
      partitionRecords.push({ key: streamId, value: streamData(streamId, seq) });
      partitionRecords.push({ key: samePartitionStream, value: streamData(samePartitionStream, seq) });
      if (seq === 20) partitionRecords.push({ key: streamId, value: poison, headers: { origin: 'test-producer' } });
      if (seq === 30) partitionRecords.push({ key: streamId, value: JSON.stringify({ type: 'stream-data', version: 1, streamId, seq: -1, data: '' }) });
      if (seq === 40) partitionRecords.push({ key: streamId, value: streamData(streamId, 40, 'not base64!') });
    }
    partitionRecords.push({ key: streamId, value: endOfStream(streamId, 54) });
    const farRecords = [0, 1, 2].map((seq) => ({ key: otherPartitionStream, value: streamData(otherPartitionStream, seq) }));
    await produce(broker.bootstrap, topics.raw, [...partitionRecords, ...farRecords]);
    // after the end-of-stream: the engine has stopped reading
    await produce(broker.bootstrap, topics.raw, [{ key: samePartitionStream, value: streamData(samePartitionStream, 99) }]);

    const engine = startStreamEngine(contractEnv(topics, streamId, startTimestampMs));
    await expectExit(engine, 0);

    const outputs = await engineOutputs(topics.results, streamId);
    const seqs = outputs.map((o) => o.output.seq);
    expect([...counts(seqs).values()].every((n) => n === 1)).toBe(true);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => k + 5));
    const seq7 = outputs.find((o) => o.output.seq === 7)!;
    expect(seq7).toMatchObject({ startOffsetMs: 280, output: { bytes: Buffer.from(`piece 7 of ${streamId}`).length, sha256: createHash('sha256').update(`piece 7 of ${streamId}`).digest('hex') } });

    const raw = await readAll(broker.bootstrap, topics.raw, RAW_PARTITIONS);
    const deadLetters = await readAll(broker.bootstrap, topics.deadLetter, 1);
    expect(deadLetters).toHaveLength(3);
    for (const dead of deadLetters) {
      const source = raw.find((r) => r.partition === Number(dead.headers['dead-letter.source-partition']) && r.offset === Number(dead.headers['dead-letter.source-offset']))!;
      expect(dead.headers['dead-letter.source-topic']).toBe(topics.raw);
      expect(dead.headers['dead-letter.engine']).toBe('py-stream-test');
      expect(source.partition).toBe(partition);
      expect(dead.key).toBe(streamId);
      expect(dead.value.equals(source.value)).toBe(true);
    }
    expect(deadLetters[0].value.equals(poison)).toBe(true);
    expect(deadLetters[0].headers.origin).toBe('test-producer');
    expect(deadLetters[0].headers['dead-letter.error']).toBe('the value is not UTF-8 text');
    expect(deadLetters[1].headers['dead-letter.error']).toBe('stream-data invalid at seq: -1 is less than the minimum of 0');
    expect(deadLetters[2].headers['dead-letter.error']).toBe('stream-data invalid at data: not base64');

    const heartbeats = (await readAll(broker.bootstrap, topics.control, 1)).map((r) => {
      expect(r.key).toBe(streamId);
      return valid(r);
    });
    expect(heartbeats.length).toBeGreaterThanOrEqual(1);
    for (const heartbeat of heartbeats) expect(heartbeat).toMatchObject({ type: 'heartbeat', streamId, engine: 'py-stream-test', taskId: 'task-1' });

    // it read its partition from the start timestamp to the end-of-stream: its stream and the other one there
    const size = (records: typeof partitionRecords) => records.reduce((bytes, r) => bytes + Buffer.byteLength(r.key) + Buffer.byteLength(r.value), 0);
    const read = size(partitionRecords);
    const ofStream = size(partitionRecords.filter((r) => r.key === streamId));
    expect(engine.logs.find(isLog('finished'))).toMatchObject({
      exitCode: 0,
      recordsRead: 104,
      streamRecords: 54,
      skippedRecords: 50,
      bytesRead: read,
      streamBytes: ofStream,
      readAmplification: Math.round((read / ofStream) * 1000) / 1000,
    });
  });

  test('SIGTERM mid-stream exits 143 after committing; the relaunch resumes at the committed offset, nothing missing or repeated', async () => {
    const { topics, create } = streamTopics();
    await create();
    const streamId = unique('stream');
    const partition = javaPartition(streamId, RAW_PARTITIONS);
    const startTimestampMs = Date.now();
    await produce(broker.bootstrap, topics.raw, Array.from({ length: 300 }, (_, seq) => ({ key: streamId, value: streamData(streamId, seq) })));

    const first = startStreamEngine(contractEnv(topics, streamId, startTimestampMs));
    await first.waitForLog(isLog('start at the first offset at or after ENGINE_START_TIMESTAMP_MS'));
    // a few heartbeat intervals (1 s) while it waits for more of its stream
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    first.kill('SIGTERM');
    await expectExit(first, 143);
    expect(first.logs.find(isLog('stopped before the end'))).toMatchObject({ exitCode: 143, streamRecords: 300 });
    const committed = await committedOffsets(broker.bootstrap, `${topics.raw}.${streamId}`, topics.raw, RAW_PARTITIONS);
    expect(committed[partition]).toBe(300);

    await produce(broker.bootstrap, topics.raw, [
      ...Array.from({ length: 20 }, (_, k) => ({ key: streamId, value: streamData(streamId, 300 + k) })),
      { key: streamId, value: endOfStream(streamId, 319) },
    ]);
    const relaunch = startStreamEngine(contractEnv(topics, streamId, startTimestampMs, { ENGINE_LAUNCH_ATTEMPT: '2', ENGINE_TASK_ID: 'task-2' }));
    await expectExit(relaunch, 0);
    expect(relaunch.logs.find(isLog('start at the committed offset'))).toMatchObject({ partition: `${topics.raw}:${partition}`, offset: 300 });
    expect(relaunch.logs.find(isLog('starting'))).toMatchObject({ launchAttempt: 2 });

    const seqs = (await engineOutputs(topics.results, streamId)).map((o) => o.output.seq);
    expect(seqs.length).toBe(320);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 320 }, (_, k) => k));

    const heartbeats = (await readAll(broker.bootstrap, topics.control, 1)).map(valid);
    const firstTask = heartbeats.filter((h) => h.taskId === 'task-1');
    expect(firstTask.length).toBeGreaterThanOrEqual(3); // one at start, then every second
    expect(firstTask.reduce((n, h) => n + h.processed, 0)).toBe(300);
    expect(heartbeats.some((h) => h.taskId === 'task-2')).toBe(true);
  });

  test('a stream-data the model fails on is dead-lettered with the error; the others get their output', async () => {
    const { topics, create } = streamTopics();
    await create();
    const streamId = unique('stream');
    const startTimestampMs = Date.now();
    await produce(broker.bootstrap, topics.raw, [
      ...[0, 1, 2, 3].map((seq) => ({ key: streamId, value: streamData(streamId, seq) })),
      { key: streamId, value: endOfStream(streamId, 3) },
    ]);
    // the template's placeholder model, made to fail on seq 2
    const failingModel = [
      'import runpy',
      'from stream_engine.model import StreamModel',
      'process = StreamModel.process',
      'def failing(self, data, message):',
      "    if message['seq'] == 2:",
      "        raise RuntimeError('out of GPU memory')",
      '    return process(self, data, message)',
      'StreamModel.process = failing',
      "runpy.run_module('stream_engine', run_name='__main__')",
    ].join('\n');
    const engine = new EngineProcess(python, ['-c', failingModel], STREAM_TEMPLATE, contractEnv(topics, streamId, startTimestampMs));
    await expectExit(engine, 0);
    expect((await engineOutputs(topics.results, streamId)).map((o) => o.output.seq).sort()).toEqual([0, 1, 3]);
    const [dead] = await readAll(broker.bootstrap, topics.deadLetter, 1);
    expect(dead.headers['dead-letter.error']).toBe("model failed: RuntimeError('out of GPU memory')");
    expect(JSON.parse(dead.value.toString('utf-8'))).toMatchObject({ type: 'stream-data', seq: 2 });
  });

  test('exits 65 when the model rejects the stream (StreamRejected), after the outputs before it', async () => {
    const { topics, create } = streamTopics();
    await create();
    const streamId = unique('stream');
    const startTimestampMs = Date.now();
    await produce(broker.bootstrap, topics.raw, [
      ...[0, 1, 2].map((seq) => ({ key: streamId, value: streamData(streamId, seq) })),
      { key: streamId, value: streamData(streamId, 3, '') }, // the placeholder model rejects empty data
      { key: streamId, value: streamData(streamId, 4) },
    ]);
    const engine = startStreamEngine(contractEnv(topics, streamId, startTimestampMs));
    await expectExit(engine, 65);
    expect(engine.logs.find(isLog('the model rejected the stream: it can never be processed'))).toMatchObject({
      reason: 'stream-data seq 3 has no bytes: this placeholder cannot analyse an empty stream',
    });
    expect((await engineOutputs(topics.results, streamId)).map((o) => o.output.seq)).toEqual([0, 1, 2]);
  });

  test('starts at the end of its partition when nothing is at or after ENGINE_START_TIMESTAMP_MS yet, and reads what comes after', async () => {
    const { topics, create } = streamTopics();
    await create();
    const streamId = unique('stream');
    await produce(broker.bootstrap, topics.raw, [{ key: streamId, value: streamData(streamId, 0) }]);
    const engine = startStreamEngine(contractEnv(topics, streamId, Date.now() + 60_000));
    expect(await engine.waitForLog(isLog('nothing at or after ENGINE_START_TIMESTAMP_MS yet: start at the end'))).toMatchObject({ offset: 1 });
    await produce(broker.bootstrap, topics.raw, [
      { key: streamId, value: streamData(streamId, 1) },
      { key: streamId, value: endOfStream(streamId, 1) },
    ]);
    await expectExit(engine, 0);
    expect((await engineOutputs(topics.results, streamId)).map((o) => o.output.seq)).toEqual([1]);
  });

  test('scram: SASL/SCRAM-SHA-512 with the user and password of a Secrets Manager secret (local stand-in)', async () => {
    if (!broker.saslBootstrap || !broker.scram) throw new Error('the local broker has no SASL listener (KAFKA_SASL_BOOTSTRAP)');
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_engines-AbCdEf';
    const requests: SecretsManagerRequest[] = [];
    const secretsManager = await secretsManagerStandIn(secretArn, JSON.stringify(broker.scram), requests);
    try {
      const { topics, create } = streamTopics();
      await create();
      const streamId = unique('stream');
      const startTimestampMs = Date.now();
      await produce(broker.bootstrap, topics.raw, [
        { key: streamId, value: streamData(streamId, 0) },
        { key: streamId, value: streamData(streamId, 1) },
        { key: streamId, value: endOfStream(streamId, 1) },
      ]);
      const engine = new EngineProcess(python, [SASL_PLAINTEXT_RUNNER, 'stream_engine'], STREAM_TEMPLATE, contractEnv(topics, streamId, startTimestampMs, {
        KAFKA_BOOTSTRAP_BROKERS: broker.saslBootstrap,
        KAFKA_AUTH_MODE: 'scram',
        KAFKA_SCRAM_SECRET_ARN: secretArn,
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
      }));
      await expectExit(engine, 0);
      expect((await engineOutputs(topics.results, streamId)).map((o) => o.output.seq).sort()).toEqual([0, 1]);
      // read once for both clients, signed for the region
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ target: 'secretsmanager.GetSecretValue', body: { SecretId: secretArn } });
      expect(requests[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/);
      expect(engine.describe()).not.toContain(broker.scram.password);
    } finally {
      await new Promise((resolve) => secretsManager.server.close(resolve));
    }
  });

  test('a missing or malformed contract variable exits 1 with an error naming it', async () => {
    const { topics } = streamTopics();
    const cases: Array<[Record<string, string>, string]> = [
      [{ ENGINE_STREAM_PARTITIONS: '' }, 'configuration: ENGINE_STREAM_PARTITIONS must be set (engine contract)'],
      [{ ENGINE_STREAM_PARTITIONS: `${topics.raw}:first` }, `configuration: ENGINE_STREAM_PARTITIONS entries must look like topic:partition, got '${topics.raw}:first'`],
      [{ ENGINE_STREAM_PARTITIONS: 'elsewhere:0' }, "configuration: ENGINE_STREAM_PARTITIONS names topic 'elsewhere', which is not in ENGINE_INPUT_TOPICS"],
      [{ KAFKA_AUTH_MODE: 'kerberos' }, "configuration: KAFKA_AUTH_MODE must be one of iam, scram, tls, plaintext; got 'kerberos'"],
      [{ KAFKA_AUTH_MODE: 'iam' }, 'configuration: AWS_REGION must be set with KAFKA_AUTH_MODE=iam (ECS sets it)'],
      [{ ENGINE_HEARTBEAT_INTERVAL_SECONDS: '0' }, "configuration: ENGINE_HEARTBEAT_INTERVAL_SECONDS must be an integer >= 1, got '0'"],
      [{ ENGINE_TASK_ID: '' }, 'configuration: ENGINE_TASK_ID must be set outside ECS (ECS_CONTAINER_METADATA_URI_V4 is not set)'],
    ];
    for (const [change, error] of cases) {
      const engine = startStreamEngine(contractEnv(topics, 'stream-1', Date.now(), change));
      await expectExit(engine, 1);
      expect(engine.logs.map((l) => l.message)).toContain(error);
    }
  });
});

describe('python object engine', () => {
  const OBJECT_PARTITIONS = 3;
  const RESULT_PARTITIONS = 7;

  function objectEnv(topics: { objects: string; results: string; deadLetter: string }, group: string, extra: Record<string, string> = {}) {
    return {
      KAFKA_BOOTSTRAP_BROKERS: broker.bootstrap,
      KAFKA_AUTH_MODE: 'plaintext',
      ENGINE_NAME: 'py-object-test',
      ENGINE_INPUT_TOPICS: topics.objects,
      ENGINE_OUTPUT_TOPIC: topics.results,
      ENGINE_DEAD_LETTER_TOPIC: topics.deadLetter,
      ENGINE_CONSUMER_GROUP: group,
      ENGINE_OFFSET_RESET: 'earliest',
      ENGINE_HEARTBEAT_INTERVAL_SECONDS: '1',
      ...extra,
    };
  }

  async function objectTopics() {
    const topics = { objects: unique('objects'), results: unique('results'), deadLetter: unique('dead-letter') };
    await createTopics(broker.bootstrap, { [topics.objects]: OBJECT_PARTITIONS, [topics.results]: RESULT_PARTITIONS, [topics.deadLetter]: 1 });
    return topics;
  }

  const startObjectEngine = (env: Record<string, string>) => new EngineProcess(python, ['-m', 'object_engine'], OBJECT_TEMPLATE, env);

  test('one chunk-result per chunk of two streams, poison dead-lettered, heartbeats; SIGTERM mid-flow exits 0 with the last chunk committed', async () => {
    const topics = await objectTopics();
    const group = unique('group');
    const streams = [unique('stream-a'), unique('stream-b')];
    const CHUNKS = 400;
    const poison = Buffer.from('{"type":"media-chunk", truncated');
    await produce(broker.bootstrap, topics.objects, [
      ...Array.from({ length: CHUNKS }, (_, seq) => streams.map((s) => ({ key: s, value: mediaChunk(s, seq) }))).flat(),
      { key: streams[0], value: poison, headers: { origin: 'test-producer' } },
      { key: streams[1], value: JSON.stringify({ ...JSON.parse(mediaChunk(streams[1], 9999)), mimeType: undefined }) },
    ]);
    const total = 2 * CHUNKS + 2;

    const first = startObjectEngine(objectEnv(topics, group));
    // SIGTERM as soon as it has committed a chunk: it is then busy with the next ones
    const deadline = Date.now() + 30_000;
    while ((await committedOffsets(broker.bootstrap, group, topics.objects, OBJECT_PARTITIONS)).every((offset) => offset <= 0)) {
      if (Date.now() > deadline) throw new Error(`nothing committed in 30 s:\n${first.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.kill('SIGTERM');
    await expectExit(first, 0);
    const processed = Number(first.logs.find(isLog('stopped'))?.chunks);
    // stopped mid-flow (the test means nothing otherwise), and every chunk it did is committed
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(total);
    const committed = await committedOffsets(broker.bootstrap, group, topics.objects, OBJECT_PARTITIONS);
    expect(committed.reduce((sum, offset) => sum + Math.max(offset, 0), 0)).toBe(processed);

    const second = startObjectEngine(objectEnv(topics, group));
    const secondDeadline = Date.now() + 60_000;
    while ((await readAll(broker.bootstrap, topics.results, RESULT_PARTITIONS)).filter((r) => valid(r).type === 'chunk-result').length < total) {
      if (Date.now() > secondDeadline) throw new Error(`not all chunk-results in 60 s:\n${second.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a heartbeat interval: any duplicate would show
    second.kill('SIGTERM');
    await expectExit(second, 0);
    expect(Number(second.logs.find(isLog('stopped'))?.chunks)).toBe(total - processed);

    const results = await readAll(broker.bootstrap, topics.results, RESULT_PARTITIONS);
    const chunkResults = results.filter((r) => valid(r).type === 'chunk-result');
    for (const r of chunkResults) {
      expect(r.partition).toBe(javaPartition(r.key!, RESULT_PARTITIONS));
    }
    const messages = chunkResults.map(valid);
    expect(messages).toHaveLength(total);
    expect([...counts(messages.map((m) => `${m.streamId}/${m.chunkId}`)).values()].every((n) => n === 1)).toBe(true);
    for (const s of streams) {
      const ok = messages.filter((m) => m.streamId === s && m.status === 'success');
      expect(ok.map((m) => m.chunkId).sort()).toEqual(Array.from({ length: CHUNKS }, (_, seq) => `${s}-chunk-${seq}`).sort());
      expect(ok.every((m) => m.engine === 'py-object-test' && typeof m.output.label === 'string')).toBe(true);
    }
    const errors = messages.filter((m) => m.status === 'error');
    expect(errors.map((m) => [m.streamId, m.error.code])).toEqual(expect.arrayContaining([[streams[0], 'INVALID_MESSAGE'], [streams[1], 'INVALID_MESSAGE']]));
    expect(errors).toHaveLength(2);

    const heartbeats = results.filter((r) => valid(r).type === 'heartbeat');
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    for (const h of heartbeats) {
      expect(h.key).toBeUndefined();
      expect(valid(h)).not.toHaveProperty('streamId');
      expect(valid(h)).toMatchObject({ engine: 'py-object-test' });
      expect(valid(h)).not.toHaveProperty('taskId'); // no ENGINE_TASK_ID and not on ECS
    }
    expect(heartbeats.some((h) => valid(h).processed > 0)).toBe(true);

    const deadLetters = await readAll(broker.bootstrap, topics.deadLetter, 1);
    expect(deadLetters).toHaveLength(2);
    const poisoned = deadLetters.find((d) => d.key === streams[0])!;
    expect(poisoned.value.equals(poison)).toBe(true);
    expect(poisoned.headers).toMatchObject({ 'origin': 'test-producer', 'dead-letter.engine': 'py-object-test', 'dead-letter.source-topic': topics.objects });
    expect(poisoned.headers['dead-letter.error']).toMatch(/^the value is not JSON: /);
    const noMimeType = deadLetters.find((d) => d.key === streams[1])!;
    expect(noMimeType.headers['dead-letter.error']).toBe("media-chunk invalid at (the message): 'mimeType' is a required property");
    const objects = await readAll(broker.bootstrap, topics.objects, OBJECT_PARTITIONS);
    const source = objects.find((o) => o.partition === Number(noMimeType.headers['dead-letter.source-partition']) && o.offset === Number(noMimeType.headers['dead-letter.source-offset']))!;
    expect(noMimeType.value.equals(source.value)).toBe(true);
  });

  test('the model\'s answer sets the status: an object is success, None ignored, an exception or a non-object error', async () => {
    const topics = await objectTopics();
    const streamId = unique('stream');
    await produce(broker.bootstrap, topics.objects, [0, 1, 2, 3].map((seq) => ({ key: streamId, value: mediaChunk(streamId, seq) })));
    // the template's placeholder model, answering differently per chunk
    const variedModel = [
      'import runpy',
      'from object_engine.model import ChunkModel',
      'analyse = ChunkModel.analyse',
      'def varied(self, chunk, data):',
      "    if chunk['seq'] == 1:",
      "        raise ValueError('cannot decode the frame')",
      "    if chunk['seq'] == 2:",
      '        return None',
      "    if chunk['seq'] == 3:",
      "        return ['not', 'an', 'object']",
      '    return analyse(self, chunk, data)',
      'ChunkModel.analyse = varied',
      "runpy.run_module('object_engine', run_name='__main__')",
    ].join('\n');
    const engine = new EngineProcess(python, ['-c', variedModel], OBJECT_TEMPLATE, objectEnv(topics, unique('group')));
    const deadline = Date.now() + 60_000;
    let results: Array<Record<string, any>> = [];
    while ((results = (await readAll(broker.bootstrap, topics.results, RESULT_PARTITIONS)).map(valid).filter((m) => m.type === 'chunk-result')).length < 4) {
      if (Date.now() > deadline) throw new Error(`not 4 chunk-results in 60 s:\n${engine.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    engine.kill('SIGTERM');
    await expectExit(engine, 0);
    const bySeq = new Map(results.map((m) => [Number(String(m.chunkId).split('-chunk-')[1]), m]));
    expect(bySeq.get(0)).toMatchObject({ status: 'success', output: { label: expect.any(String), score: expect.any(Number) } });
    expect(bySeq.get(1)).toMatchObject({ status: 'error', error: { code: 'MODEL_ERROR', message: "ValueError('cannot decode the frame')" } });
    expect(bySeq.get(2)).toMatchObject({ status: 'ignored' });
    expect(bySeq.get(2)).not.toHaveProperty('output');
    expect(bySeq.get(3)).toMatchObject({ status: 'error', error: { code: 'MODEL_ERROR' } });
    expect(bySeq.get(3)!.error.message).toMatch(/chunk-result invalid at output/);
    expect(await readAll(broker.bootstrap, topics.deadLetter, 1)).toHaveLength(0);
  });

  test('iam: SASL/OAUTHBEARER with the token its oauth_cb gets for AWS_REGION (an unsigned test token, see the runner)', async () => {
    if (!broker.saslBootstrap) throw new Error('the local broker has no SASL listener (KAFKA_SASL_BOOTSTRAP)');
    const topics = await objectTopics();
    const streamId = unique('stream');
    await produce(broker.bootstrap, topics.objects, [0, 1, 2].map((seq) => ({ key: streamId, value: mediaChunk(streamId, seq) })));
    const engine = new EngineProcess(python, [SASL_PLAINTEXT_RUNNER, 'object_engine'], OBJECT_TEMPLATE, objectEnv(topics, unique('group'), {
      KAFKA_BOOTSTRAP_BROKERS: broker.saslBootstrap,
      KAFKA_AUTH_MODE: 'iam',
      AWS_REGION: 'eu-west-1',
      ENGINE_TASK_ID: 'object-task-1',
    }));
    const deadline = Date.now() + 60_000;
    let results: Array<Record<string, any>> = [];
    while ((results = (await readAll(broker.bootstrap, topics.results, RESULT_PARTITIONS)).map(valid).filter((m) => m.type === 'chunk-result')).length < 3) {
      if (Date.now() > deadline) throw new Error(`no chunk-results in 60 s:\n${engine.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    engine.kill('SIGTERM');
    await expectExit(engine, 0);
    expect(results.map((m) => m.chunkId).sort()).toEqual([0, 1, 2].map((seq) => `${streamId}-chunk-${seq}`));
    expect(engine.stderr).toContain('test signer: token for region eu-west-1');
    const heartbeat = (await readAll(broker.bootstrap, topics.results, RESULT_PARTITIONS)).map(valid).find((m) => m.type === 'heartbeat');
    expect(heartbeat).toMatchObject({ engine: 'py-object-test', taskId: 'object-task-1' });
  });

  test('iam: the token is the MSK IAM signer\'s, signed offline for AWS_REGION with the default credentials', async () => {
    const script = [
      'import json',
      'from object_engine.iam_token import iam_token_callback',
      "token, expiry = iam_token_callback('eu-west-1')('')",
      "print(json.dumps({'token': token, 'expiry': expiry}))",
    ].join('\n');
    const { token, expiry } = await new Promise<{ token: string; expiry: number }>((resolve, reject) => {
      execFile(python, ['-c', script], {
        cwd: OBJECT_TEMPLATE,
        env: {
          PATH: process.env.PATH ?? '',
          PYTHONPATH: OBJECT_TEMPLATE,
          PYTHONDONTWRITEBYTECODE: '1',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 30_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url without padding
    const url = new URL(Buffer.from(token, 'base64url').toString('utf-8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // oauth_cb hands librdkafka the expiry in epoch seconds
    expect(Math.abs(expiry - (Date.now() / 1000 + 900))).toBeLessThan(60);
  });
});

describe('python templates', () => {
  const SHARED_MODULES = ['env.py', 'log.py', 'messages.py', 'kafka_config.py', 'scram_secret.py', 'iam_token.py',
    'output_producer.py', 'dead_letter.py', 'heartbeat.py', 'task_id.py', 'stop_signal.py'];
  const packages = [path.join(STREAM_TEMPLATE, 'stream_engine'), path.join(OBJECT_TEMPLATE, 'object_engine')];

  test('each vendors the package\'s schemas unchanged', () => {
    const schemaDir = path.join(REPO_ROOT, 'schemas');
    const schemas = fs.readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort();
    for (const pkg of packages) {
      expect(fs.readdirSync(path.join(pkg, 'schemas')).sort()).toEqual(schemas);
      for (const file of schemas) {
        expect(`${pkg}/schemas/${file}: ${fs.readFileSync(path.join(pkg, 'schemas', file), 'utf-8')}`)
          .toBe(`${pkg}/schemas/${file}: ${fs.readFileSync(path.join(schemaDir, file), 'utf-8')}`);
      }
    }
  });

  test('the modules both templates carry are the same (each folder stands alone)', () => {
    for (const file of SHARED_MODULES) {
      expect(`${file}: ${fs.readFileSync(path.join(packages[1], file), 'utf-8')}`).toBe(`${file}: ${fs.readFileSync(path.join(packages[0], file), 'utf-8')}`);
    }
    expect(fs.readFileSync(path.join(OBJECT_TEMPLATE, 'requirements.txt'), 'utf-8')).toBe(fs.readFileSync(path.join(STREAM_TEMPLATE, 'requirements.txt'), 'utf-8'));
  });

  test('requirements are pinned', () => {
    const lines = fs.readFileSync(path.join(STREAM_TEMPLATE, 'requirements.txt'), 'utf-8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*$/);
  });
});

/** A local stand-in for AWS Secrets Manager's GetSecretValue (the JSON 1.1 protocol boto3 speaks). */
interface SecretsManagerRequest {
  readonly target?: string;
  readonly authorization?: string;
  readonly body: any;
}

async function secretsManagerStandIn(secretArn: string, secretString: string, requests: SecretsManagerRequest[]) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}');
      requests.push({ target: req.headers['x-amz-target'] as string | undefined, authorization: req.headers.authorization, body: parsed });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' && parsed.SecretId === secretArn) {
        res.end(JSON.stringify({ ARN: secretArn, Name: 'AmazonMSK_engines', SecretString: secretString, VersionId: 'v1', CreatedDate: 1767225600 }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
