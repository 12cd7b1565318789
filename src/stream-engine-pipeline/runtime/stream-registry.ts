/**
 * The Coordinator's records in the registry table (layout: registry-schema.ts). Every change to
 * a stream is one conditional write of its queue item (optimistic locking on `version`), so
 * concurrent invocations and redelivered batches cannot undo each other; without DynamoDB
 * transactions (dynalite, the local test DynamoDB, has none) the few two-item steps are ordered
 * so that a crash between them leaves a state the next event or scheduler pass completes:
 *
 * - open (stream-init): 1. the pointer (created, or moved to a new generation when the stream had
 *   expired or failed), 2. the queue item. A crash after 1 is finished by the redelivered init.
 * - close (after producers were told the outcome): 1. the pointer takes the outcome, 2. the queue
 *   item is deleted. A crash after 1 is finished by the next pass (the item is still in the queue).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  EngineJob, QUEUE_PK, queueKey, REGISTRY_PARTITION_KEY as PK, REGISTRY_TTL_ATTRIBUTE as TTL, RegistryKey, StreamItem,
  StreamPointerItem, streamPointerKey,
} from './registry-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

/** Closed streams' pointers are kept this long (a repeated stream-init within it is recognised). */
export const CLOSED_POINTER_TTL_SECONDS = 7 * 24 * 3600;

/** How many times a read-modify-write is tried when other writers keep changing the item. */
const MUTATE_ATTEMPTS = 8;

export type OpenOutcome = 'opened' | 'reopened' | 'duplicate';

export class StreamRegistry {
  constructor(private readonly doc: DocumentSender, private readonly table: string) {}

  /** A stream-init: opens the stream (or reopens an expired or failed one); 'duplicate' otherwise. */
  async open(streamId: string, engines: string[], arrival: string, arrivedAt: number): Promise<OpenOutcome> {
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const pointer = await this.pointer(streamId);
      if (!pointer) {
        const created: StreamPointerItem = { ...streamPointerKey(streamId), streamId, generation: 1, queueSk: queueKey(arrival, streamId).sk, status: 'open' };
        if (!await this.putIfAbsent(created)) continue;
        await this.createQueueItem(streamId, 1, queueKey(arrival, streamId), engines, arrivedAt);
        return 'opened';
      }
      if (pointer.status === 'open') {
        // a crash may have come between the pointer and the queue item: finish it
        const key = { pk: QUEUE_PK, sk: pointer.queueSk };
        if (!await this.get(key)) await this.createQueueItem(streamId, pointer.generation, key, engines, arrivedAt);
        return 'duplicate';
      }
      if (pointer.status === 'finished') return 'duplicate';
      // expired or failed: a new stream-init launches it again, as a new arrival
      const generation = pointer.generation + 1;
      const key = queueKey(arrival, streamId);
      try {
        await this.doc.send(new UpdateCommand({
          TableName: this.table,
          Key: streamPointerKey(streamId),
          UpdateExpression: 'SET generation = :next, queueSk = :sk, #s = :open REMOVE reason, #ttl',
          ConditionExpression: 'generation = :current AND #s = :was',
          ExpressionAttributeNames: { '#s': 'status', '#ttl': TTL },
          ExpressionAttributeValues: { ':next': generation, ':sk': key.sk, ':open': 'open', ':current': pointer.generation, ':was': pointer.status },
        }));
      } catch (error) {
        if (isConditionalCheckFailed(error)) continue;
        throw error;
      }
      await this.createQueueItem(streamId, generation, key, engines, arrivedAt);
      return 'reopened';
    }
    throw new Error(`stream ${streamId}: the registry kept changing while it was opened (${MUTATE_ATTEMPTS} tries)`);
  }

  async pointer(streamId: string): Promise<StreamPointerItem | undefined> {
    return (await this.get(streamPointerKey(streamId))) as StreamPointerItem | undefined;
  }

  /** The queue item of an open stream, or undefined. */
  async openStream(streamId: string): Promise<StreamItem | undefined> {
    const pointer = await this.pointer(streamId);
    if (!pointer || pointer.status !== 'open') return undefined;
    return (await this.get({ pk: QUEUE_PK, sk: pointer.queueSk })) as StreamItem | undefined;
  }

  /** A queue item as stored now, or undefined. */
  async item(key: RegistryKey): Promise<StreamItem | undefined> {
    return (await this.get(key)) as StreamItem | undefined;
  }

  /** Every open stream, in arrival order (one strongly consistent Query, paged). */
  async queue(): Promise<StreamItem[]> {
    const items: StreamItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :queue',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':queue': QUEUE_PK },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }));
      items.push(...(page.Items ?? []) as StreamItem[]);
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Read-modify-write of a queue item: `change` gets the current item and returns the new one
   * (or undefined to leave it). Retried on a concurrent change; returns what was written.
   */
  async mutate(key: RegistryKey, change: (item: StreamItem) => StreamItem | undefined): Promise<StreamItem | undefined> {
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const current = (await this.get(key)) as StreamItem | undefined;
      if (!current) return undefined;
      const next = change(current);
      if (!next || next === current) return undefined;
      if (await this.write(current, next)) return { ...next, version: current.version + 1 };
    }
    throw new Error(`stream item ${key.sk}: kept changing while it was updated (${MUTATE_ATTEMPTS} tries)`);
  }

  /** Writes `next` if the item is still at `current`'s version; false when someone changed it. */
  async write(current: StreamItem, next: StreamItem): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table,
        Item: { ...next, pk: current.pk, sk: current.sk, version: current.version + 1 },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': current.version },
      }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Records a stream's outcome on its pointer, then removes it from the queue. */
  async close(item: StreamItem, expiresAt: number): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: streamPointerKey(item.streamId),
        UpdateExpression: 'SET #s = :status, reason = :reason, #ttl = :ttl',
        ConditionExpression: 'generation = :generation AND queueSk = :sk',
        ExpressionAttributeNames: { '#s': 'status', '#ttl': TTL },
        ExpressionAttributeValues: {
          ':status': item.status, ':reason': item.reason ?? item.status, ':ttl': expiresAt, ':generation': item.generation, ':sk': item.sk,
        },
      }));
    } catch (error) {
      // the pointer moved on (a new stream-init reopened the stream): this item is an old generation's
      if (!isConditionalCheckFailed(error)) throw error;
    }
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } }));
  }

  private async createQueueItem(streamId: string, generation: number, key: RegistryKey, engines: string[], arrivedAt: number): Promise<void> {
    const job: EngineJob = { state: 'waiting', launches: 0, tokenGeneration: 0, launchFailures: 0 };
    const item: StreamItem = {
      ...key,
      streamId,
      generation,
      arrivedAt,
      status: 'waiting',
      slot: false,
      jobs: Object.fromEntries(engines.map((e) => [e, job])),
      published: [],
      version: 1,
    };
    await this.putIfAbsent(item);
  }

  private async putIfAbsent(item: StreamItem | StreamPointerItem): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK },
      }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** `key` may be a whole item: only its keys are sent. */
  private async get(key: RegistryKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }));
    return Item;
  }
}
