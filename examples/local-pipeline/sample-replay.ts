// The sample streams and their replay. A sample is a JSON Lines file, one record per line:
//   {"atMs": 1200, "topic": "objects", "message": { ...a message of the contract... }}
// `atMs` is when to send it (ms from the start of the replay), `topic` one of control,
// raw-streams, objects (the pipeline's topics of that role). The replay produces each message as
// a producer of the pipeline must: keyed by its streamId, partitioned like Kafka's Java client
// (murmur2: @platformatic/kafka's compatibilityPartitioner), idempotent, at its time divided by
// `speed`.
import * as fs from 'node:fs';
import { sleep } from '../../src/shared/runtime/timers';
import type { PipelineMessage } from '../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { validateMessage } from '../../src/stream-engine-pipeline/runtime/message-validation';
import type { PipelineTopics } from '../../src/stream-engine-pipeline/runtime/pipeline-config';

export const SAMPLE_TOPICS = { 'control': 'control', 'raw-streams': 'rawStreams', 'objects': 'objects' } as const;
export type SampleTopic = keyof typeof SAMPLE_TOPICS;

export interface SampleRecord {
  readonly atMs: number;
  readonly topic: SampleTopic;
  readonly message: PipelineMessage & { readonly streamId: string };
}

/** Reads a sample file; every line must be a record of a valid message, in time order. */
export function loadSample(file: string): SampleRecord[] {
  const records: SampleRecord[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file} line ${index + 1}`;
    let record: Partial<SampleRecord>;
    try {
      record = JSON.parse(line) as Partial<SampleRecord>;
    } catch (error) {
      throw new Error(`${where}: not JSON: ${(error as Error).message}`);
    }
    if (typeof record.atMs !== 'number' || record.atMs < (records[records.length - 1]?.atMs ?? 0)) {
      throw new Error(`${where}: atMs must be a number, not before the line above`);
    }
    if (!(String(record.topic) in SAMPLE_TOPICS)) throw new Error(`${where}: topic must be one of ${Object.keys(SAMPLE_TOPICS).join(', ')}`);
    const checked = validateMessage(record.message);
    if (!checked.ok) throw new Error(`${where}: ${checked.error}`);
    if (!('streamId' in checked.message) || !checked.message.streamId) throw new Error(`${where}: the message has no streamId to key it by`);
    records.push(record as SampleRecord);
  });
  if (records.length === 0) throw new Error(`${file} holds no records`);
  return records;
}

export interface ReplayOptions {
  readonly bootstrap: string;
  readonly topics: PipelineTopics;
  readonly records: readonly SampleRecord[];
  /** 1: real time; 4: four times as fast. */
  readonly speed: number;
  readonly signal: AbortSignal;
  /** Called after each send with the records sent so far. */
  readonly onProgress: (sent: number) => void;
}

/** Produces the records at their times; returns early when `signal` aborts. */
export async function replaySample(options: ReplayOptions): Promise<void> {
  const kafka = loadKafka();
  const producer = new kafka.Producer({
    clientId: 'local-sample-replay',
    bootstrapBrokers: [options.bootstrap],
    idempotent: true,
    partitioner: kafka.compatibilityPartitioner,
  });
  const start = Date.now();
  let sent = 0;
  try {
    while (sent < options.records.length && !options.signal.aborted) {
      const due = options.records[sent].atMs;
      const wait = start + due / options.speed - Date.now();
      if (wait > 0) await sleep(wait);
      // everything due by now goes in one send
      const now = Math.max(due, (Date.now() - start) * options.speed);
      let end = sent;
      while (end < options.records.length && options.records[end].atMs <= now) end++;
      const batch = options.records.slice(sent, end);
      await producer.send({
        messages: batch.map((r) => ({
          topic: options.topics[SAMPLE_TOPICS[r.topic]],
          key: Buffer.from(r.message.streamId),
          value: Buffer.from(JSON.stringify(r.message)),
        })),
      });
      sent += batch.length;
      options.onProgress(sent);
    }
  } finally {
    await producer.close();
  }
}
