/**
 * A tiny object engine: what a StreamEnginePipeline object engine container runs, minus the AI.
 *
 * It reads the engine contract from the environment (ENGINE_NAME, ENGINE_INPUT_TOPICS,
 * ENGINE_OUTPUT_TOPIC, ENGINE_CONSUMER_GROUP, KAFKA_BOOTSTRAP_BROKERS, KAFKA_AUTH_MODE,
 * KAFKA_SCRAM_SECRET_ARN), consumes media-chunk messages in its consumer group, "processes" each
 * one (a deterministic fake inference that takes PROCESS_MS milliseconds, default 50), produces a
 * chunk-result message keyed by the stream id, and commits the chunk's offset afterwards (at least
 * once: a chunk is never committed before its result is written). SIGTERM (what ECS sends when
 * it scales in) finishes the chunk at hand, leaves the group and exits 0.
 *
 * A poison message (not JSON, or breaking the message contract) never stops the engine: it gets
 * a chunk-result with status "error" (so readers of the results see the failure) AND, when
 * ENGINE_DEAD_LETTER_TOPIC is set, is copied to the dead-letter topic with its original key and
 * bytes and these headers: dead-letter.error, dead-letter.engine, dead-letter.source-topic,
 * dead-letter.source-partition, dead-letter.source-offset. Then the engine commits it and goes on.
 *
 * Run it locally:
 *   ENGINE_NAME=demo ENGINE_INPUT_TOPICS=objects ENGINE_OUTPUT_TOPIC=results \
 *   ENGINE_CONSUMER_GROUP=demo-engine KAFKA_BOOTSTRAP_BROKERS=127.0.0.1:19092 KAFKA_AUTH_MODE=plaintext \
 *   npx ts-node --project test/tsconfig.json examples/engines/object-engine/engine.ts
 */
import { createHash } from 'node:crypto';
import type { ChunkResultMessage, MediaChunkMessage } from '../../../src/stream-engine-pipeline/messages';
import {
  ENV_CONSUMER_GROUP, ENV_DEAD_LETTER_TOPIC, ENV_ENGINE_NAME, ENV_INPUT_TOPICS, ENV_OUTPUT_TOPIC,
} from '../../../src/stream-engine-pipeline/runtime/environment';
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { parseMessage } from '../../../src/stream-engine-pipeline/runtime/message-validation';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set (engine contract)`);
  }
  return value;
}

/** The fake model: a stable label and score from the chunk's id. */
export function fakeInference(chunk: MediaChunkMessage): Record<string, unknown> {
  const digest = createHash('sha256').update(`${chunk.streamId}/${chunk.chunkId}`).digest();
  const labels = ['person', 'car', 'bicycle', 'dog', 'nothing'];
  return { label: labels[digest[0] % labels.length], score: Math.round((digest[1] / 255) * 1000) / 1000 };
}

async function main(): Promise<void> {
  const engine = required(ENV_ENGINE_NAME);
  const inputTopics = required(ENV_INPUT_TOPICS).split(',').map((t) => t.trim()).filter(Boolean);
  const outputTopic = required(ENV_OUTPUT_TOPIC);
  const groupId = required(ENV_CONSUMER_GROUP);
  const deadLetterTopic = process.env[ENV_DEAD_LETTER_TOPIC] || undefined;
  const processMs = Number(process.env.PROCESS_MS ?? 50);
  const log = (line: string) => console.log(`[${engine} ${process.pid}] ${line}`);

  const kafka = loadKafka();
  const base = await kafkaClientOptions(kafkaSettingsFromEnv(process.env), `${engine}-${process.pid}`);
  // Idempotent: a retried send never writes a result twice. Values are text (results) or the
  // original bytes (dead letters); the input's values stay bytes so a dead letter keeps them exactly.
  const producer = new kafka.Producer({
    ...base,
    serializers: { ...kafka.stringSerializers, value: (v?: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf-8') : v) },
    idempotent: true,
  });
  const consumer = new kafka.Consumer({
    ...base,
    groupId,
    deserializers: { ...kafka.stringDeserializers, value: (v?: Buffer) => v ?? Buffer.alloc(0) },
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTime: 500,
  });

  let stopping = false;
  let busy = false;
  let processed = 0;
  let stream: Awaited<ReturnType<typeof consumer.consume>> | undefined;
  // A stop while a chunk is being processed waits for its result and commit; an idle stream is
  // closed at once. Registered before consuming starts, so an early SIGTERM is not lost.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing the chunk at hand after ${processed} chunks`);
    if (!busy) void stream?.close();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  stream = await consumer.consume({
    topics: inputTopics,
    mode: kafka.MessagesStreamModes.COMMITTED,
    fallbackMode: kafka.MessagesStreamFallbackModes.EARLIEST,
    autocommit: false,
  });
  if (stopping) await stream.close();
  log(`consuming ${inputTopics.join(',')} in group ${groupId}, ${processMs} ms per chunk`);

  for await (const message of stream) {
    busy = true;
    let result: ChunkResultMessage;
    let streamId = message.key || 'unknown';
    let deadLetter: { error: string } | undefined;
    try {
      const parsed = parseMessage(message.value);
      if (!parsed.ok) {
        throw new Error(parsed.error);
      }
      const chunk = parsed.message as MediaChunkMessage;
      streamId = chunk.streamId ?? streamId;
      if (chunk.type !== 'media-chunk') {
        result = {
          type: 'chunk-result',
          version: 1,
          streamId,
          chunkId: String((chunk as { chunkId?: string }).chunkId ?? message.offset),
          engine,
          at: new Date().toISOString(),
          status: 'ignored',
        };
      } else {
        await new Promise((resolve) => setTimeout(resolve, processMs));
        result = {
          type: 'chunk-result',
          version: 1,
          streamId,
          chunkId: chunk.chunkId,
          engine,
          at: new Date().toISOString(),
          status: 'success',
          output: fakeInference(chunk),
        };
      }
    } catch (error) {
      deadLetter = { error: (error as Error).message };
      result = {
        type: 'chunk-result',
        version: 1,
        streamId,
        chunkId: `offset-${message.partition}-${message.offset}`,
        engine,
        at: new Date().toISOString(),
        status: 'error',
        error: { code: 'BAD_MESSAGE', message: (error as Error).message },
      };
    }
    const out: Array<{ topic: string; key: string; value: string | Buffer; headers?: Record<string, string> }> = [
      { topic: outputTopic, key: streamId, value: JSON.stringify(result) },
    ];
    if (deadLetter) {
      log(`poison message at ${message.topic}/${message.partition}@${message.offset}: ${deadLetter.error}`
        + (deadLetterTopic ? `; copied to ${deadLetterTopic}` : `; no ${ENV_DEAD_LETTER_TOPIC}, not kept`));
      if (deadLetterTopic) {
        out.push({
          topic: deadLetterTopic,
          key: message.key,
          value: message.value,
          headers: {
            'dead-letter.error': deadLetter.error,
            'dead-letter.engine': engine,
            'dead-letter.source-topic': message.topic,
            'dead-letter.source-partition': String(message.partition),
            'dead-letter.source-offset': String(message.offset),
          },
        });
      }
    }
    // the result and the dead letter are written before the offset is committed (at least once)
    await producer.send({ messages: out });
    try {
      await message.commit();
    } catch (error) {
      // a rebalance took the partition away: its new owner reads the chunk again (at least once)
      log(`commit of ${message.topic}/${message.partition}@${message.offset} refused (${(error as Error).message}); the partition's new owner repeats it`);
    }
    processed++;
    busy = false;
    if (stopping) {
      break;
    }
  }
  await consumer.close();
  await producer.close();
  log(`stopped after ${processed} chunks`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (error) => {
    console.error(`object engine failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
