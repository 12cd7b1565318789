/**
 * One scheduler pass at a time per pipeline: only the holder of this lease launches tasks, so
 * slots are counted by one writer and never handed out twice. Any invocation may try to take
 * it; one that cannot leaves the work to the holder:
 *
 * - an event handler first marks the lease dirty (a counter, `dirty`, so no clocks are compared),
 *   then tries to take it;
 * - the holder releases it only if the counter is where it was when the pass began, else it runs
 *   another pass. So a change is either seen by a running pass, or by the one that follows.
 *
 * The lease expires (`leaseUntil`), so a holder that crashed blocks nobody for long; a holder
 * renews it before each launch, and stops when it finds it lost.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { schedulerLeaseKey } from './registry-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

/** Longer than any pass between two renewals (a few RunTask calls with 10 s timeouts). */
export const LEASE_MS = 60_000;

export class SchedulerLease {
  constructor(
    private readonly doc: DocumentSender,
    private readonly table: string,
    private readonly holder: string,
    private readonly now: () => number,
  ) {}

  /**
   * Takes the lease if it is free, expired or already ours. Returns the dirty counter as the pass
   * begins (hand it to `release`), or undefined when another invocation holds the lease.
   */
  async acquire(): Promise<number | undefined> {
    try {
      const { Attributes } = await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: schedulerLeaseKey(),
        UpdateExpression: 'SET holder = :me, leaseUntil = :until',
        ConditionExpression: 'attribute_not_exists(holder) OR leaseUntil < :now OR holder = :me',
        ExpressionAttributeValues: { ':me': this.holder, ':until': this.now() + LEASE_MS, ':now': this.now() },
        ReturnValues: 'ALL_NEW',
      }));
      return (Attributes?.dirty as number | undefined) ?? 0;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Extends our lease; false when another invocation holds it now. */
  async renew(): Promise<boolean> {
    return this.update('SET leaseUntil = :until', 'holder = :me', { ':me': this.holder, ':until': this.now() + LEASE_MS });
  }

  /** Releases our lease unless the queue was marked dirty since `acquire` returned `seen` (then: run again). */
  async release(seen: number): Promise<boolean> {
    return this.update(
      'REMOVE holder, leaseUntil',
      'holder = :me AND (attribute_not_exists(dirty) OR dirty = :seen)',
      { ':me': this.holder, ':seen': seen },
    );
  }

  /** Gives our lease up after a failed pass, whatever was marked dirty. */
  async abandon(): Promise<void> {
    await this.update('REMOVE holder, leaseUntil', 'holder = :me', { ':me': this.holder });
  }

  /** Tells a running pass that the queue changed. */
  async markDirty(): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: schedulerLeaseKey(),
      UpdateExpression: 'ADD dirty :one',
      ExpressionAttributeValues: { ':one': 1 },
    }));
  }

  private async update(expression: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: schedulerLeaseKey(),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
