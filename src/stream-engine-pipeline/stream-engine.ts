import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EngineOptions } from './engine-options';
import { CapacityProviderStrategyEntry, createEngineTask, EngineContext, requireOwnTopic, validateEngineName } from './engine-task';
import { PipelineTopic } from './pipeline-topic';
import { StreamEngineConfig } from './runtime/pipeline-config';

/** Options for `StreamEnginePipeline.addStreamEngine()`. */
export interface StreamEngineOptions extends EngineOptions {
  /**
   * Topics the engine reads. Messages are keyed by stream id, so the engine reads its stream's
   * messages in order and skips other streams'.
   * @default - the pipeline's raw streams topic
   */
  readonly inputTopics?: PipelineTopic[];
}

/**
 * An engine that works on one whole stream: the Coordinator starts one task of it per incoming
 * stream (ECS RunTask), with the stream id in `STREAM_ID`. The task sends a heartbeat to the
 * control topic (`ENGINE_CONTROL_TOPIC`) at least every `ENGINE_HEARTBEAT_INTERVAL_SECONDS`.
 */
export class StreamEngine extends Construct {
  /** @internal stream engines are created by StreamEnginePipeline.addStreamEngine() */
  public static _create(scope: Construct, name: string, options: StreamEngineOptions, context: EngineContext): StreamEngine {
    return new StreamEngine(scope, name, options, context);
  }

  /** The engine's name. */
  public readonly engineName: string;
  /** The task definition the Coordinator runs. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** The engine's container. */
  public readonly container: ecs.ContainerDefinition;
  /** Where the engine's tasks log. */
  public readonly logGroup: logs.ILogGroup;
  /** Topics the engine reads. */
  public readonly inputTopics: PipelineTopic[];

  /** @internal what the Coordinator needs to launch it */
  public readonly _config: StreamEngineConfig;
  /** @internal */
  public readonly _capacityProviderStrategy?: CapacityProviderStrategyEntry[];

  private constructor(scope: Construct, name: string, options: StreamEngineOptions, context: EngineContext) {
    super(scope, `StreamEngine-${name}`);
    const where = `addStreamEngine('${name}')`;
    validateEngineName(where, name);
    const inputTopics = options.inputTopics ?? [context.rawStreamsTopic];
    if (options.inputTopics && inputTopics.length === 0) {
      throw new Error(`${where}: inputTopics must name at least one topic; omit it to read the raw streams topic`);
    }
    inputTopics.forEach((t, i) => requireOwnTopic(where, `inputTopics[${i}]`, t, context));
    const groupPrefix = `${context.pipelineName}.stream-engine.${name}`;
    const task = createEngineTask(this, context, {
      name,
      options,
      inputTopics,
      consumerGroup: groupPrefix,
      groupPattern: `${groupPrefix}.*`,
      perStream: true,
    }, where);
    this.engineName = name;
    this.taskDefinition = task.taskDefinition;
    this.container = task.container;
    this.logGroup = task.logGroup;
    this.inputTopics = inputTopics;
    this._capacityProviderStrategy = task.capacityProviderStrategy;
    this._config = {
      name,
      containerName: task.container.containerName,
      inputTopics: inputTopics.map((t) => t.topicName),
      inputPartitions: inputTopics.map((t) => t.partitions),
      outputTopic: (options.outputTopic ?? context.resultsTopic).topicName,
      consumerGroupPrefix: groupPrefix,
    };
  }
}
