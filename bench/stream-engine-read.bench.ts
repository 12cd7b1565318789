/**
 * Read amplification of the stream engine template against the local Kafka broker
 * (scripts/kafka/broker.sh; started when none runs).
 *
 * STREAMS concurrent streams share one raw-streams topic of PARTITIONS partitions (keyed by stream
 * id, partitioned like Kafka's Java client); each sends RECORDS stream-data messages of SIZE bytes,
 * interleaved with the others as live streams are, then its end-of-stream. Then one stream engine
 * (examples/engines/typescript-stream-engine, built with its own dependencies) runs per stream, as
 * the Coordinator would launch it: the stream's partition, the start timestamp of its stream-init.
 * Each engine logs what it read at exit; printed: records and bytes read per stream against the
 * stream's own, and what reading the whole topic would have cost instead.
 *
 * Usage: npx ts-node --project test/tsconfig.json bench/stream-engine-read.bench.ts
 * Environment: PARTITIONS (default 12), STREAMS (20), RECORDS (50), SIZE (1024). Part of npm run bench.
 * Prints figures; exits 1 when an engine did not finish or an output is missing.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { loadKafka } from '../src/stream-engine-pipeline/runtime/kafka-connection';
import { buildTemplate } from '../test/engines/engine-templates';
import { ensureKafka } from '../test/helpers/kafka-broker';
import { createTopic, newAdmin, uniqueName } from '../test/stream-engine-pipeline/runtime/lag-scaler-kit';

const PARTITIONS = Number(process.env.PARTITIONS ?? '12');
const STREAMS = Number(process.env.STREAMS ?? '20');
const RECORDS = Number(process.env.RECORDS ?? '50');
const SIZE = Number(process.env.SIZE ?? '1024');

interface ReadFigures {
  recordsRead: number;
  bytesRead: number;
  streamRecords: number;
  streamBytes: number;
}

function runEngine(entry: string, env: Record<string, string>): Promise<{ code: number | null; figures?: ReadFigures; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.includes('"message":"read amplification"'));
      resolve({ code, figures: line ? JSON.parse(line) : undefined, output });
    });
  });
}

async function main(): Promise<void> {
  const bootstrap = await ensureKafka();
  const engine = path.join(buildTemplate('typescript-stream-engine'), 'dist', 'main.js');
  const admin = newAdmin(bootstrap, 'read-amplification');
  const kafka = loadKafka();
  const [raw, results, control, deadLetter] = ['raw', 'results', 'control', 'dead-letter'].map((t) => uniqueName(`amplification-${t}`));
  await createTopic(admin, raw, PARTITIONS);
  for (const topic of [results, control, deadLetter]) {
    await createTopic(admin, topic, 1);
  }
  // fixed ids: the same spread over the partitions on every run (topics and groups are new)
  const streams = Array.from({ length: STREAMS }, (_, i) => `camera-${String(i + 1).padStart(2, '0')}`);
  const startMs = Date.now(); // every stream-init came before its data
  const producer = new kafka.Producer({ clientId: 'read-amplification', bootstrapBrokers: [bootstrap], idempotent: true, partitioner: kafka.compatibilityPartitioner });
  const payload = Buffer.alloc(SIZE, 7).toString('base64');
  const message = (streamId: string, value: object) => ({ topic: raw, key: Buffer.from(streamId), value: Buffer.from(JSON.stringify(value)) });
  for (let seq = 0; seq < RECORDS; seq++) {
    await producer.send({ messages: streams.map((streamId) => message(streamId, { type: 'stream-data', version: 1, streamId, seq, data: payload })) });
  }
  await producer.send({
    messages: streams.map((streamId) => message(streamId, { type: 'end-of-stream', version: 1, streamId, lastSeq: RECORDS - 1, at: new Date().toISOString(), reason: 'completed' })),
  });
  await producer.close();

  // Java's partition of the key (what the producer's compatibilityPartitioner chose)
  // eslint-disable-next-line no-bitwise
  const partitionOf = (streamId: string) => (kafka.murmur2(Buffer.from(streamId)) & 0x7fffffff) % PARTITIONS;
  const rows: Array<ReadFigures & { streamId: string; partition: number }> = [];
  let failures = 0;
  for (const streamId of streams) {
    const partition = partitionOf(streamId);
    const run = await runEngine(engine, {
      KAFKA_BOOTSTRAP_BROKERS: bootstrap,
      KAFKA_AUTH_MODE: 'plaintext',
      ENGINE_NAME: 'amplification',
      STREAM_ID: streamId,
      ENGINE_INPUT_TOPICS: raw,
      ENGINE_STREAM_PARTITIONS: `${raw}:${partition}`,
      ENGINE_START_TIMESTAMP_MS: String(startMs),
      ENGINE_OUTPUT_TOPIC: results,
      ENGINE_DEAD_LETTER_TOPIC: deadLetter,
      ENGINE_CONTROL_TOPIC: control,
      ENGINE_CONSUMER_GROUP: uniqueName(`amplification.${streamId}`),
      ENGINE_TASK_ID: `task-${streamId}`,
    });
    if (run.code !== 0 || !run.figures || run.figures.streamRecords !== RECORDS + 1) {
      failures++;
      console.log(`stream ${streamId}: exit ${run.code}\n${run.output}`);
      continue;
    }
    rows.push({ streamId, partition, ...run.figures });
  }
  const [answer] = await admin.listOffsets({ topics: [{ name: results, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  const outputs = Number(answer.partitions[0].offset);
  await admin.close();

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const streamsPerPartition = new Map<number, number>();
  rows.forEach((r) => streamsPerPartition.set(r.partition, (streamsPerPartition.get(r.partition) ?? 0) + 1));
  console.log(`${STREAMS} streams x ${RECORDS} stream-data of ${SIZE} bytes (+ end-of-stream) on ${PARTITIONS} partitions; `
    + `${streamsPerPartition.size} partitions used, at most ${Math.max(...streamsPerPartition.values())} streams on one`);
  console.log('partition  streams-there  records read/own  bytes read/own');
  for (const r of [...rows].sort((a, b) => a.partition - b.partition)) {
    console.log(`${String(r.partition).padStart(9)}  ${String(streamsPerPartition.get(r.partition)).padStart(13)}  `
      + `${ratio(r.recordsRead, r.streamRecords).padStart(16)}  ${ratio(r.bytesRead, r.streamBytes).padStart(14)}`);
  }
  const byteRatios = rows.map((r) => r.bytesRead / r.streamBytes).sort((a, b) => a - b);
  const total = rows.reduce((sum, r) => ({ read: sum.read + r.bytesRead, own: sum.own + r.streamBytes }), { read: 0, own: 0 });
  console.log(`bytes read / stream bytes: mean ${(byteRatios.reduce((a, b) => a + b, 0) / byteRatios.length).toFixed(2)}, `
    + `median ${byteRatios[Math.floor(byteRatios.length / 2)].toFixed(2)}, max ${byteRatios[byteRatios.length - 1].toFixed(2)}; `
    + `all engines together ${ratio(total.read, total.own)} (reading the whole topic instead: ${STREAMS}.00)`);
  console.log(`engine-outputs: ${outputs} of ${STREAMS * RECORDS} expected; engines that did not finish: ${failures}`);
  process.exitCode = failures === 0 && outputs === STREAMS * RECORDS ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
