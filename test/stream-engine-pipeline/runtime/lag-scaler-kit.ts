// Shared helpers of the lag scaler tests and benchmark: Kafka clients against the local broker,
// topics, keyed bursts, committing a group, a fake ECS client (ECS has no local implementation,
// so it is mocked at its API boundary) and a registry table in dynalite.
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { Admin, Consumer } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { sleep } from '../../../src/shared/runtime/timers';
import type { MediaChunkMessage } from '../../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { isUnknownTopicError } from '../../../src/stream-engine-pipeline/runtime/lag-reader';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { buildTemplate } from '../../engines/engine-templates';
import { createKeyTable } from '../../helpers/dynalite';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

let counter = 0;
/** A topic/group name unique to this process and call. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}

export function newAdmin(bootstrap: string, clientId = 'lag-scaler-test'): Admin {
  const { Admin: AdminClass } = loadKafka();
  return new AdminClass({ clientId, bootstrapBrokers: [bootstrap], retries: 5, retryDelay: 200 });
}

/** A Consumer that only fetches (the lag scaler's record probe): it joins no group. */
export function newFetcher(bootstrap: string, clientId = 'lag-scaler-probe'): Consumer {
  const { Consumer: ConsumerClass } = loadKafka();
  return new ConsumerClass({ clientId, groupId: 'lag-scaler-probe', bootstrapBrokers: [bootstrap], retries: 1, retryDelay: 200 });
}

export async function createTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  // on a busy broker a new topic's metadata can lag its creation by a moment: wait (up to 10 s)
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.metadata({ topics: [topic], forceUpdate: true });
      return;
    } catch (error) {
      if (!isUnknownTopicError(error) || attempt >= 100) throw error;
      await sleep(100);
    }
  }
}

/** Produces `count` messages: `perKey` messages per key so they spread over the partitions. */
export async function produceKeyed(bootstrap: string, topic: string, count: number, keys = 16): Promise<void> {
  const kafka = loadKafka();
  // Idempotent: a send retried under load must not duplicate messages and skew the expected lag.
  const producer = new kafka.Producer({ clientId: 'lag-scaler-test-producer', bootstrapBrokers: [bootstrap], serializers: kafka.stringSerializers, idempotent: true });
  try {
    const messages = Array.from({ length: count }, (_, i) => {
      const chunk: MediaChunkMessage = {
        type: 'media-chunk',
        version: 1,
        streamId: `stream-${i % keys}`,
        chunkId: `chunk-${i}`,
        seq: Math.floor(i / keys),
        startOffsetMs: i * 1000,
        endOffsetMs: i * 1000 + 1000,
        mimeType: 'video/mp4',
        data: Buffer.from(`chunk ${i}`).toString('base64'),
      };
      return { topic, key: chunk.streamId, value: JSON.stringify(chunk) };
    });
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.close();
  }
}

export interface PartitionBatch {
  readonly partition: number;
  readonly count: number;
  /** Epoch ms written as each record's timestamp (default: the producer's clock). */
  readonly timestamp?: number;
  /** Sent in a transaction that is then aborted (a read_committed consumer never sees them). */
  readonly aborted?: boolean;
}

/**
 * Produces each batch to its partition. `transactional`: each batch in its own transaction
 * (committed, or aborted with `aborted`), so the broker writes a commit or abort marker after it.
 */
export async function produceToPartitions(bootstrap: string, topic: string, batches: readonly PartitionBatch[],
  transactional = false): Promise<void> {
  const kafka = loadKafka();
  const producer = new kafka.Producer({
    clientId: 'lag-scaler-test-producer',
    bootstrapBrokers: [bootstrap],
    serializers: kafka.stringSerializers,
    idempotent: true,
    ...(transactional ? { transactionalId: uniqueName('lag-scaler-test-tx') } : {}),
  });
  try {
    for (const batch of batches) {
      const messages = Array.from({ length: batch.count }, (_, i) => ({
        topic,
        partition: batch.partition,
        key: `p${batch.partition}`,
        value: `record ${i}`,
        ...(batch.timestamp !== undefined ? { timestamp: BigInt(batch.timestamp) } : {}),
      }));
      if (!transactional) {
        await producer.send({ messages });
        continue;
      }
      const transaction = await producer.beginTransaction();
      await transaction.send({ messages });
      await (batch.aborted ? transaction.abort() : transaction.commit());
    }
  } finally {
    await producer.close();
  }
}

/** Commits `offsets` (partition -> next offset to read) for `group` on `topic` as a consumer would. */
export async function commitOffsets(admin: Admin, group: string, topic: string, offsets: Map<number, number>): Promise<void> {
  await admin.alterConsumerGroupOffsets({
    groupId: group,
    topics: [{ name: topic, partitionOffsets: [...offsets].map(([partition, offset]) => ({ partition, offset: BigInt(offset) })) }],
  });
}

/** End offset per partition, read directly (the truth the lag reader is compared with). */
export async function endOffsets(admin: Admin, topic: string, partitions: number): Promise<Map<number, number>> {
  const answer = await admin.listOffsets({
    topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
  });
  return new Map(answer[0].partitions.map((p) => [p.partitionIndex, Number(p.offset)]));
}

/**
 * Consumes with a real consumer in `group` until `count` messages were read, committing each
 * one; then leaves the group. Returns how many messages it read per partition.
 */
export async function consumeAndCommit(bootstrap: string, group: string, topic: string, count: number): Promise<Map<number, number>> {
  const kafka = loadKafka();
  const consumer = new kafka.Consumer({
    clientId: 'lag-scaler-test-consumer',
    bootstrapBrokers: [bootstrap],
    groupId: group,
    deserializers: kafka.stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTime: 200,
  });
  const read = new Map<number, number>();
  let total = 0;
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: kafka.MessagesStreamModes.COMMITTED,
      fallbackMode: kafka.MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    stream.on('error', () => undefined); // closing the stream aborts its pending fetch
    for await (const message of stream) {
      await message.commit();
      read.set(message.partition, (read.get(message.partition) ?? 0) + 1);
      if (++total >= count) {
        break;
      }
    }
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return read;
}

/** Counts chunk-result messages on `topic` (reading from the start with a throwaway group). */
export async function countMessages(admin: Admin, topic: string, partitions: number): Promise<number> {
  const ends = await endOffsets(admin, topic, partitions);
  return [...ends.values()].reduce((a, b) => a + b, 0);
}

// --- registry table in dynalite ---

export function createRegistryTable(client: DynamoDBClient, name = uniqueName('registry')): Promise<string> {
  return createKeyTable(client, name, REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY);
}

// --- ECS, mocked at its API boundary (there is no local ECS) ---

export interface FakeService {
  desiredCount: number;
  /** Tasks running; unset: as many as desired (tasks start at once). */
  runningCount?: number;
  /** Called with the new count when UpdateService changes it. */
  onUpdate?: (desiredCount: number) => void | Promise<void>;
  /** Makes DescribeServices/UpdateService throw for this service. */
  fail?: boolean;
}

/**
 * A stand-in for ECSClient.send that answers DescribeServices and UpdateService from `services`
 * (name -> state) and records the calls. Anything else is an error.
 */
export class FakeEcs {
  readonly calls: Array<{ command: string; input: any }> = [];
  constructor(readonly services: Map<string, FakeService>) {}

  async send(command: unknown): Promise<any> {
    if (command instanceof DescribeServicesCommand) {
      this.calls.push({ command: 'DescribeServices', input: command.input });
      const names = command.input.services ?? [];
      if (names.length > 10) {
        throw Object.assign(new Error('services: at most 10'), { name: 'InvalidParameterException' });
      }
      if (names.some((n) => this.services.get(n)?.fail)) {
        throw Object.assign(new Error('simulated ECS failure'), { name: 'ServerException' });
      }
      return {
        services: names.filter((n) => this.services.has(n)).map((n) => ({
          serviceName: n,
          serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/cluster/${n}`,
          status: 'ACTIVE',
          desiredCount: this.services.get(n)!.desiredCount,
          runningCount: this.services.get(n)!.runningCount ?? this.services.get(n)!.desiredCount,
        })),
        failures: names.filter((n) => !this.services.has(n)).map((n) => ({
          arn: `arn:aws:ecs:us-east-1:123456789012:service/cluster/${n}`, reason: 'MISSING',
        })),
      };
    }
    if (command instanceof UpdateServiceCommand) {
      this.calls.push({ command: 'UpdateService', input: command.input });
      const service = this.services.get(command.input.service!);
      if (!service || service.fail) {
        throw Object.assign(new Error(service ? 'simulated ECS failure' : 'ServiceNotFoundException'), { name: 'ServerException' });
      }
      if (command.input.desiredCount !== undefined && command.input.desiredCount !== service.desiredCount) {
        service.desiredCount = command.input.desiredCount;
        await service.onUpdate?.(service.desiredCount);
      }
      return { service: { serviceName: command.input.service, desiredCount: service.desiredCount } };
    }
    throw new Error(`FakeEcs does not implement ${(command as object).constructor.name}`);
  }

  updates(): Array<{ service: string; desiredCount: number }> {
    return this.calls.filter((c) => c.command === 'UpdateService').map((c) => ({ service: c.input.service, desiredCount: c.input.desiredCount }));
  }
}

/**
 * The object engine template (examples/engines/typescript-object-engine), built from a copy with
 * its own dependencies (cached after the first build). Returns the file to run with `node`.
 */
export function objectEngineMain(): string {
  return path.join(buildTemplate('typescript-object-engine'), 'dist', 'main.js');
}
