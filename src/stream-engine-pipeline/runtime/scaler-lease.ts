/**
 * One polling run of the lag scaler at a time, handed over without a gap. The schedule starts a
 * run every minute and each run polls for longer than that (scaler-run.ts), so two runs overlap
 * for a moment: the newer one takes the lease as soon as it is ready to poll, and the older one,
 * which checks the lease before each poll, sees that and stops. "Newer" is the run's epoch (the
 * time of the schedule event that started it), so a late delivery of an older event never takes
 * the lease back; a second delivery of the same event may, and the first one then stops.
 *
 * No expiry: a run that died simply stops checking, and the next run takes over.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { scalerLeaseKey, ScalerLeaseItem } from './registry-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

export class ScalerLease {
  constructor(
    private readonly doc: DocumentSender,
    private readonly table: string,
    /** This run: its id and epoch. */
    readonly run: { readonly id: string; readonly epoch: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the lease unless a newer run holds it; false when one does. */
  async take(abortSignal?: AbortSignal): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.table,
        Key: scalerLeaseKey(),
        UpdateExpression: 'SET holder = :id, epoch = :epoch, takenAt = :now',
        ConditionExpression: 'attribute_not_exists(epoch) OR epoch <= :epoch',
        ExpressionAttributeValues: { ':id': this.run.id, ':epoch': this.run.epoch, ':now': this.now() },
      }), { abortSignal });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** True while this run holds the lease. */
  async held(abortSignal?: AbortSignal): Promise<boolean> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: scalerLeaseKey(), ConsistentRead: true }), { abortSignal });
    return (Item as ScalerLeaseItem | undefined)?.holder === this.run.id;
  }
}
