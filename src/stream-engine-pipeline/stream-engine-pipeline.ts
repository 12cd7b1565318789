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
import { RECONCILE_EVENT } from './runtime/coordinator-events';
import { taskStartedByPrefix } from './runtime/engine-launcher';
import * as env from './runtime/environment';
import { EngineRefs, PipelineConfig, StreamSchedulingConfig } from './runtime/pipeline-config';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY, REGISTRY_TTL_ATTRIBUTE } from './runtime/registry-schema';
import { StreamEngine, StreamEngineOptions } from './stream-engine';
import { TopicProvisionerFunction } from './topic-provisioner-function';
import { packedConfigVariable } from '../private/handler-config';
import { addReviewedStatements, HandlerClass, libraryFunction, LibraryFunctionOptions } from '../private/library-function';
import { Acknowledgment } from '../private/nag';
import { skipCheckov } from '../private/scanner-skips';
import { secureTable } from '../private/secure-table';
import { describe, formatMs, invalidProp, requireDuration, requireInteger } from '../private/validation';

/** Props for `StreamEnginePipeline`. */
export interface StreamEnginePipelineProps {
  /** The VPC of the brokers, engines and Lambdas. */
  readonly vpc: ec2.IVpc;

  /**
   * Where engines and Lambdas run: private subnets with a route to AWS APIs and your registry.
   * Lambda's Kafka event source calls the Lambda and STS endpoints (and Secrets Manager with
   * SCRAM) from these subnets, or from the MSK cluster's: isolated subnets need interface VPC
   * endpoints for them, as well as for ECS, DynamoDB, CloudWatch Logs and your image registry.
   * @default - the VPC's private subnets with egress (a NAT gateway route)
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
   * The most streams processed at once (running stream engine tasks). Further streams wait, in
   * arrival order, and are launched as slots free up; their data waits in Kafka.
   * @default 20
   */
  readonly maxConcurrentStreams?: number;

  /**
   * How long a stream may wait for a free slot. A stream that waited longer is expired, and
   * producers are told on the results topic (a `stream-status` message): a live stream that
   * waited this long is far behind real time. 1 minute at least (the Coordinator reconciles
   * every minute), and at most the raw streams topic's retention, or the stream's first
   * messages could be deleted before its engine reads them.
   * @default Duration.minutes(15)
   */
  readonly maxStreamWait?: Duration;

  /**
   * How long a stream engine task may keep running after its stream's end-of-stream message
   * before the Coordinator stops it: time to drain the stream's last messages and write its
   * results. An engine that exits by itself frees its slot at once. 30 seconds to 1 day. The
   * default leaves an engine minutes to finish the stream's last chunks, while a task that never
   * exits holds its slot only that long.
   * @default Duration.minutes(5)
   */
  readonly streamEndGrace?: Duration;

  /**
   * The longest a stream engine task may run. The Coordinator stops a task that ran longer and
   * the stream fails (producers are told on the results topic): this bounds what a stream whose
   * end-of-stream never comes can cost. 1 minute to 30 days. The default covers a full day of
   * live stream; a forgotten stream costs at most a day of one task.
   * @default Duration.hours(24)
   */
  readonly maxStreamDuration?: Duration;

  /**
   * A stream engine task that sent no heartbeat for this long is stopped and launched again (it
   * resumes from its consumer group's committed offset). Stream engines send one to the control
   * topic every heartbeatTimeout / 4, at most every 30 s (`ENGINE_HEARTBEAT_INTERVAL_SECONDS`),
   * so a few lost heartbeats never count as a hung engine. 30 seconds to 1 hour. With the
   * default a hung engine is replaced within about 3 minutes (the timeout, then the next
   * minute's reconcile run), and an engine sends a heartbeat every 30 s.
   * @default Duration.minutes(2)
   */
  readonly heartbeatTimeout?: Duration;

  /**
   * Launches of one stream engine for one stream, the first one included, before the stream
   * fails: a task that stops before its stream's end (Fargate Spot interruption, crash, out of
   * memory, missed heartbeats) is launched again until then. 1 to 10. The default rides out a
   * Spot interruption or two, while a stream that crashes its engine every time fails (and
   * producers are told) within minutes instead of occupying a slot for good.
   * @default 3
   */
  readonly maxLaunchAttempts?: number;

  /**
   * Where the pipeline's alarms notify people, e.g. `new cloudwatch_actions.SnsAction(topic)`:
   * each action is added to every alarm the pipeline creates (see `alarms`), for ALARM and for
   * OK, so whoever hears of a problem also hears when it is over.
   * @default - no actions: the alarms notify no one until you add actions to `alarms`
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * How often the lag scaler reads consumer lag (1 to 60 seconds).
   * @default Duration.seconds(10)
   */
  readonly lagPollInterval?: Duration;

  /**
   * The ECS cluster for the engines, in `vpc`. With an `ecs.Cluster` defined in this app, Fargate
   * Spot and GPU engines add their capacity providers to it. An imported cluster
   * (`ecs.Cluster.fromClusterAttributes()`) cannot take capacity providers: Fargate Spot engines
   * then need FARGATE_SPOT associated with it already, and GPU engines are refused. The
   * dashboard's running-task counts need Container Insights on the cluster.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;

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
/** The Lambdas that carry engine config: each gets only its own kind of engine (see runtimeConfig). */
type EngineLambda = 'coordinator' | 'lagScaler';
/** The Coordinator's ECS statements, in a reviewed policy of their own ('Ecs'). */
const ECS_ACKNOWLEDGMENTS: Acknowledgment[] = [{
  id: 'AwsSolutions-IAM5',
  reason: 'RunTask may run any revision of each stream engine\'s task definition family (task-definition/<family>:*); the Coordinator tags the tasks RunTask starts and describes and stops tasks of the pipeline\'s cluster, whose ids are not known at deploy time (task/<cluster>/*).',
  appliesTo: [{ regex: '/^Resource::.*(:\\*|/\\*)$/g' }],
}, {
  id: 'AwsSolutions-IAM5',
  reason: 'ecs:ListTasks has no task resource to scope (it lists tasks by cluster and startedBy): the statement is limited to the pipeline\'s cluster by the ecs:cluster condition.',
  appliesTo: ['Resource::*'],
}];
const DEFAULT_MAX_STREAM_WAIT = Duration.minutes(15);
const DEFAULT_STREAM_END_GRACE = Duration.minutes(5);
const DEFAULT_MAX_STREAM_DURATION = Duration.hours(24);
const DEFAULT_HEARTBEAT_TIMEOUT = Duration.minutes(2);
const DEFAULT_MAX_LAUNCH_ATTEMPTS = 3;

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
  public readonly cluster: ecs.ICluster;
  /** The security group of engines and pipeline Lambdas: the brokers admit it (and, for Lambda's Kafka event source, themselves). */
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
    requireDuration(where, 'maxStreamWait', props.maxStreamWait, 60_000, 3650 * 86_400_000);
    requireDuration(where, 'streamEndGrace', props.streamEndGrace, 30_000, 86_400_000);
    requireDuration(where, 'maxStreamDuration', props.maxStreamDuration, 60_000, 30 * 86_400_000);
    requireDuration(where, 'heartbeatTimeout', props.heartbeatTimeout, 30_000, 3_600_000);
    requireInteger(where, 'maxLaunchAttempts', props.maxLaunchAttempts, 1, 10);

    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const securityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: `Engines and Lambdas of stream engine pipeline ${this.pipelineName}`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.busContext = { vpc: props.vpc, vpcSubnets: subnets, clientSecurityGroup: securityGroup, logRetention: this.logRetention };
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
    requireWaitWithinRetention(where, props.maxStreamWait ?? DEFAULT_MAX_STREAM_WAIT, this.rawStreamsTopic);

    this.engineContext = {
      pipelineName: this.pipelineName,
      pipelinePath: this.node.path,
      cluster: this.cluster,
      controlTopic: this.controlTopic,
      // A quarter of the timeout: three heartbeats can be lost before the engine counts as hung.
      // heartbeatTimeout is at least 30 s, so the interval is at least 7 s.
      heartbeatIntervalSeconds: Math.min(30, Math.floor((props.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT).toSeconds() / 4)),
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
    this.panel = new PipelineDashboard(this, 'Dashboard', {
      pipelineName: this.pipelineName,
      alarmActions: props.alarmActions ?? [],
      maxStreamWait: props.maxStreamWait ?? DEFAULT_MAX_STREAM_WAIT,
    });
    this.dashboard = this.panel.dashboard;
    this.node.addValidation({ validate: () => this.warnWithoutEngines() });
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
    addReviewedStatements(coordinator, [new iam.PolicyStatement({
      actions: ['ecs:RunTask'],
      resources: [taskDefinitionFamilyArn(engine.taskDefinition)],
      conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
    })], ECS_ACKNOWLEDGMENTS, 'Ecs');
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
    // lag = end offsets (ListOffsets) minus the group's committed offsets (OffsetFetch)
    grantKafkaAccess(scaler, this.binding, {
      describeTopics: [engine.inputTopic.topicName],
      describeGroups: [engine.consumerGroup],
    });
    this.panel.addObjectEngine(name, engine.service);
    return engine;
  }

  /**
   * Every alarm the pipeline creates, each with the `alarmActions`.
   *
   * Dead letters always; with stream engines: Coordinator errors, launch failures, a stream
   * waiting over half of maxStreamWait, failed streams, expired streams; with object engines:
   * lag reading failures and a stopped lag scaler.
   */
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
   * A pipeline Lambda, through the library's one helper: Kafka settings for all; the registry
   * table, the packed engine config and the engine refs for `engines`. The topic provisioner gets
   * no engine settings: the engines depend on the topics it creates.
   */
  private pipelineFunction<F extends lambda.Function>(
    id: string, handler: HandlerClass<F>, description: string,
    options: Pick<LibraryFunctionOptions, 'timeout' | 'memorySize' | 'reservedConcurrentExecutions' | 'whenEnvironmentTooLarge'>,
    inVpc: boolean, engines?: EngineLambda,
  ): F {
    return libraryFunction(this, id, handler, {
      ...options,
      where: `StreamEnginePipeline '${this.node.id}'`,
      description,
      roleDescription: `Role of the ${description}`,
      logRetention: this.logRetention,
      environment: {
        [env.ENV_KAFKA_BROKERS]: this.bootstrapBrokers,
        [env.ENV_KAFKA_AUTH]: this.binding.auth,
        ...(this.binding.scramSecret ? { [env.ENV_KAFKA_SCRAM_SECRET_ARN]: this.binding.scramSecret.secretArn } : {}),
        ...(engines ? {
          [env.ENV_REGISTRY_TABLE]: this.registryTable.tableName,
          // Engines are added after this Lambda exists: the config is final only at synth (see handler-config.ts).
          [env.ENV_PIPELINE_CONFIG]: packedConfigVariable(() => this.runtimeConfig(engines)),
          [env.ENV_ENGINE_REFS]: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.engineRefs(engines)) }),
        } : {}),
      },
      ...(inVpc ? { vpc: this.props.vpc, vpcSubnets: this.busContext.vpcSubnets, securityGroups: [this.busContext.clientSecurityGroup] } : {}),
    });
  }

  /**
   * The Coordinator exists once the first stream engine does. It runs in the VPC: it produces
   * to Kafka (stream-status messages to the results topic, bad control messages to the
   * dead-letter topic) besides reading the control topic through its event source.
   */
  private coordinatorFunction(): lambda.Function {
    if (this.coordinator) return this.coordinator;
    const fn = this.pipelineFunction('Coordinator', CoordinatorFunction, 'stream engine pipeline Coordinator (schedules stream engines)', {
      // A control batch or a reconcile run: DynamoDB, ECS and Kafka calls, each with a timeout.
      timeout: Duration.minutes(2),
      whenEnvironmentTooLarge: 'it carries the config and task definition ARN of every stream engine: split the stream engines over two pipelines',
    }, true, 'coordinator');
    skipCheckov(fn, 'CKV_AWS_116', 'Control messages come from a Kafka event source and are handled one by one: a malformed or invalid message is copied to the dead-letter topic with its original bytes and skipped; a batch fails, and the mapping retries it, only when DynamoDB or Kafka cannot be reached, so no message is dropped. Task-stopped events are retried 8 times by EventBridge, and the every-minute reconcile run makes the registry agree with ECS whatever event was lost.');
    skipCheckov(fn, 'CKV_AWS_115', 'Its concurrency is bounded by the control topic\'s partitions (one batch per partition at a time) and one reconcile run a minute; reserved concurrency would take from the account pool and can fail deployment in accounts at the minimum.');
    // Query reads the queue of open streams; DeleteItem takes a closed stream out of it.
    this.registryTable.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DeleteItem');
    const groupId = `${this.pipelineName}.coordinator`;
    const source = addControlTopicEventSource(fn, this.binding, this.busContext, this.controlTopic.topicName, groupId);
    source.node.addDependency(this.topicsReady);
    grantKafkaAccess(fn, this.binding, { writeTopics: [this.resultsTopic.topicName, this.deadLetterTopic.topicName] });
    const tasksOfCluster = Fn.join('', ['arn:', Aws.PARTITION, ':ecs:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':task/', this.cluster.clusterName, '/*']);
    addReviewedStatements(fn, [
      new iam.PolicyStatement({
        actions: ['ecs:TagResource'],
        resources: [tasksOfCluster],
        conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      }),
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [tasksOfCluster],
      }),
      new iam.PolicyStatement({
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    ], ECS_ACKNOWLEDGMENTS, 'Ecs');
    new events.Rule(this, 'StreamEngineStopped', {
      description: `Tells the Coordinator of pipeline ${this.pipelineName} when a stream engine task stops`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [this.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          // Every launch has a startedBy of its own (ECS allows 36 characters): match the pipeline's prefix.
          startedBy: events.Match.prefix(taskStartedByPrefix(this.pipelineName)),
        },
      },
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 8 })],
    });
    new events.Rule(this, 'CoordinatorReconcileSchedule', {
      description: `Runs the Coordinator of pipeline ${this.pipelineName} every minute to make its stream registry agree with ECS`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // No retry: the next minute's run repeats the whole reconciliation.
      targets: [new targets.LambdaFunction(fn, {
        event: events.RuleTargetInput.fromObject(RECONCILE_EVENT),
        retryAttempts: 0,
        maxEventAge: Duration.seconds(60),
      })],
    });
    this.panel.addCoordinator(fn);
    this.coordinator = fn;
    return fn;
  }

  /** The lag scaler exists once the first object engine does. */
  private lagScalerFunction(): lambda.Function {
    if (this.lagScaler) return this.lagScaler;
    const fn = this.pipelineFunction('LagScaler', LagScalerFunction, 'stream engine pipeline lag scaler (scales object engines by consumer lag)', {
      // It mostly waits between polls, and a waiting second is billed by memory size.
      memorySize: 256,
      timeout: Duration.seconds(70),
      // One poller at a time: two would fight over the same desired counts.
      reservedConcurrentExecutions: 1,
      whenEnvironmentTooLarge: 'it carries the config and service name of every object engine: split the object engines over two pipelines',
    }, true, 'lagScaler');
    skipCheckov(fn, 'CKV_AWS_116', 'The lag scaler runs every minute on a schedule with retryAttempts 0: the next run recomputes every desired count from the current lag, so a failed event needs no replay.');
    // scaler state: read with BatchGetItem, written with PutItem; dead letters counted from offsets
    this.registryTable.grant(fn, 'dynamodb:BatchGetItem', 'dynamodb:PutItem');
    grantKafkaAccess(fn, this.binding, { describeTopics: [this.deadLetterTopic.topicName] });
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
    const fn = this.pipelineFunction('TopicProvisioner', TopicProvisionerFunction, 'stream engine pipeline topic provisioner (creates Kafka topics)', {
      timeout: Duration.minutes(5),
      whenEnvironmentTooLarge: 'it holds the Kafka settings only: pass fewer bootstrap brokers (two or three are enough)',
    }, true);
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

  /**
   * The config a Lambda reads: the Coordinator gets the stream engines only, the lag scaler the
   * object engines only, so that each one's 4 KB of environment holds twice as many engines.
   */
  private runtimeConfig(engines: EngineLambda): PipelineConfig {
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
      streamEngines: engines === 'coordinator' ? this.streamEngines.map((e) => e._config) : [],
      objectEngines: engines === 'lagScaler' ? this.objectEngines.map((e) => e._config) : [],
      maxConcurrentStreams: this.props.maxConcurrentStreams ?? 20,
      ...(engines === 'coordinator' ? { scheduling: this.scheduling() } : {}),
      pollIntervalSeconds: this.pollIntervalSeconds,
    };
  }

  private scheduling(): StreamSchedulingConfig {
    const p = this.props;
    return {
      maxStreamWaitSeconds: (p.maxStreamWait ?? DEFAULT_MAX_STREAM_WAIT).toSeconds(),
      streamEndGraceSeconds: (p.streamEndGrace ?? DEFAULT_STREAM_END_GRACE).toSeconds(),
      maxStreamDurationSeconds: (p.maxStreamDuration ?? DEFAULT_MAX_STREAM_DURATION).toSeconds(),
      heartbeatTimeoutSeconds: (p.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT).toSeconds(),
      maxLaunchAttempts: p.maxLaunchAttempts ?? DEFAULT_MAX_LAUNCH_ATTEMPTS,
    };
  }

  /** The deploy-time names a Lambda needs, split like runtimeConfig. */
  private engineRefs(engines: EngineLambda): EngineRefs {
    const streamEngines = engines === 'coordinator' ? this.streamEngines : [];
    const objectEngines = engines === 'lagScaler' ? this.objectEngines : [];
    const capacityProviders: NonNullable<EngineRefs['capacityProviders']> = {};
    for (const engine of streamEngines) {
      if (engine._capacityProviderStrategy) capacityProviders[engine.engineName] = engine._capacityProviderStrategy.map((s) => ({ ...s }));
    }
    return {
      cluster: this.cluster.clusterArn,
      subnets: this.props.vpc.selectSubnets(this.busContext.vpcSubnets).subnetIds,
      securityGroups: [this.busContext.clientSecurityGroup.securityGroupId],
      taskDefinitions: Object.fromEntries(streamEngines.map((e) => [e.engineName, e.taskDefinition.taskDefinitionArn])),
      ...(Object.keys(capacityProviders).length ? { capacityProviders } : {}),
      services: Object.fromEntries(objectEngines.map((e) => [e.engineName, e.service.serviceName])),
    };
  }

  private warnWithoutEngines(): string[] {
    if (this.streamEngines.length === 0 && this.objectEngines.length === 0) {
      Annotations.of(this).addWarningV2('cdk-status-and-streams:no-engines', 'The pipeline has no engines: add them with addStreamEngine() or addObjectEngine()');
    }
    return [];
  }
}

/**
 * A stream that waits for a slot keeps its data in the raw streams topic: waiting longer than the
 * topic keeps messages would let Kafka delete the stream's start before its engine reads it.
 * `retention.ms` -1 keeps messages forever.
 */
function requireWaitWithinRetention(where: string, maxStreamWait: Duration, rawStreamsTopic: PipelineTopic): void {
  const retentionMs = Number(rawStreamsTopic._spec().config['retention.ms']);
  if (maxStreamWait.isUnresolved() || !Number.isInteger(retentionMs) || retentionMs < 0) return;
  if (maxStreamWait.toMilliseconds() > retentionMs) {
    invalidProp(where, 'maxStreamWait', `must not be longer than the retention of the raw streams topic '${rawStreamsTopic.topicName}' (${formatMs(retentionMs)}), or a waiting stream's first messages could be deleted before its engine starts; got ${maxStreamWait.toHumanString()}. Shorten maxStreamWait or lengthen rawStreamsTopic.retention`);
  }
}

/** Every revision of the task definition's family. */
function taskDefinitionFamilyArn(taskDefinition: ecs.TaskDefinition): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':ecs:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':task-definition/', taskDefinition.family, ':*']);
}

