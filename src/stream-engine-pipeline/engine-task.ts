import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IDependable } from 'constructs';
import { EngineCapacity } from './engine-capacity';
import { EngineCapacityKind } from './engine-capacity-kind';
import { EngineOptions } from './engine-options';
import { grantKafkaAccess } from './kafka-access';
import { KafkaBusBinding, KafkaClientAuth } from './kafka-bus';
import { PipelineTopic } from './pipeline-topic';
import { fargateMemoryFor, FARGATE_CPU_SIZES } from '../private/fargate-sizes';
import { logGroupWithRetention } from '../private/log-group';
import { acknowledge } from '../private/nag';
import { skipCheckov } from '../private/scanner-skips';
import { describe, invalidProp, requireInteger } from '../private/validation';
import * as env from './runtime/environment';

/** What an engine needs from its pipeline. */
export interface EngineContext {
  readonly pipelineName: string;
  /** Construct path of the pipeline: topics of other pipelines are refused. */
  readonly pipelinePath: string;
  readonly cluster: ecs.ICluster;
  readonly binding: KafkaBusBinding;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Where stream engines send their heartbeats (read by the Coordinator). */
  readonly controlTopic: PipelineTopic;
  /** How often stream engines send a heartbeat (ENGINE_HEARTBEAT_INTERVAL_SECONDS). */
  readonly heartbeatIntervalSeconds: number;
  readonly rawStreamsTopic: PipelineTopic;
  readonly objectsTopic: PipelineTopic;
  readonly resultsTopic: PipelineTopic;
  readonly deadLetterTopic: PipelineTopic;
  readonly logRetention: logs.RetentionDays;
  /** Topics exist once this is deployed. */
  readonly topicsReady: IDependable;
}

/** A capacity provider strategy entry, as ECS RunTask and services take it. */
export interface CapacityProviderStrategyEntry {
  readonly capacityProvider: string;
  readonly weight: number;
  readonly base?: number;
}

/** The task an engine runs, with what the pipeline needs to start it. */
export interface EngineTask {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
  /** Undefined: launch type FARGATE. */
  readonly capacityProviderStrategy?: CapacityProviderStrategyEntry[];
}

export interface EngineTaskSpec {
  readonly name: string;
  readonly options: EngineOptions;
  readonly inputTopics: PipelineTopic[];
  /** The group (object engines) or the group prefix (stream engines). */
  readonly consumerGroup: string;
  /** Group names the task may use: the group itself, or `<prefix>.*`. */
  readonly groupPattern: string;
  /**
   * Stream engines (one task per stream): heartbeats go to the control topic (it may write
   * there). Object engines send theirs to their output topic and read uncommitted partitions
   * from the earliest offset.
   */
  readonly perStream?: boolean;
}

const ENGINE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED_ENV = new Set<string>([
  env.ENV_KAFKA_BROKERS, env.ENV_KAFKA_AUTH, env.ENV_KAFKA_SCRAM_SECRET_ARN, env.ENV_ENGINE_NAME, env.ENV_INPUT_TOPICS,
  env.ENV_OUTPUT_TOPIC, env.ENV_DEAD_LETTER_TOPIC, env.ENV_CONSUMER_GROUP, env.ENV_STREAM_ID,
  env.ENV_CONTROL_TOPIC, env.ENV_HEARTBEAT_INTERVAL, env.ENV_LAUNCH_ATTEMPT, env.ENV_STREAM_PARTITIONS, env.ENV_START_TIMESTAMP,
  env.ENV_TASK_ID, env.ENV_OFFSET_RESET,
]);

/** Fargate Spot gives a task two minutes after its interruption notice; ECS allows at most that much between SIGTERM and SIGKILL. */
const STOP_TIMEOUT = Duration.minutes(2);

/** Engine names end up in topic groups, log groups and resource names. */
export function validateEngineName(where: string, name: string): void {
  if (!ENGINE_NAME.test(name)) {
    invalidProp(where, 'name', `must be 1 to 32 lowercase letters, digits or '-', starting with a letter; got ${describe(name)}`);
  }
}

/** Checks that a topic belongs to this pipeline. */
export function requireOwnTopic(where: string, prop: string, topic: PipelineTopic, context: EngineContext): void {
  if (topic._owner !== context.pipelinePath) {
    invalidProp(where, prop, `must be a topic of this pipeline (from addTopic() or its default topics); '${topic.topicName}' belongs to ${topic._owner}`);
  }
}

/** Builds the task definition, container, logs and grants of one engine. */
export function createEngineTask(scope: Construct, context: EngineContext, spec: EngineTaskSpec, where: string): EngineTask {
  const { options } = spec;
  const capacity = options.capacity ?? EngineCapacity.fargate();
  const cpu = options.cpu ?? 1024;
  const memory = options.memoryLimitMiB ?? 2048;
  validateSize(where, capacity, cpu, memory);
  const outputTopic = options.outputTopic ?? context.resultsTopic;
  requireOwnTopic(where, 'outputTopic', outputTopic, context);
  for (const name of Object.keys(options.environment ?? {})) {
    if (RESERVED_ENV.has(name)) {
      invalidProp(where, `environment[${describe(name)}]`, `is set by the pipeline (the engine contract); choose another name. Reserved: ${[...RESERVED_ENV].join(', ')}`);
    }
  }

  const taskDefinition = capacity._kind === EngineCapacityKind.GPU
    ? new ecs.Ec2TaskDefinition(scope, 'TaskDefinition', { networkMode: ecs.NetworkMode.AWS_VPC })
    : new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      cpu,
      memoryLimitMiB: memory,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
  const logGroup = logGroupWithRetention(scope, 'Logs', context.logRetention);
  const container = taskDefinition.addContainer('engine', {
    image: options.image,
    command: options.command,
    cpu: capacity._kind === EngineCapacityKind.GPU ? cpu : undefined,
    memoryLimitMiB: capacity._kind === EngineCapacityKind.GPU ? memory : undefined,
    gpuCount: capacity._gpuOptions ? capacity._gpuOptions.gpuCount ?? 1 : undefined,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: spec.name, logGroup }),
    secrets: options.secrets,
    environment: {
      ...(options.environment ?? {}),
      [env.ENV_ENGINE_NAME]: spec.name,
      [env.ENV_KAFKA_BROKERS]: context.binding.bootstrapBrokers,
      [env.ENV_KAFKA_AUTH]: context.binding.auth,
      ...(context.binding.scramSecret ? { [env.ENV_KAFKA_SCRAM_SECRET_ARN]: context.binding.scramSecret.secretArn } : {}),
      [env.ENV_INPUT_TOPICS]: spec.inputTopics.map((t) => t.topicName).join(','),
      [env.ENV_OUTPUT_TOPIC]: outputTopic.topicName,
      [env.ENV_DEAD_LETTER_TOPIC]: context.deadLetterTopic.topicName,
      [env.ENV_CONSUMER_GROUP]: spec.consumerGroup,
      [env.ENV_HEARTBEAT_INTERVAL]: String(context.heartbeatIntervalSeconds),
      ...(spec.perStream ? { [env.ENV_CONTROL_TOPIC]: context.controlTopic.topicName } : {}),
    },
    // time to finish the record at hand and commit after SIGTERM
    stopTimeout: STOP_TIMEOUT,
  });
  grantKafkaAccess(taskDefinition.taskRole, context.binding, {
    readTopics: spec.inputTopics.map((t) => t.topicName),
    writeTopics: [
      outputTopic.topicName, context.deadLetterTopic.topicName,
      ...(spec.perStream ? [context.controlTopic.topicName] : []),
    ],
    groups: [spec.groupPattern],
  });
  acknowledge(taskDefinition, [{
    id: 'AwsSolutions-ECS2',
    reason: 'The engine contract (brokers, topics, consumer group) is plain configuration passed as environment variables; secrets go through the secrets option.',
  }]);
  // Only MSK IAM access control writes group ARNs into the task role's policy. The role is
  // aws-cdk-lib's: the acknowledgment goes on it and the policies it holds.
  if (spec.groupPattern.endsWith('*') && context.binding.auth === KafkaClientAuth.IAM) {
    acknowledge(taskDefinition.taskRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'A stream engine task uses one consumer group per stream (<engine prefix>.<stream id>); the stream ids are not known at deploy time, so the group ARN ends in the engine\'s prefix and a wildcard.',
      appliesTo: [{ regex: '/^Resource::.*stream-engine\\..*\\.\\*.*$/g' }],
    }]);
  }

  return { taskDefinition, container, logGroup, capacityProviderStrategy: capacityStrategy(scope, context, capacity, spec.name, where) };
}

function validateSize(where: string, capacity: EngineCapacity, cpu: number, memory: number): void {
  if (capacity._kind === EngineCapacityKind.GPU) {
    requireInteger(where, 'cpu', cpu, 128, 196_608);
    requireInteger(where, 'memoryLimitMiB', memory, 128, 2_000_000);
    return;
  }
  const memories = fargateMemoryFor(cpu);
  if (!memories) {
    invalidProp(where, 'cpu', `must be a Fargate CPU size (${FARGATE_CPU_SIZES.join(', ')}); got ${describe(cpu)}`);
  }
  if (!memories.includes(memory)) {
    invalidProp(where, 'memoryLimitMiB', `must be one of Fargate's sizes for cpu ${cpu}: ${memories[0]} to ${memories[memories.length - 1]} in steps of ${memories[1] - memories[0]}; got ${describe(memory)}`);
  }
}

function capacityStrategy(
  scope: Construct, context: EngineContext, capacity: EngineCapacity, name: string, where: string,
): CapacityProviderStrategyEntry[] | undefined {
  switch (capacity._kind) {
    case EngineCapacityKind.FARGATE:
      return undefined;
    case EngineCapacityKind.FARGATE_SPOT:
      // An imported cluster cannot be changed: FARGATE_SPOT must be associated with it already (see the cluster prop).
      if (context.cluster instanceof ecs.Cluster) context.cluster.enableFargateCapacityProviders();
      return [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    case EngineCapacityKind.GPU:
      if (!(context.cluster instanceof ecs.Cluster)) {
        invalidProp(where, 'capacity', 'EngineCapacity.gpu() adds a capacity provider to the pipeline\'s cluster, and the pipeline\'s cluster prop is an imported cluster (ICluster), which cannot take one; pass an ecs.Cluster defined in this app as cluster, or omit cluster to let the pipeline create one');
      }
      return [{ capacityProvider: gpuCapacityProvider(scope, context, context.cluster, capacity, name), weight: 1 }];
  }
}

/** An Auto Scaling group of GPU instances that ECS scales with the engine's tasks. */
function gpuCapacityProvider(scope: Construct, context: EngineContext, cluster: ecs.Cluster, capacity: EngineCapacity, name: string): string {
  const gpu = capacity._gpuOptions!;
  const instanceRole = new iam.Role(scope, 'GpuInstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const launchTemplate = new ec2.LaunchTemplate(scope, 'GpuLaunchTemplate', {
    instanceType: gpu.instanceType,
    machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
    securityGroup: context.securityGroup,
    requireImdsv2: true,
    userData: ec2.UserData.forLinux(),
    // ECS adds the container-instance permissions to this role when the group joins the cluster.
    role: instanceRole,
    blockDevices: [{
      deviceName: '/dev/xvda',
      volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
    }],
  });
  const group = new autoscaling.AutoScalingGroup(scope, 'GpuInstances', {
    vpc: context.vpc,
    vpcSubnets: context.vpcSubnets,
    launchTemplate,
    minCapacity: gpu.minInstances ?? 0,
    maxCapacity: gpu.maxInstances ?? 4,
  });
  const provider = new ecs.AsgCapacityProvider(scope, 'GpuCapacity', {
    autoScalingGroup: group,
    enableManagedScaling: true,
    enableManagedTerminationProtection: false,
    // ECS drains an instance's tasks before Auto Scaling terminates it, so aws-cdk-lib adds no
    // drain hook Lambda (python3.9 on aws-cdk-lib 2.200.1, a deprecated runtime) nor its topic.
    enableManagedDraining: true,
    capacityProviderName: `${context.pipelineName}-${name}-gpu`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255),
  });
  cluster.addAsgCapacityProvider(provider);
  acknowledge(group, [
    { id: 'AwsSolutions-AS3', reason: 'ECS managed scaling drives this group from the engine\'s tasks; scaling notifications would only repeat ECS events.' },
    { id: 'AwsSolutions-EC26', reason: 'The root volume is encrypted (launch template block device); the rule does not see launch template volumes.' },
    { id: 'AwsSolutions-IAM4', reason: 'ECS container instances need AmazonEC2ContainerServiceforEC2Role (added by aws-cdk-lib for ECS-managed instances) to join the cluster.' },
  ]);
  acknowledge(instanceRole, [{
    id: 'AwsSolutions-IAM5',
    reason: 'ECS container instance actions (ecs:Submit*, ecs:Poll, ecs:StartTelemetrySession, ...) are granted by aws-cdk-lib when the group joins the cluster; ECS does not support resource-level scoping for all of them.',
  }]);
  skipCheckov(instanceRole.node.findChild('DefaultPolicy'), 'CKV_AWS_111', 'aws-cdk-lib grants the ECS agent on each GPU instance, when the group joins the cluster, ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken (which take no resource) and CloudWatch Logs writes on *; ecs:Poll and ecs:StartTelemetrySession are limited to this cluster by an ecs:cluster condition, which checkov does not read.');
  return provider.capacityProviderName;
}
