import { Duration } from 'aws-cdk-lib';

/**
 * How an object engine follows its consumer lag. The lag scaler sets the service's desired count
 * to ceil(lag / lagPerTask) (or more, with `timeLagPerTask`) within [minTasks, maxTasks], at once
 * when scaling out and only after `scaleInCooldown` when scaling in. When Kafka cannot be read it
 * keeps the current count.
 */
export interface LagScalingOptions {
  /**
   * One task per this many messages of lag.
   * @default 100
   */
  readonly lagPerTask?: number;

  /**
   * An engine at zero tasks gets its first task only when its lag reaches this.
   * @default 1
   */
  readonly activationLag?: number;

  /**
   * The fewest tasks.
   * @default 0 (scale to zero)
   */
  readonly minTasks?: number;

  /**
   * The most tasks.
   * @default 10
   */
  readonly maxTasks?: number;

  /**
   * Scale in only after a lower count has been wanted this long.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * Allow more tasks than the input topic has partitions. Kafka gives each partition to one
   * consumer of a group, so tasks beyond the partition count idle.
   * @default false
   */
  readonly allowMoreTasksThanPartitions?: boolean;

  /**
   * No more tasks than partitions that have lag. Kafka gives each partition to one consumer of
   * the group, so with lag on N partitions at most N tasks have work: lag on 1 of 12 partitions
   * gets 1 task, not ceil(lag / lagPerTask). Cannot be combined with
   * allowMoreTasksThanPartitions. (KEDA's option of the same name defaults to false.)
   * @default - true, unless allowMoreTasksThanPartitions
   */
  readonly limitToPartitionsWithLag?: boolean;

  /**
   * A partition is stuck when its consumer position (the group's committed offset) has not
   * moved for this long while it had lag and the engine had running tasks: a record the engine
   * cannot get past, or a partition the group never commits. Stuck partitions are counted in the
   * StuckPartitions metric and raise the engine's stuck-partition alarm. Longer than the engine
   * ever takes to process and commit one record. 1 minute to 1 day.
   * @default Duration.minutes(10)
   */
  readonly persistentLagAfter?: Duration;

  /**
   * Stuck partitions stop driving scale-out: their lag no longer counts, and an engine with any
   * keeps one task (it picks the partition up again once the cause is gone) instead of holding
   * tasks that cannot help. False: their lag counts like any other (they are still reported).
   * @default true
   */
  readonly excludePersistentLag?: boolean;

  /**
   * Also scale on time lag: one task per this much age of the oldest record still to consume
   * (its Kafka timestamp), whichever of message lag and time lag asks for more tasks. Fits work
   * whose records differ in cost, where a count says little; the age is published as
   * TimeLagSeconds. 1 second to 1 day.
   * @default - message lag only
   */
  readonly timeLagPerTask?: Duration;
}
