/**
 * The Coordinator's records in the registry table (see registry-schema.ts): who launched what,
 * and how many streams hold a slot. Every write is conditional, so a repeated or concurrent
 * stream-init never launches twice and a slot is never released twice.
 *
 * | item              | pk                  | sk               | written by                         |
 * |-------------------|---------------------|------------------|------------------------------------|
 * | stream claim      | `stream#<streamId>` | `stream`         | the first stream-init (the claim)  |
 * | stream x engine   | `stream#<streamId>` | `engine#<name>`  | launch, end-of-stream, task stop   |
 * | active count      | `streams`           | `active`         | slot acquire / release             |
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
import {
  AttributeValue, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { REGISTRY_PARTITION_KEY as PK, REGISTRY_SORT_KEY as SK, REGISTRY_TTL_ATTRIBUTE as TTL } from './registry-schema';

export const STREAM_CLAIM_SK = 'stream';
export const ACTIVE_COUNTER_KEY = { pk: 'streams', sk: 'active' } as const;
/** Finished, failed and rejected records expire after this long. */
export const FINISHED_RECORD_TTL_SECONDS = 7 * 24 * 3600;

export type StreamStatus = 'claimed' | 'active' | 'rejected' | 'finished';
export type EngineStatus = 'launching' | 'running' | 'rejected' | 'failed' | 'finished' | 'stopped';

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

/** Anything with the DynamoDB client's `send` (the real client, or one pointed at dynalite). */
export type DynamoSender = Pick<DynamoDBClient, 'send'>;

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });
const streamPk = (streamId: string) => S(`stream#${streamId}`);
const engineSk = (engine: string) => S(`engine#${engine}`);

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export class StreamRegistry {
  constructor(private readonly ddb: DynamoSender, private readonly table: string, private readonly now: () => number = Date.now) {}

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + FINISHED_RECORD_TTL_SECONDS;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Step 1. 'claimed' (new), 'resume' (our own unfinished claim) or 'duplicate'. */
  async claimStream(streamId: string, engines: string[], owner: string): Promise<{ outcome: 'claimed' | 'resume' | 'duplicate'; claim?: StreamClaim }> {
    try {
      await this.ddb.send(new PutItemCommand({
        TableName: this.table,
        Item: {
          [PK]: streamPk(streamId),
          [SK]: S(STREAM_CLAIM_SK),
          streamId: S(streamId),
          status: S('claimed'),
          owner: S(owner),
          engines: { L: engines.map(S) },
          open: N(engines.length),
          claimedAt: S(this.iso()),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }));
      return { outcome: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const claim = await this.getClaim(streamId);
    if (claim && claim.owner === owner && (claim.status === 'claimed' || claim.status === 'active')) {
      return { outcome: 'resume', claim };
    }
    return { outcome: 'duplicate', claim };
  }

  async getClaim(streamId: string): Promise<StreamClaim | undefined> {
    const { Item } = await this.ddb.send(new GetItemCommand({
      TableName: this.table, Key: { [PK]: streamPk(streamId), [SK]: S(STREAM_CLAIM_SK) }, ConsistentRead: true,
    }));
    if (!Item) return undefined;
    return {
      streamId: Item.streamId?.S ?? streamId,
      status: Item.status?.S as StreamStatus,
      owner: Item.owner?.S ?? '',
      engines: (Item.engines?.L ?? []).map((v) => v.S ?? ''),
      open: Number(Item.open?.N ?? 0),
    };
  }

  /** Step 2: takes a slot when fewer than `max` are taken; false = over the limit. */
  async acquireSlot(max: number): Promise<boolean> {
    try {
      await this.ddb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: { [PK]: S(ACTIVE_COUNTER_KEY.pk), [SK]: S(ACTIVE_COUNTER_KEY.sk) },
        UpdateExpression: 'ADD active :one',
        ConditionExpression: 'attribute_not_exists(active) OR active < :max',
        ExpressionAttributeValues: { ':one': N(1), ':max': N(max) },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markStreamActive(streamId: string): Promise<void> {
    await this.ddb.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { [PK]: streamPk(streamId), [SK]: S(STREAM_CLAIM_SK) },
      UpdateExpression: 'SET #s = :active',
      ConditionExpression: '#s = :claimed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':active': S('active'), ':claimed': S('claimed') },
    })).catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  /** Over the limit: the claim and one record per engine say so (and expire). */
  async markStreamRejected(streamId: string, engines: string[], reason: string): Promise<void> {
    const expiresAt = this.expiresAt();
    await this.ddb.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { [PK]: streamPk(streamId), [SK]: S(STREAM_CLAIM_SK) },
      UpdateExpression: 'SET #s = :rejected, #open = :zero, reason = :reason, #ttl = :ttl',
      ExpressionAttributeNames: { '#s': 'status', '#open': 'open', '#ttl': TTL },
      ExpressionAttributeValues: { ':rejected': S('rejected'), ':zero': N(0), ':reason': S(reason), ':ttl': N(expiresAt) },
    }));
    for (const engine of engines) {
      await this.ddb.send(new PutItemCommand({
        TableName: this.table,
        Item: {
          ...engineRecordKeys(streamId, engine),
          status: S('rejected'),
          released: { BOOL: true },
          reason: S(reason),
          finishedAt: S(this.iso()),
          [TTL]: N(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      })).catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
    }
  }

  /** Step 3: the stream x engine record; false when it exists and is not ours to (re)launch. */
  async beginLaunch(streamId: string, engine: string, owner: string): Promise<boolean> {
    try {
      await this.ddb.send(new PutItemCommand({
        TableName: this.table,
        Item: {
          ...engineRecordKeys(streamId, engine),
          status: S('launching'),
          owner: S(owner),
          claimedAt: S(this.iso()),
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR (#s = :launching AND #o = :owner)',
        ExpressionAttributeNames: { '#pk': PK, '#s': 'status', '#o': 'owner' },
        ExpressionAttributeValues: { ':launching': S('launching'), ':owner': S(owner) },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Stores the task ARN; the status becomes `running` unless the stream already ended. */
  async recordTask(streamId: string, engine: string, taskArn: string, attempts: number): Promise<void> {
    const key = { [PK]: streamPk(streamId), [SK]: engineSk(engine) };
    try {
      await this.ddb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET taskArn = :arn, attempts = :attempts, startedAt = :at, #s = :running',
        ConditionExpression: '#s = :launching',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':arn': S(taskArn), ':attempts': N(attempts), ':at': S(this.iso()), ':running': S('running'), ':launching': S('launching') },
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.ddb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET taskArn = :arn, attempts = :attempts, startedAt = :at',
        ExpressionAttributeValues: { ':arn': S(taskArn), ':attempts': N(attempts), ':at': S(this.iso()) },
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
    const names: Record<string, string> = { '#pk': PK, '#s': 'status', '#ttl': TTL };
    const values: Record<string, AttributeValue> = {
      ':status': S(status), ':true': { BOOL: true }, ':at': S(this.iso()), ':ttl': N(this.expiresAt()), ':rejected': S('rejected'),
    };
    let update = 'SET #s = :status, released = :true, finishedAt = :at, #ttl = :ttl';
    let condition = 'attribute_exists(#pk) AND attribute_not_exists(released) AND #s <> :rejected';
    if (details.reason) {
      update += ', reason = :reason';
      values[':reason'] = S(details.reason);
    }
    if (details.stoppedReason) {
      update += ', stoppedReason = :stoppedReason';
      values[':stoppedReason'] = S(details.stoppedReason);
    }
    if (details.taskArn) {
      condition += ' AND (attribute_not_exists(taskArn) OR taskArn = :task)';
      values[':task'] = S(details.taskArn);
    }
    try {
      await this.ddb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: { [PK]: streamPk(streamId), [SK]: engineSk(engine) },
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }));
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.releaseShare(streamId);
    return true;
  }

  /** Keeps why a task stopped on a record that was already finished (by end-of-stream). */
  async noteStopped(streamId: string, engine: string, taskArn: string, stoppedReason: string): Promise<void> {
    await this.ddb.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { [PK]: streamPk(streamId), [SK]: engineSk(engine) },
      UpdateExpression: 'SET stoppedReason = :r, stoppedAt = :at',
      ConditionExpression: 'attribute_exists(#pk) AND taskArn = :task',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':r': S(stoppedReason), ':at': S(this.iso()), ':task': S(taskArn) },
    })).catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  /** One engine of the stream is done: the last one gives the stream's slot back. */
  private async releaseShare(streamId: string): Promise<void> {
    let open: number;
    try {
      const { Attributes } = await this.ddb.send(new UpdateItemCommand({
        TableName: this.table,
        Key: { [PK]: streamPk(streamId), [SK]: S(STREAM_CLAIM_SK) },
        UpdateExpression: 'ADD #open :minus',
        ConditionExpression: '#open > :zero AND #s <> :rejected',
        ExpressionAttributeNames: { '#open': 'open', '#s': 'status' },
        ExpressionAttributeValues: { ':minus': N(-1), ':zero': N(0), ':rejected': S('rejected') },
        ReturnValues: 'UPDATED_NEW',
      }));
      open = Number(Attributes?.open?.N ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    if (open > 0) return;
    await this.ddb.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { [PK]: streamPk(streamId), [SK]: S(STREAM_CLAIM_SK) },
      UpdateExpression: 'SET #s = :finished, finishedAt = :at, #ttl = :ttl',
      ExpressionAttributeNames: { '#s': 'status', '#ttl': TTL },
      ExpressionAttributeValues: { ':finished': S('finished'), ':at': S(this.iso()), ':ttl': N(this.expiresAt()) },
    }));
    await this.ddb.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { [PK]: S(ACTIVE_COUNTER_KEY.pk), [SK]: S(ACTIVE_COUNTER_KEY.sk) },
      UpdateExpression: 'ADD active :minus',
      ConditionExpression: 'active > :zero',
      ExpressionAttributeValues: { ':minus': N(-1), ':zero': N(0) },
    })).catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  /** The stream x engine record, or undefined. */
  async getEngine(streamId: string, engine: string): Promise<EngineRecord | undefined> {
    const { Item } = await this.ddb.send(new GetItemCommand({
      TableName: this.table, Key: { [PK]: streamPk(streamId), [SK]: engineSk(engine) }, ConsistentRead: true,
    }));
    if (!Item) return undefined;
    return {
      streamId,
      engine,
      status: Item.status?.S as EngineStatus,
      taskArn: Item.taskArn?.S,
      released: Item.released?.BOOL === true,
      reason: Item.reason?.S,
      stoppedReason: Item.stoppedReason?.S,
      expiresAt: Item[TTL]?.N ? Number(Item[TTL].N) : undefined,
    };
  }

  /** The counter: streams holding a slot. */
  async activeStreams(): Promise<number> {
    const { Item } = await this.ddb.send(new GetItemCommand({
      TableName: this.table, Key: { [PK]: S(ACTIVE_COUNTER_KEY.pk), [SK]: S(ACTIVE_COUNTER_KEY.sk) }, ConsistentRead: true,
    }));
    return Number(Item?.active?.N ?? 0);
  }
}

/** The key and identity attributes of a stream x engine record. */
function engineRecordKeys(streamId: string, engine: string): Record<string, AttributeValue> {
  return { [PK]: streamPk(streamId), [SK]: engineSk(engine), streamId: S(streamId), engine: S(engine) };
}
