// The Lambda handler the pipeline's integration test (integ.stream-engine-pipeline.ts) invokes to
// talk to the pipeline's Kafka as a producer and as a reader of results would: the same client
// library and MSK IAM authentication as the pipeline's own Lambdas (KAFKA_BOOTSTRAP_BROKERS,
// KAFKA_AUTH_MODE). Two requests:
//   { action: 'produce', topic, key, messages: [...] }           -> { produced: <count> }
//       (a string value '{now}' in a message becomes the current time, ISO 8601: the snapshot
//       of the test app stays the same from run to run)
//   { action: 'find-result', topic, streamId, timeoutSeconds }   -> { found: true|false, type? }
// find-result reads the topic from the beginning with a group of its own and answers whether a
// chunk-result of that stream is there.
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';

interface ProduceRequest { readonly action: 'produce'; readonly topic: string; readonly key: string; readonly messages: object[] }
interface FindResultRequest { readonly action: 'find-result'; readonly topic: string; readonly streamId: string; readonly timeoutSeconds: number }

export async function handler(request: ProduceRequest | FindResultRequest): Promise<object> {
  const kafka = loadKafka();
  const options = await kafkaClientOptions(kafkaSettingsFromEnv(), 'integ-test-client');
  if (request.action === 'produce') {
    const producer = new kafka.Producer({ ...options, serializers: kafka.stringSerializers });
    try {
      const now = new Date().toISOString();
      const value = (message: object) => JSON.stringify(message, (_key, v: unknown) => (v === '{now}' ? now : v));
      await producer.send({ messages: request.messages.map((m) => ({ topic: request.topic, key: request.key, value: value(m) })) });
      return { produced: request.messages.length };
    } finally {
      await producer.close();
    }
  }
  if (request.action === 'find-result') {
    const consumer = new kafka.Consumer({
      ...options, groupId: `integ-test-${Date.now()}`, deserializers: kafka.stringDeserializers, maxWaitTime: 500,
    });
    const stream = await consumer.consume({ topics: [request.topic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
    stream.on('error', () => undefined);
    const timer = setTimeout(() => void stream.close(), request.timeoutSeconds * 1000);
    try {
      for await (const message of stream) {
        const result = JSON.parse(message.value) as { type?: string; streamId?: string };
        if (result.type === 'chunk-result' && result.streamId === request.streamId) return { found: true, type: result.type };
      }
      return { found: false };
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => undefined);
      await consumer.close(true);
    }
  }
  throw new Error(`action must be 'produce' or 'find-result'; got ${JSON.stringify((request as { action?: unknown }).action)}`);
}
