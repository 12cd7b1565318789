import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EngineOptions } from './engine-options';
import { createEngineTask, EngineContext, requireOwnTopic, validateEngineName } from './engine-task';
import { LagScalingOptions } from './lag-scaling';
import { lagScalingConfig } from './lag-scaling-config';
import { OffsetReset } from './offset-reset';
import { PipelineTopic } from './pipeline-topic';
import { acknowledge } from '../private/nag';
import * as env from './runtime/environment';
import { ObjectEngineConfig } from './runtime/pipeline-config';

/** Options for `StreamEnginePipeline.addObjectEngine()`. */
export interface ObjectEngineOptions extends EngineOptions {
  /**
   * The topic the engine consumes, in its own consumer group.
   * @default - the pipeline's objects topic
   */
  readonly inputTopic?: PipelineTopic;

  /**
   * How the engine follows its consumer lag.
   * @default - one task per 100 messages of lag, 0 to 10 tasks, no more than partitions with lag, scale-in after 5 minutes
   */
  readonly scaling?: LagScalingOptions;

  /**
   * Where the engine starts on a partition its group has no usable committed offset for (never
   * committed, or deleted by retention). The engine gets it as ENGINE_OFFSET_RESET and the lag
   * scaler counts the same: with EARLIEST the retained backlog is lag (a new engine with a
   * backlog starts), with LATEST it is not.
   * @default OffsetReset.EARLIEST
   */
  readonly offsetReset?: OffsetReset;
}

/**
 * An engine that processes objects (frames, chunks) in parallel: a Fargate service consuming
 * its input topic in its own consumer group, scaled from zero by the pipeline's lag scaler.
 */
export class ObjectEngine extends Construct {
  /** @internal object engines are created by StreamEnginePipeline.addObjectEngine() */
  public static _create(scope: Construct, name: string, options: ObjectEngineOptions, context: EngineContext): ObjectEngine {
    return new ObjectEngine(scope, name, options, context);
  }

  /** The engine's name. */
  public readonly engineName: string;
  /** The ECS service; its desired count belongs to the lag scaler. */
  public readonly service: ecs.BaseService;
  /** The task definition. */
  public readonly taskDefinition: ecs.TaskDefinition;
  /** Where the engine's tasks log. */
  public readonly logGroup: logs.ILogGroup;
  /** The consumer group the engine's tasks share. */
  public readonly consumerGroup: string;
  /** The topic it consumes. */
  public readonly inputTopic: PipelineTopic;

  /** @internal what the lag scaler needs */
  public readonly _config: ObjectEngineConfig;

  private constructor(scope: Construct, name: string, options: ObjectEngineOptions, context: EngineContext) {
    super(scope, `ObjectEngine-${name}`);
    const where = `addObjectEngine('${name}')`;
    validateEngineName(where, name);
    const inputTopic = options.inputTopic ?? context.objectsTopic;
    requireOwnTopic(where, 'inputTopic', inputTopic, context);
    const scaling = lagScalingConfig(where, options.scaling);
    if (!scaling.allowMoreTasksThanPartitions && scaling.maxTasks > inputTopic.partitions) {
      throw new Error(`${where}: scaling.maxTasks (${scaling.maxTasks}) must not be above the ${inputTopic.partitions} partitions of '${inputTopic.topicName}' (extra tasks would idle); lower it, add partitions, or set scaling.allowMoreTasksThanPartitions`);
    }
    const consumerGroup = `${context.pipelineName}.object-engine.${name}`;
    const task = createEngineTask(this, context, {
      name,
      options,
      inputTopics: [inputTopic],
      consumerGroup,
      groupPattern: consumerGroup,
    }, where);
    grantScaleInProtection(task.taskDefinition.taskRole, context.cluster);
    const offsetReset = options.offsetReset ?? OffsetReset.EARLIEST;
    task.container.addEnvironment(env.ENV_OFFSET_RESET, offsetReset);

    const common = {
      cluster: context.cluster,
      // No desiredCount: CloudFormation would reset the lag scaler's count on every deployment.
      minHealthyPercent: 0,
      maxHealthyPercent: 200,
      vpcSubnets: context.vpcSubnets,
      securityGroups: [context.securityGroup],
      circuitBreaker: { rollback: true },
      capacityProviderStrategies: task.capacityProviderStrategy?.map((s) => ({ ...s })),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    };
    const service = task.taskDefinition instanceof ecs.FargateTaskDefinition
      ? new ecs.FargateService(this, 'Service', { ...common, taskDefinition: task.taskDefinition, assignPublicIp: false })
      : new ecs.Ec2Service(this, 'Service', { ...common, taskDefinition: task.taskDefinition });
    service.node.addDependency(context.topicsReady);
    acknowledge(service, [{
      id: 'AwsSolutions-ECS4',
      reason: 'Container Insights is a cluster setting: the pipeline\'s own cluster enables it; a cluster you bring keeps your choice.',
    }]);

    this.engineName = name;
    this.service = service;
    this.taskDefinition = task.taskDefinition;
    this.logGroup = task.logGroup;
    this.consumerGroup = consumerGroup;
    this.inputTopic = inputTopic;
    this._config = {
      name,
      inputTopic: inputTopic.topicName,
      outputTopic: (options.outputTopic ?? context.resultsTopic).topicName,
      consumerGroup,
      offsetReset,
      scaling,
    };
  }
}

/**
 * The engine's tasks mark themselves protected from scale-in while they process chunks: the ECS
 * agent endpoint (ECS_AGENT_URI/task-protection/v1/state) calls UpdateTaskProtection with the task
 * role. A task's id is not known at deploy time: the statement allows the tasks of the pipeline's
 * cluster (resource and ecs:cluster condition), and no other ECS action.
 */
function grantScaleInProtection(taskRole: iam.IRole, cluster: ecs.ICluster): void {
  taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecs:UpdateTaskProtection'],
    resources: [Stack.of(taskRole).formatArn({
      service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    })],
    conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
  }));
  acknowledge(taskRole, [{
    id: 'AwsSolutions-IAM5',
    reason: 'An object engine task protects itself from scale-in while it processes chunks (ecs:UpdateTaskProtection, through the ECS agent); its task id is not known at deploy time, so the resource is the tasks of the pipeline\'s cluster (task/<cluster>/*).',
    appliesTo: [{ regex: '/^Resource::arn:.*:ecs:.*:task\\/.*\\/\\*$/g' }],
  }]);
}
