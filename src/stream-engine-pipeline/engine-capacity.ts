import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EngineCapacityKind } from './engine-capacity-kind';
import { invalidProp, requireInteger } from '../private/validation';

/** Options for `EngineCapacity.gpu()`. */
export interface GpuCapacityOptions {
  /** A GPU instance type, e.g. `ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE)`. */
  readonly instanceType: ec2.InstanceType;

  /**
   * GPUs each engine task reserves.
   * @default 1
   */
  readonly gpuCount?: number;

  /**
   * Instances kept running when no engine task needs one.
   * @default 0
   */
  readonly minInstances?: number;

  /**
   * The most instances the engine may use.
   * @default 4
   */
  readonly maxInstances?: number;
}

const GPU_FAMILIES = /^(g4dn|g4ad|g5|g5g|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e|p5en|g6f|gr6f)\./;

/**
 * Where an engine's tasks run. Fargate has no GPUs, so GPU engines run on ECS with EC2 GPU
 * instances that scale with the engine.
 */
export class EngineCapacity {
  /** AWS Fargate: no servers, starts in about a minute. The default. */
  public static fargate(): EngineCapacity {
    return new EngineCapacity(EngineCapacityKind.FARGATE);
  }

  /** AWS Fargate Spot: cheaper, for engines that tolerate an interrupted task. */
  public static fargateSpot(): EngineCapacity {
    return new EngineCapacity(EngineCapacityKind.FARGATE_SPOT);
  }

  /** EC2 GPU instances (ECS GPU-optimized AMI) in an Auto Scaling group managed by ECS. */
  public static gpu(options: GpuCapacityOptions): EngineCapacity {
    const where = 'EngineCapacity.gpu()';
    if (!GPU_FAMILIES.test(options.instanceType.toString())) {
      invalidProp(where, 'instanceType', `must be a GPU instance type (g4dn, g5, g6, p4d, p5, ...); got '${options.instanceType.toString()}'`);
    }
    requireInteger(where, 'gpuCount', options.gpuCount, 1, 16);
    requireInteger(where, 'minInstances', options.minInstances, 0, 100);
    requireInteger(where, 'maxInstances', options.maxInstances, 1, 100);
    if ((options.minInstances ?? 0) > (options.maxInstances ?? 4)) {
      invalidProp(where, 'minInstances', `must not be above maxInstances (${options.maxInstances ?? 4}); got ${options.minInstances}`);
    }
    return new EngineCapacity(EngineCapacityKind.GPU, options);
  }

  /** @internal which kind of capacity this is */
  public readonly _kind: EngineCapacityKind;

  /** @internal the GPU options, for EngineCapacityKind.GPU */
  public readonly _gpuOptions?: GpuCapacityOptions;

  private constructor(kind: EngineCapacityKind, gpuOptions?: GpuCapacityOptions) {
    this._kind = kind;
    this._gpuOptions = gpuOptions;
  }
}
