/**
 * A Coordinator under test: the real runtime against dynalite (the registry), the ECS MOCK of
 * fake-ecs.ts, a fake clock, and a recording CoordinatorOutput (what would go to the results and
 * dead-letter topics). Control records are built in the exact shape an MSK event source mapping
 * delivers (the Kafka round trip itself is covered by coordinator-bundle.test.ts).
 * `faultyDocument` wraps the DocumentClient to fail writes before or after DynamoDB applied them.
 */
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createRegistryTable, kafkaEvent } from './coordinator-helpers';
import { FakeEcsCluster } from './fake-ecs';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { DocumentSender } from '../../../src/shared/runtime/dynamo-batch';
import { StreamStatusMessage } from '../../../src/stream-engine-pipeline/messages';
import { CoordinatorSummary, handleCoordinatorEvent } from '../../../src/stream-engine-pipeline/runtime/coordinator';
import { DecodedRecord, KafkaBatchEvent, KafkaEventRecord, RECONCILE_EVENT } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { CoordinatorOutput } from '../../../src/stream-engine-pipeline/runtime/coordinator-output';
import { EngineRefs, PipelineConfig, StreamSchedulingConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { StreamItem } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { DEFAULT_SCHEDULING } from '../../../src/stream-engine-pipeline/runtime/stream-plan';
import { StreamRegistry } from '../../../src/stream-engine-pipeline/runtime/stream-registry';
import { LocalDynamo } from '../../helpers/dynalite';
import { RecordingLog } from '../../helpers/recording-log';

export const CONTROL_TOPIC = 'media.control';
export const T0 = Date.parse('2026-12-01T10:00:00Z');

export interface KitOptions {
  readonly maxConcurrentStreams?: number;
  readonly engines?: string[];
  readonly scheduling?: Partial<StreamSchedulingConfig>;
}

/** Records what the Coordinator sends to Kafka; while `failing` (or `failNext` counts down) sends throw. */
export class RecordingOutput implements CoordinatorOutput {
  readonly statuses: StreamStatusMessage[] = [];
  readonly deadLetters: Array<{ record: DecodedRecord; error: string }> = [];
  failing = false;
  failNext = 0;

  async publishStatus(message: StreamStatusMessage): Promise<void> {
    this.maybeFail();
    this.statuses.push(message);
  }

  async deadLetter(record: DecodedRecord, error: string): Promise<void> {
    this.maybeFail();
    this.deadLetters.push({ record, error });
  }

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('Kafka is unreachable (test)');
    }
    if (this.failing) throw new Error('Kafka is unreachable (test)');
  }

  /** The statuses told for one stream, in order, without repeats. */
  statusesOf(streamId: string): string[] {
    return [...new Set(this.statuses.filter((m) => m.streamId === streamId).map((m) => m.status))];
  }
}

export type WriteFault = 'before' | 'after' | undefined;
const WRITES = [PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand];

/** A DocumentClient whose writes fail when `decide` says so: before DynamoDB applied them, or after (the answer is lost). */
export function faultyDocument(doc: DocumentSender, decide: (command: unknown) => WriteFault): DocumentSender {
  return {
    send: (async (command: any) => {
      const fault = WRITES.some((c) => command instanceof c) ? decide(command) : undefined;
      const error = () => Object.assign(new Error('DynamoDB is unavailable (test fault)'), { name: 'InternalServerError', $fault: 'server' });
      if (fault === 'before') throw error();
      const result = await doc.send(command);
      if (fault === 'after') throw error();
      return result;
    }) as DocumentSender['send'],
  };
}

export class CoordinatorKit {
  static async create(dynamo: LocalDynamo, options: KitOptions = {}): Promise<CoordinatorKit> {
    return new CoordinatorKit(await createRegistryTable(dynamo), dynamo, options);
  }

  readonly ecs: FakeEcsCluster;
  readonly output = new RecordingOutput();
  readonly log = new RecordingLog();
  readonly emf: any[] = [];
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly doc: DynamoDBDocumentClient;
  /** What the Coordinator uses (the plain client, or a faulty one). */
  sender: DocumentSender;
  now = T0;
  private offset = 0;
  private invocations = 0;

  private constructor(readonly table: string, dynamo: LocalDynamo, options: KitOptions) {
    const engines = options.engines ?? ['transcribe'];
    this.config = {
      pipelineName: 'media',
      kafkaAuth: 'plaintext',
      topics: { control: CONTROL_TOPIC, rawStreams: 'media.raw-streams', objects: 'media.objects', results: 'media.results', deadLetter: 'media.dead-letter' },
      streamEngines: engines.map((name) => ({
        name, containerName: 'engine', inputTopics: ['media.raw-streams'], inputPartitions: [12], outputTopic: 'media.results', consumerGroupPrefix: `media.stream-engine.${name}`,
      })),
      objectEngines: [],
      maxConcurrentStreams: options.maxConcurrentStreams ?? 2,
      scheduling: { ...DEFAULT_SCHEDULING, ...options.scheduling },
      pollIntervalSeconds: 10,
    };
    this.refs = {
      cluster: 'media-cluster',
      subnets: ['subnet-1'],
      securityGroups: ['sg-1'],
      taskDefinitions: Object.fromEntries(engines.map((e) => [e, `arn:aws:ecs:us-east-1:123456789012:task-definition/${e}:1`])),
      services: {},
    };
    this.ecs = new FakeEcsCluster('media-cluster', () => this.now);
    this.doc = documentClient(dynamo.client);
    this.sender = this.doc;
  }

  get registry(): StreamRegistry {
    return new StreamRegistry(this.doc, this.table);
  }

  /** One Coordinator invocation (a fresh invocation id, like a new Lambda request). */
  invoke(event: unknown): Promise<CoordinatorSummary> {
    return handleCoordinatorEvent(event, {
      config: this.config,
      refs: this.refs,
      doc: this.sender,
      tableName: this.table,
      ecs: this.ecs,
      output: this.output,
      invocationId: `invocation-${++this.invocations}`,
      now: () => this.now,
      random: () => 0.5,
      log: this.log,
      emitMetrics: (line) => this.emf.push(JSON.parse(line)),
    });
  }

  /** A control record as the event source mapping delivers it (raw value bytes allowed). */
  record(value: object | Buffer, key?: string, partition = 0): KafkaEventRecord {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
    const streamKey = key ?? (Buffer.isBuffer(value) ? undefined : (value as { streamId?: string }).streamId);
    return {
      topic: CONTROL_TOPIC,
      partition,
      offset: this.offset++,
      timestamp: this.now,
      timestampType: 'CREATE_TIME',
      key: streamKey === undefined ? null : Buffer.from(streamKey).toString('base64'),
      value: bytes.toString('base64'),
      headers: [],
    };
  }

  init(streamId: string, engines?: string[]): KafkaEventRecord {
    return this.record({
      type: 'stream-init', version: 1, streamId, createdAt: new Date(this.now).toISOString(), source: { kind: 'push' }, ...(engines ? { engines } : {}),
    });
  }

  end(streamId: string): KafkaEventRecord {
    return this.record({ type: 'end-of-stream', version: 1, streamId, lastSeq: 10, at: new Date(this.now).toISOString(), reason: 'completed' });
  }

  heartbeat(streamId: string, engine: string, taskId?: string): KafkaEventRecord {
    return this.record({ type: 'heartbeat', version: 1, streamId, engine, at: new Date(this.now).toISOString(), ...(taskId ? { taskId } : {}) });
  }

  batch(...records: KafkaEventRecord[]): KafkaBatchEvent {
    return kafkaEvent(records);
  }

  reconcile(): Promise<CoordinatorSummary> {
    return this.invoke(RECONCILE_EVENT);
  }

  /** The queue item of an open stream. */
  async stream(streamId: string): Promise<StreamItem | undefined> {
    return this.registry.openStream(streamId);
  }

  /** Live ECS tasks of a stream (not STOPPED). */
  liveTasksOf(streamId: string): string[] {
    return this.ecs.live().filter((t) => t.env.STREAM_ID === streamId).map((t) => t.arn);
  }

  /** Streams with at least one live task. */
  streamsWithLiveTasks(): Set<string> {
    return new Set(this.ecs.live().map((t) => t.env.STREAM_ID));
  }
}
