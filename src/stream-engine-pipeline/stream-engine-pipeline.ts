import { Annotations, Aws, CfnResource, CustomResource, Duration, Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, DependencyGroup } from 'constructs';
import { CoordinatorFunction } from './coordinator-function';
import { EngineContext } from './engine-task';
import { addControlTopicEventSource, grantKafkaAccess } from './kafka-access';
import { KafkaBus, KafkaBusBinding, KafkaBusContext } from './kafka-bus';
import { LagScalerFunction } from './lag-scaler-function';
import { ObjectEngine, ObjectEngineOptions } from './object-engine';
import { PipelineDashboard } from './pipeline-dashboard';
import { PipelineTopic, PipelineTopicOptions } from './pipeline-topic';
import { startedByFor } from './runtime/engine-launcher';
import * as env from './runtime/environment';
import { packPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY, REGISTRY_TTL_ATTRIBUTE } from './runtime/registry-schema';
import { StreamEngine, StreamEngineOptions } from './stream-engine';
import { TopicProvisionerFunction } from './topic-provisioner-function';
import { grantLogGroupWrite, grantVpcNetworkInterfaces, lambdaRole, logGroupWithRetention, skipSharedLambdaFindings } from '../private/lambda-basics';
import { acknowledge } from '../private/nag';
import { skipCheckov } from '../private/scanner-skips';
import { secureTable } from '../private/secure-table';
import { describe, invalidProp, requireDuration, requireInteger } from '../private/validation';

/** Props for `StreamEnginePipeline`. */
export interface StreamEnginePipelineProps {
  /** The VPC of the brokers, engines and Lambdas. */
  readonly vpc: ec2.IVpc;

  /**
   * Where engines and Lambdas run: private subnets with a route to AWS APIs and your registry.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The Kafka cluster.
   * @default KafkaBus.serverless()
   */
  readonly bus?: KafkaBus;

  /**
   * Prefix of the pipeline's topic and consumer group names: 1 to 100 letters, digits, '.', '_' or '-'.
   * @default - the construct id
   */
  readonly pipelineName?: string;

  /**
   * The control topic (stream init and end-of-stream messages).
   * @default - `<pipelineName>.control` with 3 partitions
   */
  readonly controlTopic?: PipelineTopicOptions;

  /**
   * The raw streams topic (stream data, keyed by stream id).
   * @default - `<pipelineName>.raw-streams` with 12 partitions
   */
  readonly rawStreamsTopic?: PipelineTopicOptions;

  /**
   * The objects topic (media chunks and frames).
   * @default - `<pipelineName>.objects` with 12 partitions
   */
  readonly objectsTopic?: PipelineTopicOptions;

  /**
   * The results topic (engine output, chunk results, heartbeats).
   * @default - `<pipelineName>.results` with 12 partitions
   */
  readonly resultsTopic?: PipelineTopicOptions;

  /**
   * The dead-letter topic (messages an engine could not process).
   * @default - `<pipelineName>.dead-letter` with 3 partitions
   */
  readonly deadLetterTopic?: PipelineTopicOptions;

  /**
   * The most streams processed at once; further stream inits are recorded as rejected.
   * @default 20
   */
  readonly maxConcurrentStreams?: number;

  /**
   * How often the lag scaler reads consumer lag (1 to 60 seconds).
   * @default Duration.seconds(10)
   */
  readonly lagPollInterval?: Duration;

  /**
   * The ECS cluster for the engines. A Cluster rather than an ICluster: Fargate Spot and GPU
   * engines add capacity providers to it.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.Cluster;

  /**
   * How long logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the stream registry table and the topics when the stack is deleted.
   * RETAIN keeps topic data; DESTROY deletes the topics.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PIPELINE_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** Lambda allows 4 KB of environment variables per function. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * Real-time AI on Fargate: Kafka carries streams, objects and results; stream engines are
 * launched on demand, one task per incoming stream, by a Coordinator Lambda; object engines are
 * Fargate services scaled from zero by a lag scaler Lambda that reads consumer lag from Kafka.
 */
export class StreamEnginePipeline extends Construct {
  /** The prefix of topic and group names. */
  public readonly pipelineName: string;
  /** Comma-separated bootstrap brokers. */
  public readonly bootstrapBrokers: string;
  /** The ECS cluster of the engines. */
  public readonly cluster: ecs.Cluster;
  /** The security group of engines and pipeline Lambdas: the only one the brokers admit. */
  public readonly connections: ec2.Connections;
  /** Stream records and lag scaler state. */
  public readonly registryTable: dynamodb.ITable;
  /** Stream init and end-of-stream messages. */
  public readonly controlTopic: PipelineTopic;
  /** Raw stream data, keyed by stream id. */
  public readonly rawStreamsTopic: PipelineTopic;
  /** Media chunks and frames. */
  public readonly objectsTopic: PipelineTopic;
  /** Engine output and chunk results. */
  public readonly resultsTopic: PipelineTopic;
  /** Messages engines could not process. */
  public readonly deadLetterTopic: PipelineTopic;
  /** Lag, tasks, streams and errors at a glance. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly binding: KafkaBusBinding;
  private readonly busContext: KafkaBusContext;
  private readonly engineContext: EngineContext;
  private readonly topics: PipelineTopic[] = [];
  private readonly topicsReady = new DependencyGroup();
  private readonly streamEngines: StreamEngine[] = [];
  private readonly objectEngines: ObjectEngine[] = [];
  private readonly engineNames = new Set<string>();
  private readonly props: StreamEnginePipelineProps;
  private readonly panel: PipelineDashboard;
  private readonly topicProvisionerFunction?: lambda.Function;
  private coordinator?: lambda.Function;
  private lagScaler?: lambda.Function;

  constructor(scope: Construct, id: string, props: StreamEnginePipelineProps) {
    super(scope, id);
    const where = `StreamEnginePipeline '${id}'`;
    this.props = props;
    this.pipelineName = props.pipelineName ?? id;
    if (!PIPELINE_NAME.test(this.pipelineName)) {
      invalidProp(where, 'pipelineName', `must be 1 to 100 letters, digits, '.', '_' or '-' (it prefixes Kafka topic names); got ${describe(this.pipelineName)}`);
    }
    requireInteger(where, 'maxConcurrentStreams', props.maxConcurrentStreams, 1, 10_000);
    requireDuration(where, 'lagPollInterval', props.lagPollInterval, 1_000, 60_000);

    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const securityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: `Engines and Lambdas of stream engine pipeline ${this.pipelineName}: no inbound traffic`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.busContext = { vpc: props.vpc, vpcSubnets: subnets, clientSecurityGroup: securityGroup };
    this.binding = (props.bus ?? KafkaBus.serverless()).bind(new Construct(this, 'Bus'), this.busContext);
    this.bootstrapBrokers = this.binding.bootstrapBrokers;

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.registryTable = secureTable(this, 'Registry', {
      partitionKey: REGISTRY_PARTITION_KEY, sortKey: REGISTRY_SORT_KEY, ttlAttribute: REGISTRY_TTL_ATTRIBUTE,
    }, props.removalPolicy ?? RemovalPolicy.RETAIN);

    if (!this.binding.supportsTopicResources) {
      const provisioner = this.createTopicProvisioner();
      this.topicProvisionerFunction = provisioner.fn;
      this.topicsReady.add(provisioner.resource);
    }
    this.controlTopic = this.createTopic(`${this.pipelineName}.control`, props.controlTopic ?? {}, 3);
    this.rawStreamsTopic = this.createTopic(`${this.pipelineName}.raw-streams`, props.rawStreamsTopic ?? {}, 12);
    this.objectsTopic = this.createTopic(`${this.pipelineName}.objects`, props.objectsTopic ?? {}, 12);
    this.resultsTopic = this.createTopic(`${this.pipelineName}.results`, props.resultsTopic ?? {}, 12);
    this.deadLetterTopic = this.createTopic(`${this.pipelineName}.dead-letter`, props.deadLetterTopic ?? {}, 3);

    this.engineContext = {
      pipelineName: this.pipelineName,
      pipelinePath: this.node.path,
      cluster: this.cluster,
      binding: this.binding,
      vpc: props.vpc,
      vpcSubnets: subnets,
      securityGroup,
      rawStreamsTopic: this.rawStreamsTopic,
      objectsTopic: this.objectsTopic,
      resultsTopic: this.resultsTopic,
      deadLetterTopic: this.deadLetterTopic,
      logRetention: this.logRetention,
      topicsReady: this.topicsReady,
    };
    this.panel = new PipelineDashboard(this, 'Dashboard', this.pipelineName);
    this.dashboard = this.panel.dashboard;
    this.node.addValidation({ validate: () => this.validateEnvironmentSizes() });
  }

  /**
   * Adds a topic of your own, for engines to read or write.
   * @param topicName the topic's name in Kafka
   * @param options partitions, replication, retention and other topic configs
   */
  public addTopic(topicName: string, options: PipelineTopicOptions = {}): PipelineTopic {
    return this.createTopic(topicName, options, 12);
  }

  private createTopic(topicName: string, options: PipelineTopicOptions, defaultPartitions: number): PipelineTopic {
    if (this.topics.some((t) => t.topicName === topicName)) {
      invalidProp(`StreamEnginePipeline '${this.node.id}'`, 'addTopic()', `was called twice for topic '${topicName}': topic names must be unique`);
    }
    const topic = PipelineTopic._create(this.node.path, topicName, options, defaultPartitions);
    this.topics.push(topic);
    if (this.binding.supportsTopicResources) {
      this.topicsReady.add(this.createMskTopic(topic));
    } else if (this.topicProvisionerFunction) {
      grantKafkaAccess(this.topicProvisionerFunction, this.binding, { adminTopics: [topic.topicName] });
    }
    return topic;
  }

  /**
   * Adds an engine that works on whole streams: one task per incoming stream, started by the
   * Coordinator when a stream init arrives on the control topic.
   * @param name 1 to 32 lowercase letters, digits or '-'
   */
  public addStreamEngine(name: string, options: StreamEngineOptions): StreamEngine {
    this.claimEngineName(name);
    const engine = StreamEngine._create(this, name, options, this.engineContext);
    this.streamEngines.push(engine);
    const coordinator = this.coordinatorFunction();
    coordinator.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:RunTask'],
      resources: [taskDefinitionFamilyArn(engine.taskDefinition)],
      conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
    }));
    const passRoles = [engine.taskDefinition.taskRole.roleArn];
    if (engine.taskDefinition.executionRole) passRoles.push(engine.taskDefinition.executionRole.roleArn);
    coordinator.addToRolePolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: passRoles,
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }));
    return engine;
  }

  /**
   * Adds an engine that processes objects in parallel: a Fargate service consuming its input
   * topic in its own consumer group, scaled from zero by consumer lag.
   * @param name 1 to 32 lowercase letters, digits or '-'
   */
  public addObjectEngine(name: string, options: ObjectEngineOptions): ObjectEngine {
    this.claimEngineName(name);
    const engine = ObjectEngine._create(this, name, options, this.engineContext);
    this.objectEngines.push(engine);
    const scaler = this.lagScalerFunction();
    scaler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [engine.service.serviceArn],
    }));
    grantKafkaAccess(scaler, this.binding, {
      readTopics: [engine.inputTopic.topicName],
      groups: [engine.consumerGroup],
    });
    this.panel.addObjectEngine(name, engine.service);
    return engine;
  }

  /** The pipeline's alarms (dead letters, Coordinator and launch failures, lag reading); add your actions to them. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.panel.alarms];
  }

  private get logRetention(): logs.RetentionDays {
    return this.props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
  }

  private claimEngineName(name: string): void {
    if (this.engineNames.has(name)) {
      invalidProp(`StreamEnginePipeline '${this.node.id}'`, 'engine name', `must be unique across stream and object engines; '${name}' is used twice`);
    }
    this.engineNames.add(name);
  }

  /**
   * Settings every pipeline Lambda shares. `withEngines` adds the engine config and refs, which
   * the topic provisioner must not get: the engines depend on the topics it creates.
   */
  private lambdaBasics(id: string, description: string, inVpc: boolean, withEngines = true) {
    const logGroup = logGroupWithRetention(this, `${id}Logs`, this.logRetention);
    return {
      logGroup,
      options: {
        description,
        role: lambdaRole(this, `${id}Role`, `Role of the ${description}`),
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        logGroup,
        environment: {
          [env.ENV_KAFKA_BROKERS]: this.bootstrapBrokers,
          [env.ENV_KAFKA_AUTH]: this.binding.auth,
          ...(this.binding.scramSecret ? { [env.ENV_KAFKA_SCRAM_SECRET_ARN]: this.binding.scramSecret.secretArn } : {}),
          ...(withEngines ? {
            [env.ENV_REGISTRY_TABLE]: this.registryTable.tableName,
            [env.ENV_PIPELINE_CONFIG]: Lazy.string({ produce: () => packPipelineConfig(this.runtimeConfig()) }),
            [env.ENV_ENGINE_REFS]: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.engineRefs()) }),
          } : {}),
        },
        ...(inVpc ? { vpc: this.props.vpc, vpcSubnets: this.busContext.vpcSubnets, securityGroups: [this.busContext.clientSecurityGroup] } : {}),
      },
    };
  }

  private finishLambda(fn: lambda.Function, logGroup: logs.ILogGroup, inVpc: boolean): void {
    grantLogGroupWrite(fn, logGroup);
    skipSharedLambdaFindings(fn);
    if (inVpc) grantVpcNetworkInterfaces(fn);
  }

  /** The Coordinator exists once the first stream engine does. */
  private coordinatorFunction(): lambda.Function {
    if (this.coordinator) return this.coordinator;
    const { logGroup, options } = this.lambdaBasics('Coordinator', 'stream engine pipeline Coordinator (launches stream engines)', false);
    const fn = new CoordinatorFunction(this, 'Coordinator', { ...options, timeout: Duration.minutes(2) });
    this.finishLambda(fn, logGroup, false);
    skipCheckov(fn, 'CKV_AWS_117', 'The Coordinator itself only calls the ECS and DynamoDB APIs; its Kafka event source places its network interfaces in the pipeline VPC with this role, so the function needs no VPC attachment.');
    skipCheckov(fn, 'CKV_AWS_116', 'Control messages come from a Kafka event source (failed batches are retried and then go to the dead-letter topic); task-stopped events are retried 8 times by EventBridge and the registry is reconciled on every launch.');
    skipCheckov(fn, 'CKV_AWS_115', 'Its concurrency is bounded by the control topic\'s partitions (one batch per partition at a time); reserved concurrency would take from the account pool and can fail deployment in accounts at the minimum.');
    // The Kafka event source places its network interfaces in the VPC with this role.
    grantVpcNetworkInterfaces(fn);
    this.registryTable.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    const groupId = `${this.pipelineName}.coordinator`;
    const source = addControlTopicEventSource(fn, this.binding, this.busContext, this.controlTopic.topicName, groupId);
    source.node.addDependency(this.topicsReady);
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:TagResource'],
      resources: [Fn.join('', ['arn:', Aws.PARTITION, ':ecs:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':task/', this.cluster.clusterName, '/*'])],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }));
    acknowledge(fn.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'RunTask may run any revision of each stream engine\'s task definition family (task-definition/<family>:*) and tags the tasks it starts, whose ids do not exist yet (task/<cluster>/*, only for RunTask).',
      appliesTo: [{ regex: '/^Resource::.*(:\\*|/\\*)$/g' }],
    }]);
    new events.Rule(this, 'StreamEngineStopped', {
      description: `Tells the Coordinator of pipeline ${this.pipelineName} when a stream engine task stops`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [this.cluster.clusterArn], lastStatus: ['STOPPED'], startedBy: [startedByFor(this.pipelineName)] },
      },
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 8 })],
    });
    this.panel.addCoordinator(fn);
    this.coordinator = fn;
    return fn;
  }

  /** The lag scaler exists once the first object engine does. */
  private lagScalerFunction(): lambda.Function {
    if (this.lagScaler) return this.lagScaler;
    const { logGroup, options } = this.lambdaBasics('LagScaler', 'stream engine pipeline lag scaler (scales object engines by consumer lag)', true);
    const fn = new LagScalerFunction(this, 'LagScaler', {
      ...options,
      // It mostly waits between polls, and a waiting second is billed by memory size.
      memorySize: 256,
      timeout: Duration.seconds(70),
      // One poller at a time: two would fight over the same desired counts.
      reservedConcurrentExecutions: 1,
    });
    this.finishLambda(fn, logGroup, true);
    skipCheckov(fn, 'CKV_AWS_116', 'The lag scaler runs every minute on a schedule with retryAttempts 0: the next run recomputes every desired count from the current lag, so a failed event needs no replay.');
    this.registryTable.grant(fn, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    grantKafkaAccess(fn, this.binding, { readTopics: [this.deadLetterTopic.topicName] });
    new events.Rule(this, 'LagScalerSchedule', {
      description: `Runs the lag scaler of pipeline ${this.pipelineName} (it polls every ${this.pollIntervalSeconds} s inside each run)`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0, maxEventAge: Duration.seconds(60) })],
    });
    this.panel.addLagScaler(fn);
    this.lagScaler = fn;
    return fn;
  }

  private get pollIntervalSeconds(): number {
    return (this.props.lagPollInterval ?? Duration.seconds(10)).toSeconds();
  }

  private createTopicProvisioner(): { fn: lambda.Function; resource: CustomResource } {
    const { logGroup, options } = this.lambdaBasics('TopicProvisioner', 'stream engine pipeline topic provisioner (creates Kafka topics)', true, false);
    const fn = new TopicProvisionerFunction(this, 'TopicProvisioner', { ...options, timeout: Duration.minutes(5) });
    this.finishLambda(fn, logGroup, true);
    skipCheckov(fn, 'CKV_AWS_116', 'CloudFormation invokes the topic provisioner synchronously for its custom resource and reports failures as a failed deployment; no asynchronous invocations exist to dead-letter.');
    skipCheckov(fn, 'CKV_AWS_115', 'It runs only during deployments, one custom resource event at a time; reserved concurrency would take from the account pool and can fail deployment in accounts at the minimum.');
    const resource = new CustomResource(this, 'Topics', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::KafkaTopics',
      properties: {
        Topics: Lazy.any({ produce: () => this.topics.map((t) => t._spec()) }),
        RetainOnDelete: String((this.props.removalPolicy ?? RemovalPolicy.RETAIN) !== RemovalPolicy.DESTROY),
      },
    });
    return { fn, resource };
  }

  private createMskTopic(topic: PipelineTopic): CfnResource {
    const spec = topic._spec();
    const configs = Object.entries(spec.config).map(([k, v]) => `${k}=${v}`).join('\n');
    const resource = new CfnResource(this, `Topic${this.topics.length}`, {
      type: 'AWS::MSK::Topic',
      properties: {
        ClusterArn: this.binding.clusterArn,
        TopicName: spec.name,
        PartitionCount: spec.partitions,
        ReplicationFactor: spec.replicationFactor,
        Configs: Fn.base64(configs),
      },
    });
    resource.applyRemovalPolicy(this.props.removalPolicy ?? RemovalPolicy.RETAIN);
    return resource;
  }

  private runtimeConfig(): PipelineConfig {
    return {
      pipelineName: this.pipelineName,
      kafkaAuth: this.binding.auth,
      topics: {
        control: this.controlTopic.topicName,
        rawStreams: this.rawStreamsTopic.topicName,
        objects: this.objectsTopic.topicName,
        results: this.resultsTopic.topicName,
        deadLetter: this.deadLetterTopic.topicName,
      },
      streamEngines: this.streamEngines.map((e) => e._config),
      objectEngines: this.objectEngines.map((e) => e._config),
      maxConcurrentStreams: this.props.maxConcurrentStreams ?? 20,
      pollIntervalSeconds: this.pollIntervalSeconds,
    };
  }

  private engineRefs(): EngineRefs {
    const capacityProviders: NonNullable<EngineRefs['capacityProviders']> = {};
    for (const engine of this.streamEngines) {
      if (engine._capacityProviderStrategy) capacityProviders[engine.engineName] = engine._capacityProviderStrategy.map((s) => ({ ...s }));
    }
    return {
      cluster: this.cluster.clusterArn,
      subnets: this.props.vpc.selectSubnets(this.busContext.vpcSubnets).subnetIds,
      securityGroups: [this.busContext.clientSecurityGroup.securityGroupId],
      taskDefinitions: Object.fromEntries(this.streamEngines.map((e) => [e.engineName, e.taskDefinition.taskDefinitionArn])),
      ...(Object.keys(capacityProviders).length ? { capacityProviders } : {}),
      services: Object.fromEntries(this.objectEngines.map((e) => [e.engineName, e.service.serviceName])),
    };
  }

  /** Lambda's 4 KB environment limit, checked at synth with the final engine list. */
  private validateEnvironmentSizes(): string[] {
    const errors: string[] = [];
    for (const fn of [this.coordinator, this.lagScaler, this.topicProvisionerFunction]) {
      if (!fn) continue;
      const cfn = fn.node.defaultChild as lambda.CfnFunction;
      const variables = Stack.of(this).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
      // Deploy-time values are counted at the length of a typical ARN.
      const size = Object.entries(variables?.variables ?? {})
        .reduce((sum, [k, v]) => sum + k.length + (typeof v === 'string' ? v.length : JSON.stringify(v).length), 0);
      if (size > ENVIRONMENT_LIMIT_BYTES) {
        errors.push(`StreamEnginePipeline '${this.node.id}': ${fn.node.id} needs about ${size} bytes of environment variables, over Lambda's ${ENVIRONMENT_LIMIT_BYTES}; split the engines over two pipelines`);
      }
    }
    if (this.streamEngines.length === 0 && this.objectEngines.length === 0) {
      Annotations.of(this).addWarningV2('cdk-status-and-streams:no-engines', 'The pipeline has no engines: add them with addStreamEngine() or addObjectEngine()');
    }
    return errors;
  }
}

/** Every revision of the task definition's family. */
function taskDefinitionFamilyArn(taskDefinition: ecs.TaskDefinition): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':ecs:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':task-definition/', taskDefinition.family, ':*']);
}

