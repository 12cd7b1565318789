/**
 * The object engine: joins ENGINE_CONSUMER_GROUP subscribed to ENGINE_INPUT_TOPICS, turns each
 * `media-chunk` into one `chunk-result` keyed by its streamId, dead-letters poison messages (with
 * an error chunk-result), and commits each message after its result was produced. Rebalances do
 * not repeat chunks (assignment-stream.ts); a chunk is repeated only when its commit is refused
 * (the group rebalanced in the few milliseconds between its produce and its commit).
 */
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message } from '@platformatic/kafka';
import { AssignmentStream } from './assignment-stream.js';
import type { ObjectEngineConfig } from './config.js';
import { deadLetter } from './dead-letter.js';
import { Heartbeats } from './heartbeats.js';
import { kafkaClientOptions } from './kafka-connection.js';
import { describeError, type Log } from './log.js';
import {
  encodeMessage, parseMessage, STREAM_ID_PATTERN, type ChunkResultMessage, type HeartbeatMessage, type MediaChunkMessage,
} from './messages.js';
import { createModel, type ObjectModel } from './model.js';
import { SerialProducer, type OutgoingMessage } from './producer.js';
import { ScaleInProtection } from './scale-in-protection.js';
import { resolveTaskId } from './task-id.js';

type Consumed = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Runs until `stop` (SIGTERM): then it finishes the chunk at hand, produces, commits, leaves the
 * group and returns.
 */
export async function runObjectEngine(config: ObjectEngineConfig, log: Log, stop: AbortSignal): Promise<void> {
  const taskId = await resolveTaskId(config.taskId);
  const options = await kafkaClientOptions(config.kafka, `${config.engine}-${taskId}`);
  const producer = new SerialProducer(options);
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...options,
    groupId: config.consumerGroup,
    // a member that stops heartbeating (crashed, or its event loop blocked) loses its partitions after 30 s
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTime: 500,
  });
  // object engines' heartbeats go to the output topic, with no streamId and no key
  const heartbeats = new Heartbeats(async (processed) => {
    const heartbeat: HeartbeatMessage = { type: 'heartbeat', version: 1, engine: config.engine, taskId, at: new Date().toISOString(), processed };
    await producer.send([{ topic: config.outputTopic, value: encodeMessage(heartbeat) }]);
  }, config.heartbeatIntervalMs, log);
  // ECS does not pick a protected task when the service scales in: protected while chunks come
  const protection = new ScaleInProtection(config.ecsAgentUri, log);
  let processed = 0;
  let assigned: AssignmentStream | undefined;
  try {
    const model = await createModel();
    assigned = await AssignmentStream.open(consumer, {
      topics: [...config.inputTopics],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: config.offsetReset === 'earliest' ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      autocommit: false,
    });
    const stream = assigned;
    let busy = false;
    // idle: stop at once; busy: the loop stops after the chunk at hand
    const closeWhenIdle = () => {
      if (!busy) {
        void stream.close();
      }
    };
    stop.addEventListener('abort', closeWhenIdle, { once: true });
    if (stop.aborted) {
      closeWhenIdle();
    }
    log.info('started', { group: config.consumerGroup, topics: config.inputTopics, taskId });
    heartbeats.start();
    for await (const message of stream.messages()) {
      busy = true;
      protection.working();
      const outgoing = await handle(config, log, model, message);
      if (stream.isCurrent()) {
        await producer.send(outgoing);
        try {
          await message.commit();
        } catch (error) {
          // a rebalance gave the partition to another member: it repeats this chunk (at least once)
          log.warn('offset commit refused; the partition\'s new owner repeats the chunk', {
            topic: message.topic, partition: message.partition, offset: message.offset, error: describeError(error),
          });
        }
        processed++;
        heartbeats.count();
      } else {
        log.info('the group rebalanced while the chunk was handled: its result is left to the partition\'s owner', {
          topic: message.topic, partition: message.partition, offset: message.offset,
        });
      }
      protection.done();
      busy = false;
      if (stop.aborted) {
        break;
      }
    }
  } finally {
    protection.close();
    await heartbeats.stop();
    await assigned?.close();
    await consumer.close(); // leaves the group: its partitions move to the other tasks at once
    await producer.close();
    log.info('stopped', { processed });
  }
}

/** The result of one message (and its dead letter when it is poison). */
async function handle(config: ObjectEngineConfig, log: Log, model: ObjectModel, message: Consumed): Promise<OutgoingMessage[]> {
  const parsed = parseMessage(message.value ?? null);
  const keyText = message.key?.toString('utf-8');
  let problem: string;
  if (!parsed.ok) {
    problem = parsed.error;
  } else if (parsed.message.type !== 'media-chunk') {
    problem = `${parsed.message.type}: object engines read only media-chunk`;
  } else {
    const chunk = parsed.message as unknown as MediaChunkMessage;
    let result: ChunkResultMessage;
    const base = { type: 'chunk-result', version: 1, streamId: chunk.streamId, chunkId: chunk.chunkId, engine: config.engine } as const;
    try {
      result = { ...base, at: new Date().toISOString(), ...(await model.process(chunk)) };
    } catch (error) {
      log.warn('the model failed on a chunk', { streamId: chunk.streamId, chunkId: chunk.chunkId, error: describeError(error, true) });
      result = { ...base, at: new Date().toISOString(), status: 'error', error: { code: 'MODEL_ERROR', message: describeError(error).slice(0, 1000) } };
    }
    return [{ topic: config.outputTopic, key: Buffer.from(chunk.streamId), value: encodeMessage(result) }];
  }
  log.warn('poison message sent to the dead-letter topic', { topic: message.topic, partition: message.partition, offset: message.offset, error: problem });
  const claimed = parsed.ok ? parsed.message.streamId : keyText;
  const streamId = typeof claimed === 'string' && STREAM_ID_PATTERN.test(claimed) ? claimed : 'unknown';
  const result: ChunkResultMessage = {
    type: 'chunk-result',
    version: 1,
    streamId,
    chunkId: `offset-${message.partition}-${message.offset}`,
    engine: config.engine,
    at: new Date().toISOString(),
    status: 'error',
    error: { code: 'BAD_MESSAGE', message: problem },
  };
  return [
    { topic: config.outputTopic, key: Buffer.from(streamId), value: encodeMessage(result) },
    deadLetter(config.deadLetterTopic, config.engine, { ...message, key: message.key ?? null, value: message.value ?? null }, problem),
  ];
}
