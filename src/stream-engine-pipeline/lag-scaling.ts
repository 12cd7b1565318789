import { Duration } from 'aws-cdk-lib';

/**
 * How an object engine follows its consumer lag. The lag scaler sets the service's desired count
 * to ceil(lag / lagPerTask) within [minTasks, maxTasks], at once when scaling out and only after
 * `scaleInCooldown` when scaling in. When Kafka cannot be read it keeps the current count.
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
}
