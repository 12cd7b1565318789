import { Duration } from 'aws-cdk-lib';
import { LagScalingOptions } from './lag-scaling';
import { invalidProp, requireDuration, requireInteger } from '../private/validation';
import { LagScalingConfig } from './runtime/pipeline-config';

/** Validates the options and returns what the lag scaler reads. */
export function lagScalingConfig(where: string, options: LagScalingOptions = {}): LagScalingConfig {
  requireInteger(where, 'scaling.lagPerTask', options.lagPerTask, 1, 10_000_000);
  requireInteger(where, 'scaling.activationLag', options.activationLag, 1, 10_000_000);
  requireInteger(where, 'scaling.minTasks', options.minTasks, 0, 1000);
  requireInteger(where, 'scaling.maxTasks', options.maxTasks, 1, 1000);
  requireDuration(where, 'scaling.scaleInCooldown', options.scaleInCooldown, 0, 24 * 3_600_000);
  requireDuration(where, 'scaling.persistentLagAfter', options.persistentLagAfter, 60_000, 24 * 3_600_000);
  requireDuration(where, 'scaling.timeLagPerTask', options.timeLagPerTask, 1_000, 24 * 3_600_000);
  if (options.limitToPartitionsWithLag && options.allowMoreTasksThanPartitions) {
    invalidProp(where, 'scaling.limitToPartitionsWithLag', 'cannot be true with scaling.allowMoreTasksThanPartitions: one caps tasks below the partition count, the other allows more than it; choose one');
  }
  const minTasks = options.minTasks ?? 0;
  const maxTasks = options.maxTasks ?? 10;
  if (minTasks > maxTasks) {
    invalidProp(where, 'scaling.minTasks', `must not be above scaling.maxTasks (${maxTasks}); got ${minTasks}`);
  }
  return {
    lagPerTask: options.lagPerTask ?? 100,
    activationLag: options.activationLag ?? 1,
    minTasks,
    maxTasks,
    scaleInCooldownSeconds: (options.scaleInCooldown ?? Duration.minutes(5)).toSeconds(),
    allowMoreTasksThanPartitions: options.allowMoreTasksThanPartitions ?? false,
    limitToPartitionsWithLag: options.limitToPartitionsWithLag ?? !options.allowMoreTasksThanPartitions,
    persistentLagAfterSeconds: (options.persistentLagAfter ?? Duration.minutes(10)).toSeconds(),
    excludePersistentLag: options.excludePersistentLag ?? true,
    ...(options.timeLagPerTask ? { timeLagPerTaskSeconds: options.timeLagPerTask.toSeconds() } : {}),
  };
}
