// What the terminal view shows about the pipeline, observed from outside as a user would: the
// results topic (stream-status messages, engine outputs, chunk results, read from its start), the
// registry table (each stream's open item: its state and its engines' jobs) and the consumer lag
// of the object engines' groups and of the Coordinator's event source (read with the lag
// scaler's own reader).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin, Consumer, Message, MessagesStream } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { closeQuietly } from './control-event-source';
import { documentClient } from '../../src/shared/runtime/aws-clients';
import type { ChunkResultMessage, StreamStatusMessage } from '../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { LagQuery, LagResult, readLag } from '../../src/stream-engine-pipeline/runtime/lag-reader';
import { parseMessage } from '../../src/stream-engine-pipeline/runtime/message-validation';
import { QUEUE_PK, StreamItem, StreamPointerItem } from '../../src/stream-engine-pipeline/runtime/registry-schema';

export interface StreamObservation {
  readonly streamId: string;
  /** The last stream-status the Coordinator told producers. */
  status?: StreamStatusMessage['status'];
  reason?: string;
  /** The registry's open item (undefined once the stream is closed). */
  open?: StreamItem;
  engineOutputs: number;
  chunkResults: number;
}

export interface Observations {
  readonly streams: ReadonlyMap<string, StreamObservation>;
  /** chunk-result messages read, and how many distinct chunks they cover. */
  readonly chunkResults: { readonly total: number; readonly distinct: number };
  readonly lastResults: readonly ChunkResultMessage[];
  readonly lag: ReadonlyMap<string, LagResult>;
  /** Why the last reading failed, if it did. */
  readonly problem?: string;
}

export interface PipelineWatchOptions {
  readonly bootstrap: string;
  readonly resultsTopic: string;
  readonly dynamo: DynamoDBClient;
  readonly registryTable: string;
  /** The groups whose lag is shown, by label. */
  readonly groups: readonly LagQuery[];
}

const KEEP_RESULTS = 4;

export class PipelineWatch {
  private readonly streams = new Map<string, StreamObservation>();
  private readonly chunks = new Set<string>();
  private chunkResultCount = 0;
  private readonly lastResults: ChunkResultMessage[] = [];
  private lag = new Map<string, LagResult>();
  private problem?: string;
  private consumer?: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(private readonly options: PipelineWatchOptions) {}

  async start(): Promise<void> {
    const kafka = loadKafka();
    this.admin = new kafka.Admin({ clientId: 'local-pipeline-watch', bootstrapBrokers: [this.options.bootstrap] });
    this.consumer = new kafka.Consumer({
      clientId: 'local-pipeline-watch',
      bootstrapBrokers: [this.options.bootstrap],
      groupId: `local-pipeline-watch-${process.pid}-${Date.now()}`,
      maxWaitTime: 200,
    });
    this.stream = await this.consumer.consume({ topics: [this.options.resultsTopic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
    this.stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => this.onResult(message));
    this.stream.on('error', (error: Error) => (this.problem = `results topic: ${error.message}`));
    this.timer = setInterval(() => {
      this.reading ??= this.read().finally(() => (this.reading = undefined));
    }, 1_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
    await this.stream?.close().catch(() => undefined);
    await closeQuietly(this.consumer);
    await this.admin?.close().catch(() => undefined);
  }

  observations(): Observations {
    return {
      streams: this.streams,
      chunkResults: { total: this.chunkResultCount, distinct: this.chunks.size },
      lastResults: this.lastResults,
      lag: this.lag,
      problem: this.problem,
    };
  }

  private observed(streamId: string): StreamObservation {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = { streamId, engineOutputs: 0, chunkResults: 0 };
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  private onResult(record: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const parsed = record.value ? parseMessage(record.value) : undefined;
    if (!parsed?.ok) return;
    const message = parsed.message;
    if (message.type === 'stream-status') {
      Object.assign(this.observed(message.streamId), { status: message.status, reason: message.reason });
    } else if (message.type === 'engine-output') {
      this.observed(message.streamId).engineOutputs++;
    } else if (message.type === 'chunk-result') {
      this.observed(message.streamId).chunkResults++;
      this.chunkResultCount++;
      this.chunks.add(`${message.streamId}/${message.chunkId}`);
      this.lastResults.push(message);
      this.lastResults.splice(0, this.lastResults.length - KEEP_RESULTS);
    }
  }

  /** The registry (one Scan: the table holds a few items) and the lag. */
  private async read(): Promise<void> {
    try {
      const scan = new ScanCommand({ TableName: this.options.registryTable, ConsistentRead: true });
      const items = (await documentClient(this.options.dynamo).send(scan)).Items ?? [];
      const open = new Map<string, StreamItem>();
      for (const item of items) {
        if (item.pk === QUEUE_PK) {
          open.set(item.streamId, item as StreamItem);
        } else if (String(item.pk).startsWith('stream#')) {
          this.observed((item as StreamPointerItem).streamId);
        }
      }
      for (const stream of this.streams.values()) stream.open = open.get(stream.streamId);
      for (const [streamId, item] of open) this.observed(streamId).open = item;
      this.lag = await readLag(this.admin!, this.options.groups);
      this.problem = undefined;
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }
}
