/**
 * The Coordinator's records in the registry table (key layout and item shapes in
 * registry-schema.ts): who launched what, and how many streams hold a slot. Every write is
 * conditional, so a repeated or concurrent stream-init never launches twice and a slot is never
 * released twice.
 *
 * | item              | written by                         |
 * |-------------------|------------------------------------|
 * | stream claim      | the first stream-init (the claim)  |
 * | stream x engine   | launch, end-of-stream, task stop   |
 * | active counter    | slot acquire / release             |
 *
 * Without DynamoDB transactions (dynalite, the local test DynamoDB, has none) the steps are
 * ordered so that a crash can only ever leak a slot, never launch twice:
 * 1. claim: put the stream claim if absent (owner = the Kafka record's topic/partition/offset,
 *    so a redelivery of the SAME record may resume its own unfinished claim);
 * 2. slot: `active < max` conditional increment of the counter; refused -> stream rejected;
 * 3. per engine: put the stream x engine record (`launching`), RunTask, store the task ARN;
 * 4. release (end-of-stream, task stopped, launch failed), per engine record, once: a
 *    conditional flip of `released`; the stream claim counts its open engines down and the one
 *    release that reaches 0 decrements the counter.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ActiveCounterItem, activeCounterKey, EngineStatus, REGISTRY_PARTITION_KEY as PK, REGISTRY_TTL_ATTRIBUTE as TTL,
  StreamClaimItem, streamClaimKey, StreamEngineItem, streamEngineKey, StreamStatus,
} from './registry-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

/** Finished, failed and rejected records expire after this long. */
export const FINISHED_RECORD_TTL_SECONDS = 7 * 24 * 3600;

export interface EngineRecord {
  readonly streamId: string;
  readonly engine: string;
  readonly status: EngineStatus;
  readonly taskArn?: string;
  readonly released: boolean;
  readonly reason?: string;
  readonly stoppedReason?: string;
  readonly expiresAt?: number;
}

export interface StreamClaim {
  readonly streamId: string;
  readonly status: StreamStatus;
  readonly owner: string;
  readonly engines: string[];
  readonly open: number;
}

/** Swallows a failed condition (the write was not needed); anything else is rethrown. */
function unlessConditionFailed(error: unknown): void {
  if (!isConditionalCheckFailed(error)) throw error;
}

export class StreamRegistry {
  constructor(private readonly doc: DocumentSender, private readonly table: string, private readonly now: () => number = Date.now) {}

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + FINISHED_RECORD_TTL_SECONDS;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Step 1. 'claimed' (new), 'resume' (our own unfinished claim) or 'duplicate'. */
  async claimStream(streamId: string, engines: string[], owner: string): Promise<{ outcome: 'claimed' | 'resume' | 'duplicate'; claim?: StreamClaim }> {
    const item: StreamClaimItem = {
      ...streamClaimKey(streamId),
      streamId,
      status: 'claimed',
      owner,
      engines,
      open: engines.length,
      claimedAt: this.iso(),
    };
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }));
      return { outcome: 'claimed' };
    } catch (error) {
      unlessConditionFailed(error);
    }
    const claim = await this.getClaim(streamId);
    if (claim && claim.owner === owner && (claim.status === 'claimed' || claim.status === 'active')) {
      return { outcome: 'resume', claim };
    }
    return { outcome: 'duplicate', claim };
  }

  async getClaim(streamId: string): Promise<StreamClaim | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: streamClaimKey(streamId), ConsistentRead: true }));
    if (!Item) return undefined;
    const item = Item as Partial<StreamClaimItem>;
    return { streamId: item.streamId ?? streamId, status: item.status!, owner: item.owner ?? '', engines: item.engines ?? [], open: item.open ?? 0 };
  }

  /** Step 2: takes a slot when fewer than `max` are taken; false = over the limit. */
  async acquireSlot(max: number): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: activeCounterKey(),
        UpdateExpression: 'ADD active :one',
        ConditionExpression: 'attribute_not_exists(active) OR active < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': max },
      }));
      return true;
    } catch (error) {
      unlessConditionFailed(error);
      return false;
    }
  }

  async markStreamActive(streamId: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: streamClaimKey(streamId),
      UpdateExpression: 'SET #s = :active',
      ConditionExpression: '#s = :claimed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':active': 'active', ':claimed': 'claimed' },
    })).catch(unlessConditionFailed);
  }

  /** Over the limit: the claim and one record per engine say so (and expire). */
  async markStreamRejected(streamId: string, engines: string[], reason: string): Promise<void> {
    const expiresAt = this.expiresAt();
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: streamClaimKey(streamId),
      UpdateExpression: 'SET #s = :rejected, #open = :zero, reason = :reason, #ttl = :ttl',
      ExpressionAttributeNames: { '#s': 'status', '#open': 'open', '#ttl': TTL },
      ExpressionAttributeValues: { ':rejected': 'rejected', ':zero': 0, ':reason': reason, ':ttl': expiresAt },
    }));
    for (const engine of engines) {
      const item: StreamEngineItem = {
        ...streamEngineKey(streamId, engine),
        streamId,
        engine,
        status: 'rejected',
        released: true,
        reason,
        finishedAt: this.iso(),
        expiresAt,
      };
      await this.doc.send(new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      })).catch(unlessConditionFailed);
    }
  }

  /** Step 3: the stream x engine record; false when it exists and is not ours to (re)launch. */
  async beginLaunch(streamId: string, engine: string, owner: string): Promise<boolean> {
    const item: StreamEngineItem = {
      ...streamEngineKey(streamId, engine),
      streamId,
      engine,
      status: 'launching',
      owner,
      claimedAt: this.iso(),
    };
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk) OR (#s = :launching AND #o = :owner)',
        ExpressionAttributeNames: { '#pk': PK, '#s': 'status', '#o': 'owner' },
        ExpressionAttributeValues: { ':launching': 'launching', ':owner': owner },
      }));
      return true;
    } catch (error) {
      unlessConditionFailed(error);
      return false;
    }
  }

  /** Stores the task ARN; the status becomes `running` unless the stream already ended. */
  async recordTask(streamId: string, engine: string, taskArn: string, attempts: number): Promise<void> {
    const values = { ':arn': taskArn, ':attempts': attempts, ':at': this.iso() };
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: streamEngineKey(streamId, engine),
        UpdateExpression: 'SET taskArn = :arn, attempts = :attempts, startedAt = :at, #s = :running',
        ConditionExpression: '#s = :launching',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ...values, ':running': 'running', ':launching': 'launching' },
      }));
    } catch (error) {
      unlessConditionFailed(error);
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: streamEngineKey(streamId, engine),
        UpdateExpression: 'SET taskArn = :arn, attempts = :attempts, startedAt = :at',
        ExpressionAttributeValues: values,
      }));
    }
  }

  /**
   * Step 4: ends a stream x engine record and releases its share of the slot, once. Returns
   * true when this call released it (false: already released, rejected, or no such record).
   * `taskArn`, when given, must match the record's (a stop of some other task changes nothing).
   */
  async finishEngine(streamId: string, engine: string, status: 'finished' | 'failed' | 'stopped',
    details: { reason?: string; stoppedReason?: string; taskArn?: string } = {}): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':status': status, ':true': true, ':at': this.iso(), ':ttl': this.expiresAt(), ':rejected': 'rejected',
    };
    let update = 'SET #s = :status, released = :true, finishedAt = :at, #ttl = :ttl';
    let condition = 'attribute_exists(#pk) AND attribute_not_exists(released) AND #s <> :rejected';
    if (details.reason) {
      update += ', reason = :reason';
      values[':reason'] = details.reason;
    }
    if (details.stoppedReason) {
      update += ', stoppedReason = :stoppedReason';
      values[':stoppedReason'] = details.stoppedReason;
    }
    if (details.taskArn) {
      condition += ' AND (attribute_not_exists(taskArn) OR taskArn = :task)';
      values[':task'] = details.taskArn;
    }
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: streamEngineKey(streamId, engine),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#pk': PK, '#s': 'status', '#ttl': TTL },
        ExpressionAttributeValues: values,
      }));
    } catch (error) {
      unlessConditionFailed(error);
      return false;
    }
    await this.releaseShare(streamId);
    return true;
  }

  /** Keeps why a task stopped on a record that was already finished (by end-of-stream). */
  async noteStopped(streamId: string, engine: string, taskArn: string, stoppedReason: string): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: streamEngineKey(streamId, engine),
      UpdateExpression: 'SET stoppedReason = :r, stoppedAt = :at',
      ConditionExpression: 'attribute_exists(#pk) AND taskArn = :task',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':r': stoppedReason, ':at': this.iso(), ':task': taskArn },
    })).catch(unlessConditionFailed);
  }

  /** One engine of the stream is done: the last one gives the stream's slot back. */
  private async releaseShare(streamId: string): Promise<void> {
    let open: number;
    try {
      const { Attributes } = await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: streamClaimKey(streamId),
        UpdateExpression: 'ADD #open :minus',
        ConditionExpression: '#open > :zero AND #s <> :rejected',
        ExpressionAttributeNames: { '#open': 'open', '#s': 'status' },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ':rejected': 'rejected' },
        ReturnValues: 'UPDATED_NEW',
      }));
      open = (Attributes as Pick<StreamClaimItem, 'open'> | undefined)?.open ?? 0;
    } catch (error) {
      unlessConditionFailed(error);
      return;
    }
    if (open > 0) return;
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: streamClaimKey(streamId),
      UpdateExpression: 'SET #s = :finished, finishedAt = :at, #ttl = :ttl',
      ExpressionAttributeNames: { '#s': 'status', '#ttl': TTL },
      ExpressionAttributeValues: { ':finished': 'finished', ':at': this.iso(), ':ttl': this.expiresAt() },
    }));
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: activeCounterKey(),
      UpdateExpression: 'ADD active :minus',
      ConditionExpression: 'active > :zero',
      ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
    })).catch(unlessConditionFailed);
  }

  /** The stream x engine record, or undefined. */
  async getEngine(streamId: string, engine: string): Promise<EngineRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: streamEngineKey(streamId, engine), ConsistentRead: true }));
    if (!Item) return undefined;
    const item = Item as StreamEngineItem;
    return {
      streamId,
      engine,
      status: item.status,
      taskArn: item.taskArn,
      released: item.released === true,
      reason: item.reason,
      stoppedReason: item.stoppedReason,
      expiresAt: item.expiresAt,
    };
  }

  /** The counter: streams holding a slot. */
  async activeStreams(): Promise<number> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: activeCounterKey(), ConsistentRead: true }));
    return (Item as ActiveCounterItem | undefined)?.active ?? 0;
  }
}
