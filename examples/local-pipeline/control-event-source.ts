// The stand-in for the Coordinator's Kafka event source mapping: reads the control topic in the
// mapping's consumer group from its start (TRIM_HORIZON), hands the records to the function in
// batches of at most `batchSize`, in the event shape a self-managed Kafka mapping delivers
// (records grouped by "<topic>-<partition>", key and value in base64), and commits a batch only
// after the function returned. A failed batch is delivered again, and nothing after it goes
// before it, as the mapping does.
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { sleep } from '../../src/shared/runtime/timers';
import { KafkaBatchEvent, KafkaEventRecord } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';

type ControlRecord = Message<Buffer, Buffer, Buffer, Buffer>;

export interface ControlEventSourceOptions {
  readonly bootstrap: string;
  readonly topic: string;
  readonly consumerGroup: string;
  readonly batchSize: number;
  readonly deliver: (event: KafkaBatchEvent) => Promise<unknown>;
  readonly onError: (error: Error) => void;
}

/** Gather records this long before delivering a batch that is not full (the mapping's batching window). */
const BATCH_WINDOW_MS = 100;
const RETRY_DELAY_MS = 1_000;

export class ControlEventSource {
  private consumer?: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private readonly pending: ControlRecord[] = [];
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: ControlEventSourceOptions) {}

  async start(): Promise<void> {
    const kafka = loadKafka();
    this.consumer = new kafka.Consumer({
      clientId: 'local-event-source-mapping',
      bootstrapBrokers: [this.options.bootstrap],
      groupId: this.options.consumerGroup,
      maxWaitTime: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.stream = await this.consumer.consume({
      topics: [this.options.topic],
      mode: kafka.MessagesStreamModes.COMMITTED,
      fallbackMode: kafka.MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    this.stream.on('data', (record: ControlRecord) => this.pending.push(record));
    this.stream.on('error', (error: Error) => {
      if (!this.stopped) this.options.onError(error);
    });
    this.running = this.deliverBatches();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.stream?.close().catch(() => undefined);
    await closeQuietly(this.consumer);
  }

  private async deliverBatches(): Promise<void> {
    while (!this.stopped) {
      await sleep(BATCH_WINDOW_MS);
      if (this.pending.length === 0) continue;
      const batch = this.pending.splice(0, this.options.batchSize);
      while (!this.stopped) {
        try {
          await this.options.deliver(this.event(batch));
          break;
        } catch (error) {
          this.options.onError(error as Error);
          await sleep(RETRY_DELAY_MS);
        }
      }
      if (this.stopped) return;
      // commit the last record of each partition: everything before it was delivered
      const last = new Map(batch.map((r) => [r.partition, r]));
      for (const record of last.values()) {
        try {
          await record.commit();
        } catch (error) {
          this.options.onError(error as Error);
        }
      }
    }
  }

  private event(batch: readonly ControlRecord[]): KafkaBatchEvent {
    const records: Record<string, KafkaEventRecord[]> = {};
    for (const r of batch) {
      (records[`${r.topic}-${r.partition}`] ??= []).push({
        topic: r.topic,
        partition: r.partition,
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        timestampType: 'CREATE_TIME',
        key: r.key?.length ? r.key.toString('base64') : null,
        value: r.value?.length ? r.value.toString('base64') : null,
        headers: [...r.headers].map(([name, value]) => ({ [name.toString()]: [...value] })),
      });
    }
    return { eventSource: 'SelfManagedKafka', bootstrapServers: this.options.bootstrap, records };
  }
}

/** Leaves the group; a consumer that cannot reach the broker any more is closed all the same. */
export async function closeQuietly(consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined): Promise<void> {
  try {
    await consumer?.close(true);
  } catch {
    // the broker is gone: nothing to leave
  }
}
