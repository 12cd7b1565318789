/**
 * The stream engine: reads its stream from the partitions ENGINE_STREAM_PARTITIONS names, skips
 * other streams' records, runs the model on each `stream-data` and produces one `engine-output`,
 * dead-letters poison records, and commits its position to the stream's group after the outputs
 * it covers were produced (at least once). `end-of-stream` finishes it.
 */
import { Admin, Consumer } from '@platformatic/kafka';
import type { StreamEngineConfig } from './config.js';
import { deadLetter } from './dead-letter.js';
import { Heartbeats } from './heartbeats.js';
import { kafkaClientOptions } from './kafka-connection.js';
import { describeError, type Log } from './log.js';
import { encodeMessage, parseMessage, type EngineOutputMessage, type HeartbeatMessage, type StreamDataMessage } from './messages.js';
import { createModel, StreamRejected, type ModelResult, type StreamModel } from './model.js';
import { PartitionReader, type PartitionPosition, type ReadRecord } from './partition-reader.js';
import { SerialProducer, type OutgoingMessage } from './producer.js';
import { ReadStats } from './read-stats.js';
import { commitPositions, startPositions } from './stream-offsets.js';
import { resolveTaskId } from './task-id.js';

/** finished: end-of-stream handled (exit 0); stopped: asked to stop before it (exit 128+signal); rejected: StreamRejected (exit 65). */
export type Outcome = 'finished' | 'stopped' | 'rejected';

/** Outputs are produced and offsets committed after each fetch, and at least this often. */
const FLUSH_INTERVAL_MS = 2_000;

/**
 * Runs the engine until end-of-stream, a StreamRejected, or `stop` (SIGTERM): then it finishes the
 * record at hand, produces, commits and returns.
 */
export async function runStreamEngine(config: StreamEngineConfig, log: Log, stop: AbortSignal): Promise<Outcome> {
  const taskId = await resolveTaskId(config.taskId);
  const options = await kafkaClientOptions(config.kafka, `${config.engine}-${taskId}`);
  const producer = new SerialProducer(options);
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...options, groupId: config.consumerGroup });
  const admin = new Admin(options);
  const streamKey = Buffer.from(config.streamId, 'utf-8');
  const heartbeats = new Heartbeats(async (processed) => {
    const heartbeat: HeartbeatMessage = {
      type: 'heartbeat', version: 1, streamId: config.streamId, engine: config.engine, taskId, at: new Date().toISOString(), processed,
    };
    await producer.send([{ topic: config.controlTopic, key: streamKey, value: encodeMessage(heartbeat) }]);
  }, config.heartbeatIntervalMs, log);
  const stats = new ReadStats();
  try {
    const model = await createModel(config.streamId);
    const start = await startPositions(admin, consumer, config.consumerGroup, config.partitions, config.startTimestampMs, log);
    log.info('started', { streamId: config.streamId, taskId, launchAttempt: config.launchAttempt, start });
    heartbeats.start();
    const reader = new PartitionReader(consumer, start, log);
    const work = new PendingWork(producer, admin, config.consumerGroup);
    const outcome = await readStream(config, log, stop, { model, reader, work, stats, heartbeats, streamKey });
    if (outcome === 'finished') {
      await model.finish();
    }
    return outcome;
  } finally {
    await heartbeats.stop();
    log.info('read amplification', { streamId: config.streamId, ...stats.summary() });
    await Promise.allSettled([producer.close(), consumer.close(), admin.close()]);
  }
}

interface Loop {
  readonly model: StreamModel;
  readonly reader: PartitionReader;
  readonly work: PendingWork;
  readonly stats: ReadStats;
  readonly heartbeats: Heartbeats;
  readonly streamKey: Buffer;
}

async function readStream(config: StreamEngineConfig, log: Log, stop: AbortSignal, loop: Loop): Promise<Outcome> {
  const { reader, work } = loop;
  let finished = false;
  try {
    while (!finished && !stop.aborted) {
      for (const record of await reader.read()) {
        if (finished || stop.aborted) {
          break;
        }
        finished = await handle(config, log, loop, record);
        work.handled(record);
        if (work.due()) {
          await work.flush();
        }
      }
      await work.flush();
    }
  } catch (error) {
    // keep what the records before the failing one produced, then report the failure
    await work.flush().catch((flushError: unknown) => log.warn('could not flush before stopping', { error: describeError(flushError) }));
    if (error instanceof StreamRejected) {
      log.error('the model rejected the stream', { streamId: config.streamId, reason: error.message });
      return 'rejected';
    }
    throw error;
  }
  log.info(finished ? 'end-of-stream: finished' : 'stopped before the end of the stream', { streamId: config.streamId });
  return finished ? 'finished' : 'stopped';
}

/** Handles one record; returns true at this stream's end-of-stream. */
async function handle(config: StreamEngineConfig, log: Log, loop: Loop, record: ReadRecord): Promise<boolean> {
  const own = record.key !== null && record.key.equals(loop.streamKey);
  loop.stats.count(record, own);
  if (!own) {
    return false; // another stream on the same partition
  }
  loop.heartbeats.count();
  const parsed = parseMessage(record.value);
  let problem: string;
  if (!parsed.ok) {
    problem = parsed.error;
  } else if (parsed.message.streamId !== config.streamId) {
    problem = `keyed ${config.streamId} but its streamId is ${String(parsed.message.streamId)}`;
  } else if (parsed.message.type === 'end-of-stream') {
    return true;
  } else if (parsed.message.type === 'stream-data') {
    const piece = parsed.message as unknown as StreamDataMessage;
    try {
      const result = await loop.model.process(Buffer.from(piece.data, 'base64'), piece);
      loop.work.add({ topic: config.outputTopic, key: loop.streamKey, value: encodeMessage(engineOutput(config, result)) });
      return false;
    } catch (error) {
      if (error instanceof StreamRejected) {
        throw error;
      }
      problem = `model failed: ${describeError(error)}`; // this record is poison for the model; the stream goes on
    }
  } else {
    problem = `${parsed.message.type}: stream engines read only stream-data and end-of-stream`;
  }
  log.warn('poison record sent to the dead-letter topic', { topic: record.topic, partition: record.partition, offset: record.offset, error: problem });
  loop.work.add(deadLetter(config.deadLetterTopic, config.engine, record, problem));
  return false;
}

function engineOutput(config: StreamEngineConfig, result: ModelResult): EngineOutputMessage {
  return {
    type: 'engine-output',
    version: 1,
    streamId: config.streamId,
    engine: config.engine,
    at: new Date().toISOString(),
    ...(result.startOffsetMs !== undefined ? { startOffsetMs: result.startOffsetMs } : {}),
    ...(result.endOffsetMs !== undefined ? { endOffsetMs: result.endOffsetMs } : {}),
    output: result.output,
  };
}

/** Outputs not yet produced and positions not yet committed; committed only after producing. */
class PendingWork {
  private messages: OutgoingMessage[] = [];
  private readonly positions = new Map<string, PartitionPosition>();
  private lastFlush = Date.now();

  constructor(private readonly producer: SerialProducer, private readonly admin: Admin, private readonly group: string) {}

  add(message: OutgoingMessage): void {
    this.messages.push(message);
  }

  handled(record: ReadRecord): void {
    this.positions.set(`${record.topic}:${record.partition}`, { topic: record.topic, partition: record.partition, offset: record.offset + 1n });
  }

  due(): boolean {
    return Date.now() - this.lastFlush >= FLUSH_INTERVAL_MS;
  }

  async flush(): Promise<void> {
    if (this.messages.length > 0) {
      await this.producer.send(this.messages);
      this.messages = [];
    }
    if (this.positions.size > 0) {
      await commitPositions(this.admin, this.group, this.positions);
      this.positions.clear();
    }
    this.lastFlush = Date.now();
  }
}
