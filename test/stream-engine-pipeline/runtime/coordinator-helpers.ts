/**
 * Test helpers for the Coordinator:
 * - control messages really go through Kafka: produced to a topic on the local broker, consumed
 *   back, and wrapped into the exact event an MSK event source mapping delivers (base64 key and
 *   value, records grouped by "<topic>-<partition>");
 * - ECS has no local implementation, so it is MOCKED: `FakeEcs` at the client boundary
 *   (RunTask only), and `startFakeEcsServer` as an HTTP endpoint speaking the ECS JSON protocol
 *   (awsJson1_1, X-Amz-Target ...RunTask) for the bundled handler.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import type { RunTaskCommandInput, RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import { KafkaBatchEvent, KafkaEventRecord } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { EcsRunTask } from '../../../src/stream-engine-pipeline/runtime/engine-launcher';
import { kafkaClientOptions, loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { createKeyTable, LocalDynamo } from '../../helpers/dynalite';

let tableCounter = 0;

/** A registry table (pk/sk) in dynalite. */
export function createRegistryTable(dynamo: LocalDynamo): Promise<string> {
  return createKeyTable(dynamo.client, `registry-${process.pid}-${++tableCounter}`, REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY);
}

const options = (bootstrap: string, clientId: string) => kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, clientId);

export async function createTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  const admin = new (loadKafka().Admin)(await options(bootstrap, 'coordinator-test-admin'));
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Produces messages (key = stream id; value = JSON text, or raw bytes for poison messages). */
export async function produce(bootstrap: string, topic: string, messages: Array<{ key?: string; value: string | Buffer }>): Promise<void> {
  const producer = new (loadKafka().Producer)({ ...await options(bootstrap, 'coordinator-test-producer'), idempotent: true });
  try {
    await producer.send({
      messages: messages.map((m) => ({
        topic,
        key: m.key === undefined ? undefined : Buffer.from(m.key),
        value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
      })),
    });
  } finally {
    await producer.close();
  }
}

let groupCounter = 0;

/** Reads `count` records of `topic` from the beginning, in the MSK event source mapping's record shape. */
export async function consumeRecords(bootstrap: string, topic: string, count: number): Promise<KafkaEventRecord[]> {
  const consumer = new (loadKafka().Consumer)({
    ...(await options(bootstrap, 'coordinator-test-consumer')),
    groupId: `coordinator-test-${process.pid}-${++groupCounter}`,
  });
  const records: KafkaEventRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const deadline = setTimeout(() => stream.destroy(new Error(`read ${records.length} of ${count} records of ${topic} in 20 s`)), 20_000);
    try {
      for await (const m of stream) {
        records.push({
          topic: m.topic,
          partition: m.partition,
          offset: Number(m.offset),
          timestamp: Number(m.timestamp),
          timestampType: 'CREATE_TIME',
          key: m.key && m.key.length ? Buffer.from(m.key).toString('base64') : null,
          value: m.value && m.value.length ? Buffer.from(m.value).toString('base64') : null,
          headers: [],
        });
        if (records.length >= count) break;
      }
    } finally {
      clearTimeout(deadline);
      await new Promise<void>((resolve) => stream.close(() => resolve()));
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records;
}

/** The event an MSK (or self-managed Kafka) event source mapping delivers for these records. */
export function kafkaEvent(records: KafkaEventRecord[], eventSource: KafkaBatchEvent['eventSource'] = 'aws:kafka'): KafkaBatchEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  for (const r of records) (grouped[`${r.topic}-${r.partition}`] ??= []).push(r);
  return {
    eventSource,
    ...(eventSource === 'aws:kafka'
      ? { eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/pipeline/abcd1234-ab12-cd34-ef56-abcdef123456-1' }
      : {}),
    bootstrapServers: 'b-1.pipeline.kafka.us-east-1.amazonaws.com:9098',
    records: grouped,
  };
}

export type EcsBehaviour = 'ok' | 'throttle' | 'server-error' | 'capacity' | 'invalid';

/**
 * ECS MOCK (no local ECS exists): records every RunTask input and answers by a script, one
 * behaviour per call (then 'ok'), optionally per engine (read from the STREAM_ID override's
 * sibling ENGINE_NAME).
 */
export class FakeEcs implements EcsRunTask {
  readonly calls: RunTaskCommandInput[] = [];
  private readonly scripts = new Map<string, EcsBehaviour[]>();
  private started = 0;
  /** Resolved before answering, to let concurrent invocations overlap. */
  delay: () => Promise<void> = () => new Promise((r) => setImmediate(r));

  /** Answers the next calls for `engine` ('*' = any engine) with these behaviours. */
  script(engine: string, ...behaviours: EcsBehaviour[]): this {
    this.scripts.set(engine, [...(this.scripts.get(engine) ?? []), ...behaviours]);
    return this;
  }

  callsFor(engine: string): RunTaskCommandInput[] {
    return this.calls.filter((c) => engineOf(c) === engine);
  }

  async runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput> {
    this.calls.push(input);
    await this.delay();
    const engine = engineOf(input);
    const queue = this.scripts.get(engine ?? '') ?? this.scripts.get('*') ?? [];
    const behaviour = queue.shift() ?? 'ok';
    return answer(behaviour, input, () => ++this.started);
  }
}

function engineOf(input: RunTaskCommandInput): string | undefined {
  return input.overrides?.containerOverrides?.[0]?.environment?.find((e) => e.name === 'ENGINE_NAME')?.value;
}

function answer(behaviour: EcsBehaviour, input: RunTaskCommandInput, nextId: () => number): RunTaskCommandOutput {
  const error = (name: string, status: number) => Object.assign(new Error(`${name} (mock)`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
  switch (behaviour) {
    case 'throttle':
      throw error('ThrottlingException', 400);
    case 'server-error':
      throw error('ServerException', 500);
    case 'invalid':
      throw error('InvalidParameterException', 400);
    case 'capacity':
      return { $metadata: {}, tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }] };
    default:
      return {
        $metadata: {},
        failures: [],
        tasks: [{
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${input.cluster}/${String(nextId()).padStart(32, '0')}`,
          lastStatus: 'PROVISIONING',
          startedBy: input.startedBy,
        }],
      };
  }
}

export interface FakeEcsServer {
  readonly endpoint: string;
  readonly requests: Array<{ target: string; body: any }>;
  /** Answer the next RunTask calls with these behaviours, then 'ok'. */
  readonly script: EcsBehaviour[];
  close(): Promise<void>;
}

/** ECS MOCK over HTTP: the ECS JSON API (awsJson1_1), RunTask only, on 127.0.0.1. */
export async function startFakeEcsServer(): Promise<FakeEcsServer> {
  const requests: FakeEcsServer['requests'] = [];
  const script: EcsBehaviour[] = [];
  let started = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      requests.push({ target, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      };
      if (target !== 'AmazonEC2ContainerServiceV20141113.RunTask') {
        send(400, { __type: 'UnknownOperationException', message: `mock serves RunTask only, not ${target}` });
        return;
      }
      const behaviour = script.shift() ?? 'ok';
      if (behaviour === 'throttle') {
        send(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      } else if (behaviour === 'server-error') {
        send(500, { __type: 'ServerException', message: 'internal' });
      } else if (behaviour === 'invalid') {
        send(400, { __type: 'InvalidParameterException', message: 'bad' });
      } else if (behaviour === 'capacity') {
        send(200, { tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }] });
      } else {
        send(200, {
          failures: [],
          tasks: [{ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${body.cluster}/${String(++started).padStart(32, '0')}`, lastStatus: 'PROVISIONING' }],
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
