import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { buildTemplate, REPO_ROOT, templateFiles, TEMPLATES_DIR } from './engine-templates';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { ensureKafkaBroker, KafkaBroker } from '../helpers/kafka-broker';
import { createTopic, newAdmin, uniqueName } from '../stream-engine-pipeline/runtime/lag-scaler-kit';

// The TypeScript engine templates (examples/engines/typescript-*), each built from a copy with its
// own `npm ci` and run as a child process the way ECS runs it (env vars in, exit code out), against
// the real local Kafka broker. Secrets Manager has no local implementation: the SCRAM tests answer
// GetSecretValue from a local HTTP server (AWS_ENDPOINT_URL_SECRETS_MANAGER). MSK IAM cannot be
// exercised end to end without AWS: the signer runs with fake credentials (signing is local), and
// a relay in front of the broker's SASL listener shows the engine offering OAUTHBEARER with the
// signer's token, which the local broker (it accepts unsigned JWTs only) then refuses.

let broker: KafkaBroker;
let admin: Admin;
/** The built templates' folders. */
let streamEngine: string;
let objectEngine: string;

beforeAll(async () => {
  broker = await ensureKafkaBroker();
  admin = newAdmin(broker.bootstrap, 'engine-templates-test');
  streamEngine = buildTemplate('typescript-stream-engine');
  objectEngine = buildTemplate('typescript-object-engine');
}, 600_000);

afterAll(async () => {
  await admin?.close();
});

// --- Kafka helpers ---

interface ReadRecord {
  readonly key?: Buffer;
  readonly value: Buffer;
  readonly headers: Map<string, string>;
  readonly partition: number;
  readonly offset: bigint;
}

/** Java's partition of a key: murmur2 of its bytes, positive, modulo the partition count. */
function javaPartition(key: string, partitions: number): number {
  // eslint-disable-next-line no-bitwise -- Java's Utils.toPositive
  return (loadKafka().murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

/** Two stream ids whose keys land on the same partition of a topic with `partitions` partitions. */
function streamsSharingAPartition(partitions: number): { ours: string; other: string; partition: number } {
  const prefix = uniqueName('cam');
  const first = new Map<number, string>();
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    const partition = javaPartition(id, partitions);
    const earlier = first.get(partition);
    if (earlier) {
      return { ours: earlier, other: id, partition };
    }
    first.set(partition, id);
  }
}

type Outgoing = { topic: string; key: string; value: Buffer | object; headers?: Record<string, string>; timestamp?: bigint };

/** Produces in order with a Java-compatible partitioner; returns each message's partition and offset. */
async function produce(messages: Outgoing[]): Promise<Array<{ partition: number; offset: bigint }>> {
  const kafka = loadKafka();
  const producer = new kafka.Producer({
    clientId: 'engine-templates-test', bootstrapBrokers: [broker.bootstrap], idempotent: true, partitioner: kafka.compatibilityPartitioner,
  });
  try {
    const placed: Array<{ partition: number; offset: bigint }> = [];
    for (const m of messages) { // one by one: each one's offset is known
      const { offsets } = await producer.send({
        messages: [{
          topic: m.topic,
          key: Buffer.from(m.key),
          value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(JSON.stringify(m.value)),
          headers: m.headers ? new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined,
          timestamp: m.timestamp,
        }],
      });
      placed.push(offsets![0]);
    }
    return placed;
  } finally {
    await producer.close();
  }
}

async function endOffsets(topic: string): Promise<Map<number, bigint>> {
  const metadata = await admin.metadata({ topics: [topic] });
  const count = metadata.topics.get(topic)!.partitionsCount;
  const [answer] = await admin.listOffsets({
    topics: [{ name: topic, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
  });
  return new Map(answer.partitions.map((p) => [p.partitionIndex, p.offset]));
}

/** Every record of `topic` up to its end offsets now. */
async function readTopic(topic: string): Promise<ReadRecord[]> {
  const ends = await endOffsets(topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0n);
  if (total === 0n) {
    return [];
  }
  const kafka = loadKafka();
  const consumer = new kafka.Consumer({ clientId: 'engine-templates-reader', bootstrapBrokers: [broker.bootstrap], groupId: uniqueName('reader'), maxWaitTime: 200 });
  const records: ReadRecord[] = [];
  const stream = await consumer.consume({ topics: [topic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
  stream.on('error', () => undefined);
  const timer = setTimeout(() => void stream.close(), 20_000);
  try {
    for await (const m of stream) {
      records.push({
        key: m.key,
        value: m.value,
        headers: new Map([...m.headers].map(([k, v]) => [k.toString(), v.toString()])),
        partition: m.partition,
        offset: m.offset,
      });
      if (BigInt(records.length) >= total) {
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    await stream.close().catch(() => undefined);
    await consumer.close(true);
  }
  expect(BigInt(records.length)).toBe(total);
  return records;
}

const json = (r: ReadRecord) => JSON.parse(r.value.toString('utf-8'));

async function committed(group: string, topic: string, partition: number): Promise<bigint> {
  const [answer] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [partition] }] }] });
  return answer.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
}

/** Polls `probe` until it returns a value; on timeout the error shows the engine's output. */
async function waitFor<T>(what: string, run: EngineRun, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the engine's output:\n${run.output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function topics(...names: Array<[string, number]>): Promise<string[]> {
  const created: string[] = [];
  for (const [prefix, partitions] of names) {
    const name = uniqueName(prefix);
    await createTopic(admin, name, partitions);
    created.push(name);
  }
  return created;
}

// --- engine processes ---

class EngineRun {
  readonly child: ChildProcess;
  output = '';
  readonly exit: Promise<number | null>;

  constructor(folder: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [path.join(folder, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.output += d));
    this.child.stderr!.on('data', (d) => (this.output += d));
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The exit code, or null after SIGKILL when it did not exit within timeoutMs. */
  async exitCode(timeoutMs: number): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The JSON log lines with this message. */
  logs(message: string): Array<Record<string, any>> {
    return this.output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.message === message);
  }
}

/** Fails with the engine's output when the exit code differs. */
function expectExit(run: EngineRun, code: number | null, expected: number): void {
  expect({ code, output: code === expected ? '' : run.output }).toEqual({ code: expected, output: '' });
}

/** A local stand-in for Secrets Manager's GetSecretValue (the JSON protocol the SDK speaks). */
interface SecretsManagerStandIn {
  readonly url: string;
  /** The requests it answered: their X-Amz-Target and SecretId. */
  readonly requests: Array<{ target?: string; secretId: string }>;
  close(): Promise<void>;
}

async function secretsManagerStandIn(secrets: Record<string, string>): Promise<SecretsManagerStandIn> {
  const requests: SecretsManagerStandIn['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const { SecretId } = JSON.parse(body || '{}') as { SecretId: string };
      requests.push({ target: req.headers['x-amz-target'] as string | undefined, secretId: SecretId });
      const secret = secrets[SecretId];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || secret === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${SecretId}` }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: 'kafka', SecretString: secret, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An MSK IAM token: base64url of a SigV4-presigned kafka-cluster:Connect URL (what MSK verifies). */
function expectMskIamToken(token: string): void {
  const url = new URL(Buffer.from(token, 'base64url').toString('utf-8'));
  expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
  expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
  expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAFAKEFAKEFAKEFAKE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
  expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
}

const FAKE_AWS = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };

// --- messages ---

const streamData = (streamId: string, seq: number, data = Buffer.from(`piece ${seq} of ${streamId}`).toString('base64')) =>
  ({ type: 'stream-data', version: 1, streamId, seq, offsetMs: seq * 40, data });
const endOfStream = (streamId: string, lastSeq: number) =>
  ({ type: 'end-of-stream', version: 1, streamId, lastSeq, at: new Date().toISOString(), reason: 'completed' });
const mediaChunk = (streamId: string, i: number, mimeType = 'video/mp4') => ({
  type: 'media-chunk',
  version: 1,
  streamId,
  chunkId: `${streamId}-chunk-${i}`,
  seq: i,
  startOffsetMs: i * 1000,
  endOffsetMs: i * 1000 + 1000,
  mimeType,
  data: Buffer.from(`chunk ${i}`).toString('base64'),
});
/** A model that fails on seq 2 (it replaces src/model.ts; same exports as the placeholder). */
const FAILING_MODEL = `import type { StreamDataMessage } from './messages.js';
export class StreamRejected extends Error {}
export interface ModelResult { readonly output: Record<string, unknown>; readonly startOffsetMs?: number; readonly endOffsetMs?: number }
export interface StreamModel { process(bytes: Buffer, piece: StreamDataMessage): Promise<ModelResult>; finish(): Promise<void> }
export async function createModel(_streamId: string): Promise<StreamModel> {
  return {
    async process(bytes, piece) {
      if (piece.seq === 2) throw new Error('the test model cannot read seq 2');
      return { output: { seq: piece.seq, bytes: bytes.length } };
    },
    async finish() {},
  };
}
`;
/** '{', invalid UTF-8, NUL, 'not JSON' */
const NOT_JSON = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x6e, 0x6f, 0x74, 0x20, 0x4a, 0x53, 0x4f, 0x4e]);

// --- stream engine ---

interface StreamSetup {
  raw: string;
  results: string;
  control: string;
  deadLetter: string;
  ours: string;
  other: string;
  partition: number;
  group: string;
  /** ENGINE_START_TIMESTAMP_MS: taken before anything is produced (the Coordinator takes it at stream-init) */
  startMs: number;
}

async function streamSetup(rawPartitions: number, resultPartitions = 1): Promise<StreamSetup> {
  const [raw, results, control, deadLetter] = await topics(['raw', rawPartitions], ['results', resultPartitions], ['control', 1], ['dead-letter', 1]);
  const { ours, other, partition } = streamsSharingAPartition(rawPartitions);
  return { raw, results, control, deadLetter, ours, other, partition, group: `pipeline.stream-engine.transcriber.${ours}`, startMs: Date.now() };
}

function streamEnv(s: StreamSetup, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_BROKERS: broker.bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    ENGINE_NAME: 'transcriber',
    STREAM_ID: s.ours,
    ENGINE_INPUT_TOPICS: s.raw,
    ENGINE_STREAM_PARTITIONS: `${s.raw}:${s.partition}`,
    ENGINE_OUTPUT_TOPIC: s.results,
    ENGINE_DEAD_LETTER_TOPIC: s.deadLetter,
    ENGINE_CONTROL_TOPIC: s.control,
    ENGINE_CONSUMER_GROUP: s.group,
    ENGINE_START_TIMESTAMP_MS: String(s.startMs),
    ENGINE_HEARTBEAT_INTERVAL_SECONDS: '1',
    ENGINE_LAUNCH_ATTEMPT: '1',
    ENGINE_TASK_ID: 'task-1',
    ...extra,
  };
}

async function engineOutputs(topic: string): Promise<Array<Record<string, any>>> {
  return (await readTopic(topic)).map(json);
}

describe('typescript-stream-engine', () => {
  test('reads exactly its stream from the start timestamp: one engine-output per stream-data, the poison record dead-lettered, heartbeats, exit 0', async () => {
    const s = await streamSetup(4, 3);
    const old = BigInt(s.startMs - 60_000);
    const before: Outgoing[] = [0, 1, 2, 3, 4].flatMap((i) => [
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 100 + i), timestamp: old },
      { topic: s.raw, key: s.other, value: streamData(s.other, 100 + i), timestamp: old },
    ]);
    const during: Outgoing[] = [];
    for (let seq = 0; seq < 50; seq++) {
      during.push({ topic: s.raw, key: s.ours, value: streamData(s.ours, seq) }, { topic: s.raw, key: s.other, value: streamData(s.other, seq) });
      if (seq === 20) {
        during.push({ topic: s.raw, key: s.ours, value: NOT_JSON, headers: { 'trace-id': 'abc-123' } });
      }
    }
    during.push({ topic: s.raw, key: s.ours, value: endOfStream(s.ours, 49) });
    const after: Outgoing[] = Array.from({ length: 10 }, (_, i) => ({ topic: s.raw, key: s.other, value: streamData(s.other, 50 + i) }));
    const placed = await produce([...before, ...during, ...after]);
    // both streams are on the partition the engine is told to read, as the Java client puts them
    expect(new Set(placed.map((p) => p.partition))).toEqual(new Set([s.partition]));
    const poisonAt = placed[before.length + during.findIndex((m) => m.value === NOT_JSON)].offset;
    const endAt = placed[before.length + during.length - 1].offset;

    const run = new EngineRun(streamEngine, streamEnv(s, { PLACEHOLDER_MODEL_DELAY_MS: '40' }));
    expectExit(run, await run.exitCode(60_000), 0);

    // one engine-output per stream-data of its stream, none for the records before the start,
    // keyed by the stream id and partitioned as Java would
    const results = await readTopic(s.results);
    const outputs = results.map(json);
    expect(outputs.map((o) => o.output.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const [i, o] of outputs.entries()) {
      expect(o).toMatchObject({ type: 'engine-output', version: 1, streamId: s.ours, engine: 'transcriber', startOffsetMs: i * 40 });
      expect(results[i].key?.toString()).toBe(s.ours);
      expect(results[i].partition).toBe(javaPartition(s.ours, 3));
    }

    // the poison record: its original bytes and headers, plus where it came from and why
    const deadLetters = await readTopic(s.deadLetter);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].value.equals(NOT_JSON)).toBe(true);
    expect(deadLetters[0].key?.toString()).toBe(s.ours);
    expect(Object.fromEntries(deadLetters[0].headers)).toEqual({
      'trace-id': 'abc-123',
      'dead-letter.error': expect.stringMatching(/^not JSON/),
      'dead-letter.engine': 'transcriber',
      'dead-letter.source-topic': s.raw,
      'dead-letter.source-partition': String(s.partition),
      'dead-letter.source-offset': String(poisonAt),
    });

    // heartbeats on the control topic, keyed by the stream, with the task id
    const heartbeats = await readTopic(s.control);
    expect(heartbeats.length).toBeGreaterThanOrEqual(2); // one at start, one a second later (50 x 40 ms of work)
    for (const h of heartbeats) {
      expect(h.key?.toString()).toBe(s.ours);
      expect(json(h)).toEqual({ type: 'heartbeat', version: 1, streamId: s.ours, engine: 'transcriber', taskId: 'task-1', at: expect.any(String), processed: expect.any(Number) });
    }
    expect(heartbeats.map((h) => json(h).processed).some((n: number) => n > 0)).toBe(true);

    // committed up to and including the end-of-stream; read: its 52 records and the other stream's
    // 50 interleaved ones (the 10 after the end are not handled)
    expect(await committed(s.group, s.raw, s.partition)).toBe(endAt + 1n);
    expect(run.logs('read amplification')[0]).toMatchObject({ streamRecords: 52, recordsRead: 102 });
  }, 120_000);

  test('SIGTERM mid-stream exits 143 after committing what it produced; a relaunch resumes there and finishes with no output missing', async () => {
    const s = await streamSetup(2);
    const first: Outgoing[] = Array.from({ length: 40 }, (_, seq) => [
      { topic: s.raw, key: s.ours, value: streamData(s.ours, seq) },
      { topic: s.raw, key: s.other, value: streamData(s.other, seq) },
    ]).flat();
    const env = streamEnv(s);
    const placed = await produce(first);

    const run1 = new EngineRun(streamEngine, { ...env, PLACEHOLDER_MODEL_DELAY_MS: '100' });
    await waitFor('10 outputs', run1, async () => ((await endOffsets(s.results)).get(0)! >= 10n ? true : undefined), 30_000);
    run1.child.kill('SIGTERM');
    expectExit(run1, await run1.exitCode(15_000), 143);

    // what was produced is exactly what the committed offset covers
    const stoppedAt = await committed(s.group, s.raw, s.partition);
    const producedBeforeStop = (await engineOutputs(s.results)).length;
    expect(producedBeforeStop).toBeGreaterThanOrEqual(10);
    expect(producedBeforeStop).toBeLessThan(40);
    expect(first.filter((m, i) => m.key === s.ours && placed[i].offset < stoppedAt)).toHaveLength(producedBeforeStop);

    await produce([{ topic: s.raw, key: s.ours, value: endOfStream(s.ours, 39) }]);
    const run2 = new EngineRun(streamEngine, { ...env, ENGINE_LAUNCH_ATTEMPT: '2', ENGINE_TASK_ID: 'task-2' });
    expectExit(run2, await run2.exitCode(60_000), 0);
    expect(run2.output).toContain(`resuming at the committed offset ${stoppedAt}`);
    expect((await engineOutputs(s.results)).map((o) => o.output.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  }, 120_000);

  test('exits 65 when the model rejects the stream (StreamRejected), keeping the outputs of the records before', async () => {
    const s = await streamSetup(1);
    const placed = await produce([
      ...[0, 1, 2].map((seq) => ({ topic: s.raw, key: s.ours, value: streamData(s.ours, seq) })),
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 3, '') }, // no bytes: the placeholder model rejects the stream
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 4) },
    ]);
    const run = new EngineRun(streamEngine, streamEnv(s));
    expectExit(run, await run.exitCode(45_000), 65);
    expect((await engineOutputs(s.results)).map((o) => o.output.seq)).toEqual([0, 1, 2]);
    expect(await committed(s.group, s.raw, 0)).toBe(placed[3].offset);
    expect(run.logs('the model rejected the stream')[0].reason).toMatch(/seq 3 has no bytes/);
  }, 60_000);

  test('a stream-data whose data is not base64, and one the model fails on, are dead-lettered; the stream goes on', async () => {
    // the template with src/model.ts replaced, as a team does: this model fails on seq 2
    const failingModel = buildTemplate('typescript-stream-engine', { name: 'failing-model', files: { 'src/model.ts': FAILING_MODEL } });
    const s = await streamSetup(1);
    const notBase64 = { ...streamData(s.ours, 1), data: 'not base64!' };
    const placed = await produce([
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 0) },
      { topic: s.raw, key: s.ours, value: notBase64 },
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 2) },
      { topic: s.raw, key: s.ours, value: streamData(s.ours, 3) },
      { topic: s.raw, key: s.ours, value: endOfStream(s.ours, 3) },
    ]);
    const run = new EngineRun(failingModel, streamEnv(s));
    expectExit(run, await run.exitCode(45_000), 0);
    expect((await engineOutputs(s.results)).map((o) => o.output)).toEqual([
      { seq: 0, bytes: Buffer.byteLength(`piece 0 of ${s.ours}`) },
      { seq: 3, bytes: Buffer.byteLength(`piece 3 of ${s.ours}`) },
    ]);
    const deadLetters = await readTopic(s.deadLetter);
    expect(deadLetters.map((d) => [d.headers.get('dead-letter.source-offset'), d.headers.get('dead-letter.error')])).toEqual([
      [String(placed[1].offset), 'stream-data: /data must be base64'],
      [String(placed[2].offset), expect.stringMatching(/^model failed: .*the test model cannot read seq 2/)],
    ]);
    expect(json(deadLetters[0])).toEqual(notBase64);
  }, 180_000);

  test('starts at the end when no record is as recent as the start timestamp, and reads what comes after', async () => {
    const s = await streamSetup(1);
    await produce([0, 1].map((seq) => ({ topic: s.raw, key: s.ours, value: streamData(s.ours, seq), timestamp: BigInt(Date.now() - 60_000) })));
    const run = new EngineRun(streamEngine, streamEnv(s));
    await waitFor('the engine to start', run, async () => (run.logs('started').length > 0 ? true : undefined), 30_000);
    await produce([{ topic: s.raw, key: s.ours, value: streamData(s.ours, 2) }, { topic: s.raw, key: s.ours, value: endOfStream(s.ours, 2) }]);
    expectExit(run, await run.exitCode(30_000), 0);
    expect(run.output).toContain('starting at offset 2 (the end: no record since the start timestamp)');
    expect((await engineOutputs(s.results)).map((o) => o.output.seq)).toEqual([2]);
  }, 60_000);

  test('scram: reads the credentials from Secrets Manager (a local stand-in) and works over the SASL listener', async () => {
    if (!broker.saslBootstrap || !broker.scram) {
      throw new Error('the local broker has no SASL listener (KAFKA_SASL_BOOTSTRAP)');
    }
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-engine-AbCdEf';
    const secrets = await secretsManagerStandIn({ [arn]: JSON.stringify(broker.scram) });
    try {
      const s = await streamSetup(1);
      await produce([
        ...[0, 1, 2].map((seq) => ({ topic: s.raw, key: s.ours, value: streamData(s.ours, seq) })),
        { topic: s.raw, key: s.ours, value: endOfStream(s.ours, 2) },
      ]);
      const run = new EngineRun(streamEngine, streamEnv(s, {
        ...FAKE_AWS,
        KAFKA_BOOTSTRAP_BROKERS: broker.saslBootstrap,
        KAFKA_AUTH_MODE: 'scram',
        KAFKA_SCRAM_SECRET_ARN: arn,
        KAFKA_TLS: 'false', // the local SASL listener is SASL_PLAINTEXT
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      }));
      expectExit(run, await run.exitCode(45_000), 0);
      expect(secrets.requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: arn }]);
      expect((await engineOutputs(s.results)).map((o) => o.output.seq)).toEqual([0, 1, 2]);
      expect(run.output).not.toContain(broker.scram.password);
    } finally {
      await secrets.close();
    }
  }, 60_000);

  test('iam: the token comes from aws-msk-iam-sasl-signer-js (fake credentials, signed locally) and is cached', async () => {
    // the built template's token provider, run in isolation
    const module = pathToFileURL(path.join(streamEngine, 'dist', 'kafka-connection.js')).href;
    const script = `const { iamTokenProvider } = await import(${JSON.stringify(module)}); const provide = iamTokenProvider('eu-west-1');
      const first = await provide(); console.log(JSON.stringify({ first, again: await provide() }));`;
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => execFile(process.execPath, ['--input-type=module', '-e', script],
      { env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...FAKE_AWS }, timeout: 30_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out }))));
    const { first, again } = JSON.parse(stdout);
    expect(again).toBe(first);
    expectMskIamToken(first);
  }, 60_000);

  test('iam: the engine authenticates with SASL/OAUTHBEARER and the signer\'s token (the local broker, which only accepts unsigned JWTs, refuses it)', async () => {
    if (!broker.saslBootstrap) {
      throw new Error('the local broker has no SASL listener (KAFKA_SASL_BOOTSTRAP)');
    }
    // a TCP relay in front of the SASL listener records what the engine sends
    const sent: Buffer[] = [];
    const [saslHost, saslPort] = broker.saslBootstrap.split(':');
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(saslPort), saslHost);
      client.on('data', (d) => {
        sent.push(d);
        upstream.write(d);
      });
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const s = await streamSetup(1);
      const run = new EngineRun(streamEngine, streamEnv(s, {
        ...FAKE_AWS, KAFKA_BOOTSTRAP_BROKERS: `127.0.0.1:${(relay.address() as AddressInfo).port}`, KAFKA_AUTH_MODE: 'iam', KAFKA_TLS: 'false',
      }));
      expectExit(run, await run.exitCode(45_000), 1);
      const bytes = Buffer.concat(sent).toString('latin1');
      expect(bytes).toContain('OAUTHBEARER'); // the SaslHandshake mechanism
      // the OAUTHBEARER initial response (RFC 7628): n,,\x01auth=Bearer <token>\x01\x01
      const token = /auth=Bearer ([A-Za-z0-9_-]+)\x01\x01/.exec(bytes)?.[1];
      expect(token).toBeDefined();
      expectMskIamToken(token!);
      expect(run.logs('stream engine failed')[0].error).toMatch(/SASL/);
    } finally {
      relay.close();
    }
  }, 60_000);
});

// --- object engine ---

interface ObjectSetup { objects: string; results: string; deadLetter: string; group: string }

async function objectSetup(objectPartitions: number, resultPartitions = 1): Promise<ObjectSetup> {
  const [objects, results, deadLetter] = await topics(['objects', objectPartitions], ['results', resultPartitions], ['dead-letter', 1]);
  return { objects, results, deadLetter, group: uniqueName('pipeline.object-engine.detector') };
}

function objectEnv(s: ObjectSetup, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_BROKERS: broker.bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    ENGINE_NAME: 'detector',
    ENGINE_INPUT_TOPICS: s.objects,
    ENGINE_OUTPUT_TOPIC: s.results,
    ENGINE_DEAD_LETTER_TOPIC: s.deadLetter,
    ENGINE_CONSUMER_GROUP: s.group,
    ENGINE_OFFSET_RESET: 'earliest',
    ENGINE_HEARTBEAT_INTERVAL_SECONDS: '1',
    ENGINE_TASK_ID: 'object-task-1',
    ...extra,
  };
}

const chunkResults = (records: ReadRecord[]) => records.filter((r) => json(r).type === 'chunk-result');

describe('typescript-object-engine', () => {
  test('chunks of two streams get exactly one chunk-result each; poison is dead-lettered; heartbeats go to the output topic; SIGTERM leaves everything committed', async () => {
    const s = await objectSetup(2, 2);
    const { chunkId: _dropped, ...noChunkId } = mediaChunk('cam-x', 99);
    const notBase64 = { ...mediaChunk('cam-y', 11), data: '***' };
    await produce([
      ...Array.from({ length: 10 }, (_, i) => [
        { topic: s.objects, key: 'cam-x', value: mediaChunk('cam-x', i) },
        { topic: s.objects, key: 'cam-y', value: mediaChunk('cam-y', i) },
      ]).flat(),
      { topic: s.objects, key: 'cam-x', value: noChunkId },
      { topic: s.objects, key: 'cam-y', value: mediaChunk('cam-y', 10, 'audio/wav') }, // the placeholder model ignores it
      { topic: s.objects, key: 'cam-y', value: notBase64 },
    ]);
    const run = new EngineRun(objectEngine, objectEnv(s));
    await waitFor('23 chunk-results and a heartbeat', run, async () => {
      const read = await readTopic(s.results);
      return chunkResults(read).length >= 23 && read.some((r) => json(r).type === 'heartbeat') ? true : undefined;
    }, 60_000);
    run.child.kill('SIGTERM');
    expectExit(run, await run.exitCode(15_000), 0);

    const results = chunkResults(await readTopic(s.results));
    expect(results).toHaveLength(23);
    const byStatus = (status: string) => results.filter((r) => json(r).status === status);
    expect(byStatus('success').map((r) => json(r).chunkId).sort()).toEqual(
      ['cam-x', 'cam-y'].flatMap((id) => Array.from({ length: 10 }, (_, i) => `${id}-chunk-${i}`)).sort());
    for (const r of results) {
      const streamId = json(r).streamId;
      expect(r.key?.toString()).toBe(streamId);
      expect(r.partition).toBe(javaPartition(streamId, 2));
    }
    expect(byStatus('ignored').map(json)).toEqual([expect.objectContaining({ streamId: 'cam-y', chunkId: 'cam-y-chunk-10', engine: 'detector' })]);
    const errors = byStatus('error').map(json).sort((a, b) => a.streamId.localeCompare(b.streamId));
    expect(errors).toEqual([
      expect.objectContaining({ streamId: 'cam-x', chunkId: expect.stringMatching(/^offset-\d-\d+$/), error: { code: 'BAD_MESSAGE', message: expect.stringMatching(/chunkId/) } }),
      expect.objectContaining({ streamId: 'cam-y', chunkId: expect.stringMatching(/^offset-\d-\d+$/), error: { code: 'BAD_MESSAGE', message: 'media-chunk: /data must be base64' } }),
    ]);
    const deadLetters = await readTopic(s.deadLetter);
    const byStream = new Map(deadLetters.map((d) => [d.key?.toString(), d]));
    expect(deadLetters).toHaveLength(2);
    expect(json(byStream.get('cam-x')!)).toEqual(noChunkId);
    expect(byStream.get('cam-x')!.headers.get('dead-letter.error')).toMatch(/chunkId/);
    expect(json(byStream.get('cam-y')!)).toEqual(notBase64);
    expect(byStream.get('cam-y')!.headers.get('dead-letter.error')).toBe('media-chunk: /data must be base64');

    const heartbeats = (await readTopic(s.results)).filter((r) => json(r).type === 'heartbeat');
    for (const h of heartbeats) {
      expect(h.key).toBeUndefined();
      expect(json(h)).toEqual({ type: 'heartbeat', version: 1, engine: 'detector', taskId: 'object-task-1', at: expect.any(String), processed: expect.any(Number) });
    }
    for (const [partition, end] of await endOffsets(s.objects)) {
      expect(await committed(s.group, s.objects, partition)).toBe(end > 0n ? end : -1n); // -1: nothing to commit
    }
  }, 120_000);

  test('SIGTERM mid-run: finishes the chunk at hand, commits it, leaves the group and exits 0', async () => {
    const s = await objectSetup(1);
    await produce(Array.from({ length: 30 }, (_, i) => ({ topic: s.objects, key: 'cam-z', value: mediaChunk('cam-z', i) })));
    const run = new EngineRun(objectEngine, objectEnv(s, { PLACEHOLDER_MODEL_DELAY_MS: '100' }));
    await waitFor('5 chunk-results', run, async () => (chunkResults(await readTopic(s.results)).length >= 5 ? true : undefined), 60_000);
    run.child.kill('SIGTERM');
    expectExit(run, await run.exitCode(10_000), 0);

    const results = chunkResults(await readTopic(s.results)).map(json);
    expect(results.length).toBeLessThan(30);
    expect(results.map((r) => r.chunkId)).toEqual(Array.from({ length: results.length }, (_, i) => `cam-z-chunk-${i}`));
    // the last chunk it produced is committed, and nothing beyond it
    expect(await committed(s.group, s.objects, 0)).toBe(BigInt(results.length));
    expect(run.logs('stopped')[0]).toMatchObject({ processed: results.length });
    const group = (await admin.describeGroups({ groups: [s.group] })).get(s.group)!;
    expect(group.members.size).toBe(0);
  }, 90_000);

  test('scram: reads the credentials from Secrets Manager (a local stand-in) and works over the SASL listener', async () => {
    if (!broker.saslBootstrap || !broker.scram) {
      throw new Error('the local broker has no SASL listener (KAFKA_SASL_BOOTSTRAP)');
    }
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-objects-AbCdEf';
    const secrets = await secretsManagerStandIn({ [arn]: JSON.stringify(broker.scram) });
    try {
      const s = await objectSetup(1);
      await produce([0, 1].map((i) => ({ topic: s.objects, key: 'cam-s', value: mediaChunk('cam-s', i) })));
      const run = new EngineRun(objectEngine, objectEnv(s, {
        ...FAKE_AWS,
        KAFKA_BOOTSTRAP_BROKERS: broker.saslBootstrap,
        KAFKA_AUTH_MODE: 'scram',
        KAFKA_SCRAM_SECRET_ARN: arn,
        KAFKA_TLS: 'false', // the local SASL listener is SASL_PLAINTEXT
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      }));
      await waitFor('2 chunk-results', run, async () => (chunkResults(await readTopic(s.results)).length >= 2 ? true : undefined), 60_000);
      run.child.kill('SIGTERM');
      expectExit(run, await run.exitCode(10_000), 0);
      expect(secrets.requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: arn }]);
      expect(chunkResults(await readTopic(s.results)).map((r) => json(r).chunkId)).toEqual(['cam-s-chunk-0', 'cam-s-chunk-1']);
    } finally {
      await secrets.close();
    }
  }, 90_000);
});

// --- the folders themselves ---

describe.each(['typescript-stream-engine', 'typescript-object-engine'] as const)('%s folder', (template) => {
  const root = path.join(TEMPLATES_DIR, template);

  test('its schemas/ is a current copy of the package\'s schemas', () => {
    const own = fs.readdirSync(path.join(root, 'schemas')).sort();
    expect(own).toEqual(fs.readdirSync(path.join(REPO_ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json')).sort());
    for (const file of own) {
      expect({ file, text: fs.readFileSync(path.join(root, 'schemas', file), 'utf8') })
        .toEqual({ file, text: fs.readFileSync(path.join(REPO_ROOT, 'schemas', file), 'utf8') });
    }
  });

  test('every package its sources import is a dependency in its package.json (it works copied out of the repository)', () => {
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const imported = new Set<string>();
    for (const file of templateFiles(template).filter((f) => f.endsWith('.ts'))) {
      for (const [, specifier] of fs.readFileSync(path.join(root, file), 'utf8').matchAll(/from '([^']+)'/g)) {
        if (!specifier.startsWith('.') && !specifier.startsWith('node:')) {
          imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((name) => !(name in dependencies))).toEqual([]);
  });
});
