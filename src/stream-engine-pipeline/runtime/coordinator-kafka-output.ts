/**
 * The Coordinator's Kafka producer: stream-status messages to the results topic, poison control
 * records to the dead-letter topic (original key and value, and headers saying where each came
 * from and why it was refused). Idempotent, acks from all in-sync replicas; created on first use
 * and kept for the life of the Lambda instance.
 */
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { DecodedRecord } from './coordinator-events';
import { CoordinatorOutput } from './coordinator-output';
import { KafkaSettings, kafkaClientOptions, loadKafka } from './kafka-connection';
import { PipelineTopics } from './pipeline-config';
import { StreamStatusMessage } from '../messages';

type Producer = PlatformaticKafka.Producer<Buffer, Buffer, Buffer, Buffer>;

export function kafkaCoordinatorOutput(settings: KafkaSettings, topics: PipelineTopics, clientId: string): CoordinatorOutput {
  let producer: Promise<Producer> | undefined;
  const open = (): Promise<Producer> => {
    producer ??= kafkaClientOptions(settings, clientId).then((options) => new (loadKafka().Producer)({ ...options, idempotent: true }) as Producer);
    // a failed connection attempt is not kept: the next call tries again
    producer.catch(() => { producer = undefined; });
    return producer;
  };
  const send = async (message: { topic: string; key?: Buffer; value?: Buffer; headers?: Map<Buffer, Buffer> }) => {
    await (await open()).send({ messages: [message] });
  };
  return {
    publishStatus: (message: StreamStatusMessage) => send({
      topic: topics.results, key: Buffer.from(message.streamId), value: Buffer.from(JSON.stringify(message)),
    }),
    deadLetter: (record: DecodedRecord, error: string) => send({
      topic: topics.deadLetter,
      key: record.key === undefined ? undefined : Buffer.from(record.key),
      value: record.value,
      headers: new Map([
        [Buffer.from('dead-letter.source-topic'), Buffer.from(record.topic)],
        [Buffer.from('dead-letter.source-partition'), Buffer.from(String(record.partition))],
        [Buffer.from('dead-letter.source-offset'), Buffer.from(String(record.offset))],
        [Buffer.from('dead-letter.error'), Buffer.from(error.slice(0, 1000))],
        [Buffer.from('dead-letter.by'), Buffer.from(clientId)],
      ]),
    }),
  };
}
