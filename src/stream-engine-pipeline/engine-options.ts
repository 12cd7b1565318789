import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EngineCapacity } from './engine-capacity';
import { PipelineTopic } from './pipeline-topic';

/** What every engine, stream or object, is made of. */
export interface EngineOptions {
  /** The engine's container image. */
  readonly image: ecs.ContainerImage;

  /**
   * CPU units of one task (1024 = 1 vCPU). On Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 1024
   */
  readonly cpu?: number;

  /**
   * Memory of one task in MiB; on Fargate it must suit `cpu` (e.g. 2048 to 8192 with 1024 CPU).
   * @default 2048
   */
  readonly memoryLimitMiB?: number;

  /**
   * Where the tasks run.
   * @default EngineCapacity.fargate()
   */
  readonly capacity?: EngineCapacity;

  /**
   * Extra environment variables. The engine contract's variables (KAFKA_*, ENGINE_*, STREAM_ID)
   * are set by the pipeline and cannot be overridden.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets passed to the container as environment variables.
   * @default - none
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * The container command.
   * @default - the image's CMD
   */
  readonly command?: string[];

  /**
   * Where the engine writes its results.
   * @default - the pipeline's results topic
   */
  readonly outputTopic?: PipelineTopic;
}
