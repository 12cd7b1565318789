import { gunzipSync } from 'node:zlib';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EngineCapacity, KafkaBus, KafkaClientAuth, OffsetReset, StreamEnginePipeline, StreamEnginePipelineProps } from '../../src';
import { environmentSizeBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../src/private/lambda-environment-size';
import { RECONCILE_EVENT } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { launchStartedBy, taskStartedByPrefix } from '../../src/stream-engine-pipeline/runtime/engine-launcher';
import { PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');

type Setup = (stack: Stack, vpc: ec2.Vpc) => Partial<StreamEnginePipelineProps>;

function build(props: Partial<StreamEnginePipelineProps> = {}, engines = true, setup?: Setup, more?: (pipeline: StreamEnginePipeline) => void) {
  const app = new App();
  const stack = new Stack(app, 'PipelineStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc, pipelineName: 'media', ...props, ...(setup ? setup(stack, vpc) : {}) });
  if (engines) {
    pipeline.addStreamEngine('transcriber', { image, cpu: 2048, memoryLimitMiB: 4096 });
    pipeline.addObjectEngine('faces', { image, capacity: EngineCapacity.fargateSpot(), scaling: { lagPerTask: 50, maxTasks: 8 } });
    pipeline.addObjectEngine('labels', { image });
  }
  more?.(pipeline);
  return { stack, pipeline, template: Template.fromStack(stack) };
}

function functionByDescription(template: Template, word: string): any {
  return Object.values(template.findResources('AWS::Lambda::Function')).find((f: any) => (f.Properties.Description ?? '').includes(word));
}

function statementsOf(template: Template, roleFragment: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(roleFragment))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('Kafka bus', () => {
  test('default: MSK Serverless with IAM auth, brokers reachable from the pipeline (and, for the event source, themselves) only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
    // The event source rules themselves are asserted in event-source-network.test.ts.
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ FromPort: 9098, ToPort: 9098, IpProtocol: 'tcp' });
      expect(JSON.stringify(rule.GroupId)).toMatch(/BrokerSecurityGroup/);
    }
    expect(ingress.map((r) => JSON.stringify(r.SourceSecurityGroupId).match(/(ClientSecurityGroup|BrokerSecurityGroup)/)?.[1]).sort())
      .toEqual(['BrokerSecurityGroup', 'ClientSecurityGroup']);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('MSK Serverless'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
    });
    // Bootstrap brokers come from the Kafka API at deploy time.
    expect(JSON.stringify(template.findResources('Custom::AWS'))).toContain('getBootstrapBrokers');
  });

  test('provisioned: TLS in transit, IAM auth, broker logs, and AWS::MSK::Topic resources', () => {
    const { template } = build({ bus: KafkaBus.provisioned({ kafkaVersion: '3.6.0' }) });
    template.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.6.0',
      NumberOfBrokerNodes: 2,
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: Match.objectLike({ Enabled: true }) } },
    });
    const topics = Object.values(template.findResources('AWS::MSK::Topic')) as any[];
    expect(topics.map((t) => t.Properties.TopicName).sort()).toEqual([
      'media.control', 'media.dead-letter', 'media.objects', 'media.raw-streams', 'media.results',
    ]);
    expect(topics.every((t) => t.DeletionPolicy === 'Retain')).toBe(true);
    const control = topics.find((t) => t.Properties.TopicName === 'media.control');
    expect(control.Properties).toMatchObject({ PartitionCount: 3, ReplicationFactor: 3, Configs: { 'Fn::Base64': 'retention.ms=604800000' } });
    template.resourceCountIs('Custom::KafkaTopics', 0);
  });

  test('provisioned Kafka before 3.6: topics come from the topic provisioner', () => {
    const { template } = build({ bus: KafkaBus.provisioned({ kafkaVersion: '3.5.1' }) });
    template.resourceCountIs('AWS::MSK::Topic', 0);
    template.hasResourceProperties('Custom::KafkaTopics', {
      RetainOnDelete: 'true',
      Topics: Match.arrayWith([{ name: 'media.objects', partitions: 12, replicationFactor: 3, config: { 'retention.ms': '604800000' } }]),
    });
  });

  test('removalPolicy DESTROY lets the provisioner delete topics and the registry table go', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResourceProperties('Custom::KafkaTopics', { RetainOnDelete: 'false' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  test('existing brokers with SCRAM: self-managed event source in the VPC, secret readable, broker group opened', () => {
    const { template } = build({}, true, (stack, vpc) => ({
      bus: KafkaBus.fromBootstrapBrokers({
        bootstrapBrokers: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
        auth: KafkaClientAuth.SCRAM,
        scramSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Scram', 'AmazonMSK_pipeline'),
        brokerSecurityGroup: new ec2.SecurityGroup(stack, 'Brokers', { vpc }),
      }),
    }));
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    const mapping = (Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0] as any).Properties;
    expect(mapping.SelfManagedEventSource).toEqual({ Endpoints: { KafkaBootstrapServers: ['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096'] } });
    const types = mapping.SourceAccessConfigurations.map((c: any) => c.Type);
    expect(types).toContain('SASL_SCRAM_512_AUTH');
    expect(types.filter((t: string) => t === 'VPC_SUBNET')).toHaveLength(2);
    expect(types).toContain('VPC_SECURITY_GROUP');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 9096, ToPort: 9096 });
    const coordinatorActions = statementsOf(template, 'CoordinatorRole').flatMap((s) => [].concat(s.Action));
    expect(coordinatorActions).toContain('secretsmanager:GetSecretValue');
  });
});

describe('stream engines and the Coordinator', () => {
  test('the task carries the engine contract; STREAM_ID and the launch attempt are left to RunTask', () => {
    const { template } = build();
    const taskDef = (Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[])
      .find((t) => t.Properties.Cpu === '2048');
    expect(taskDef.Properties).toMatchObject({ Memory: '4096', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] });
    const vars = Object.fromEntries(taskDef.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
    expect(vars).toMatchObject({
      ENGINE_NAME: 'transcriber',
      KAFKA_AUTH_MODE: 'iam',
      ENGINE_INPUT_TOPICS: 'media.raw-streams',
      ENGINE_OUTPUT_TOPIC: 'media.results',
      ENGINE_DEAD_LETTER_TOPIC: 'media.dead-letter',
      ENGINE_CONSUMER_GROUP: 'media.stream-engine.transcriber',
      // Heartbeats go to the control topic: every 2 min / 4 = 30 s by default.
      ENGINE_CONTROL_TOPIC: 'media.control',
      ENGINE_HEARTBEAT_INTERVAL_SECONDS: '30',
    });
    expect(vars.KAFKA_BOOTSTRAP_BROKERS).toBeDefined();
    expect(vars.STREAM_ID).toBeUndefined();
    expect(vars.ENGINE_LAUNCH_ATTEMPT).toBeUndefined();
    expect(vars.ENGINE_STREAM_PARTITIONS).toBeUndefined();
    expect(vars.ENGINE_OFFSET_RESET).toBeUndefined();
    // SIGTERM leaves two minutes to finish the record at hand (what Fargate Spot gives)
    expect(taskDef.Properties.ContainerDefinitions[0].StopTimeout).toBe(120);
    // Object engines send their heartbeats to their output topic, not to the Coordinator, and start uncommitted partitions at the earliest offset.
    for (const objectTask of (Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[]).filter((t) => t !== taskDef)) {
      const objectVars = Object.fromEntries(objectTask.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
      expect(objectVars).toMatchObject({ ENGINE_HEARTBEAT_INTERVAL_SECONDS: '30', ENGINE_OFFSET_RESET: 'earliest' });
      expect(objectVars.ENGINE_CONTROL_TOPIC).toBeUndefined();
      expect(objectTask.Properties.ContainerDefinitions[0].StopTimeout).toBe(120);
    }
  });

  test.each([
    [Duration.seconds(30), '7'],
    [Duration.seconds(90), '22'],
    [Duration.minutes(10), '30'],
  ])('heartbeatTimeout %s: stream engines send a heartbeat every %s s (a quarter of it, at most 30 s)', (heartbeatTimeout, interval) => {
    const { template } = build({ heartbeatTimeout });
    const taskDef = (Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[]).find((t) => t.Properties.Cpu === '2048');
    const vars = Object.fromEntries(taskDef.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
    expect(vars.ENGINE_HEARTBEAT_INTERVAL_SECONDS).toBe(interval);
  });

  test('stream engine tasks may write heartbeats to the control topic; object engine tasks may not', () => {
    const { template } = build();
    const writes = (role: string) => statementsOf(template, role)
      .filter((s) => ([] as string[]).concat(s.Action).includes('kafka-cluster:WriteData'))
      .map((s) => JSON.stringify(s.Resource));
    expect(writes('StreamEnginetranscriberTaskDefinitionTaskRole').join()).toContain('/media.control');
    expect(writes('ObjectEnginefacesTaskDefinitionTaskRole').join()).not.toContain('/media.control');
  });

  test('the Coordinator reads the control topic and may only run its engines\' task definitions in the cluster', () => {
    const { template, stack, pipeline } = build();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['media.control'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'media.coordinator' },
      StartingPosition: 'TRIM_HORIZON',
    });
    const statements = statementsOf(template, 'CoordinatorRole');
    const runTask = statements.find((s) => s.Action === 'ecs:RunTask');
    expect(JSON.stringify(runTask.Resource)).toContain(':task-definition/');
    expect(runTask.Condition.ArnEquals['ecs:cluster']).toBeDefined();
    const passRole = statements.find((s) => s.Action === 'iam:PassRole');
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(passRole.Resource).toHaveLength(2);
    // Every role of the pipeline (CDK's own AwsCustomResource provider role aside).
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('Pipeline'));
    expect(roles.length).toBeGreaterThan(5);
    for (const [, role] of roles as any[]) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toMatch(/AWSLambdaMSKExecutionRole|AWSLambdaBasicExecutionRole/);
    }
    // ECS lets startedBy hold 36 characters: each launch has its own, under the pipeline's prefix.
    const prefix = taskStartedByPrefix('media');
    expect(launchStartedBy('media', 'cam-7', 1, 'transcriber', 2).startsWith(prefix)).toBe(true);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        'detail': Match.objectLike({ lastStatus: ['STOPPED'], startedBy: [{ prefix }] }),
      },
    });
    // Describe and stop only tasks of the pipeline's cluster; list them only in that cluster.
    const clusterArn = stack.resolve(pipeline.cluster.clusterArn);
    const describeStop = statements.find((s) => JSON.stringify(s.Action) === JSON.stringify(['ecs:DescribeTasks', 'ecs:StopTask']));
    expect(JSON.stringify(describeStop.Resource)).toMatch(/:task\/",\{"Ref":"PipelineCluster[0-9A-F]+"\},"\/\*"/);
    const listTasks = statements.find((s) => s.Action === 'ecs:ListTasks');
    expect(listTasks.Resource).toBe('*');
    expect(listTasks.Condition).toEqual({ ArnEquals: { 'ecs:cluster': clusterArn } });
    const registryActions = statements.filter((s) => JSON.stringify(s.Resource).includes('Registry')).flatMap((s) => [].concat(s.Action));
    expect(registryActions.sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  test('the Coordinator runs in the pipeline\'s private subnets with the client group and may write to the results and dead-letter topics only', () => {
    const { template } = build();
    const coordinator = functionByDescription(template, 'Coordinator');
    expect(coordinator.Properties.Timeout).toBe(120);
    expect(coordinator.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref)).toEqual([
      expect.stringMatching(/^VpcPrivateSubnet1/), expect.stringMatching(/^VpcPrivateSubnet2/),
    ]);
    expect(JSON.stringify(coordinator.Properties.VpcConfig.SecurityGroupIds)).toMatch(/^\[\{"Fn::GetAtt":\["PipelineClientSecurityGroup/);
    const writes = statementsOf(template, 'CoordinatorRole').filter((s) => ([] as string[]).concat(s.Action).includes('kafka-cluster:WriteData'));
    expect(writes).toHaveLength(1);
    const topics = [].concat(writes[0].Resource).map((r) => JSON.stringify(r).match(/\/(media\.[a-z-]+)"\]\]\}$/)?.[1]);
    expect(topics).toEqual(['media.results', 'media.dead-letter']);
    // its producer is idempotent: MSK IAM authorizes that on the cluster (WriteDataIdempotently)
    const idempotent = statementsOf(template, 'CoordinatorRole').filter((s) => ([] as string[]).concat(s.Action).includes('kafka-cluster:WriteDataIdempotently'));
    expect(idempotent).toHaveLength(1);
    expect(JSON.stringify(idempotent[0].Resource)).toMatch(/ServerlessCluster/);
    // the lag scaler writes nothing, so it gets no write action at all
    expect(statementsOf(template, 'LagScalerRole').flatMap((s) => [].concat(s.Action))).not.toContain('kafka-cluster:WriteDataIdempotently');
  });

  test('the Coordinator reconciles every minute (the reconcile event, no retry: the next minute repeats it)', () => {
    const { template } = build();
    const coordinatorId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('PipelineCoordinator'));
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties)
      .filter((r) => r.ScheduleExpression && r.Targets[0].Arn['Fn::GetAtt'][0] === coordinatorId);
    expect(rules).toHaveLength(1);
    expect(rules[0].ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.parse(rules[0].Targets[0].Input)).toEqual(RECONCILE_EVENT);
    expect(rules[0].Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('Kafka IAM is scoped to topic and group ARNs of the cluster', () => {
    const { template } = build();
    const kafka = statementsOf(template, 'TaskRole').filter((s) => [].concat(s.Action).some((a: string) => a.startsWith('kafka-cluster:')));
    const text = JSON.stringify(kafka);
    expect(text).toContain(':topic/');
    expect(text).toContain('media.raw-streams');
    expect(text).toContain(':group/');
    expect(text).toContain('media.stream-engine.transcriber.*');
    for (const s of kafka) {
      expect([].concat(s.Action)).not.toContain('kafka-cluster:*');
      expect([].concat(s.Resource)).not.toContain('*');
    }
  });
});

describe('object engines and the lag scaler', () => {
  test('services start with no desired count, on the chosen capacity, in private subnets without public IPs', () => {
    const { template } = build();
    const services = Object.values(template.findResources('AWS::ECS::Service')) as any[];
    expect(services).toHaveLength(2);
    for (const s of services) {
      expect(s.Properties.DesiredCount).toBeUndefined();
      expect(s.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      expect(JSON.stringify(s.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets)).toMatch(/PrivateSubnet/);
      expect(s.DependsOn.some((d: string) => d.includes('Topics'))).toBe(true);
    }
    expect(services.some((s) => JSON.stringify(s.Properties.CapacityProviderStrategy ?? []).includes('FARGATE_SPOT'))).toBe(true);
  });

  test('the lag scaler: two runs at most (one polls, the lease decides), in the VPC, every minute, allowed to update only its services', () => {
    const { template } = build();
    const scaler = functionByDescription(template, 'lag scaler');
    // a run polls until the next minute's run takes the lease, so two overlap at each handover
    expect(scaler.Properties.ReservedConcurrentExecutions).toBe(2);
    expect(scaler.Properties.Timeout).toBe(120);
    expect(scaler.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const updates = statementsOf(template, 'LagScalerRole').filter((s) => JSON.stringify(s.Action).includes('ecs:UpdateService'));
    expect(updates.map((s) => s.Resource.Ref).sort()).toEqual([
      expect.stringMatching(/ObjectEnginefacesService/), expect.stringMatching(/ObjectEnginelabelsService/),
    ]);
  });

  test('the lag scaler\'s Kafka access is read-only: it describes the groups, never joins, commits or alters them', () => {
    const { template } = build();
    const actions = statementsOf(template, 'LagScalerRole').flatMap((s) => [].concat(s.Action) as string[]).filter((a) => a.startsWith('kafka-cluster:'));
    expect([...new Set(actions)].sort()).toEqual(['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeGroup', 'kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']);
    const groups = statementsOf(template, 'LagScalerRole').filter((s) => JSON.stringify(s.Resource).includes(':group/'));
    expect(groups.map((s) => s.Action)).toEqual(groups.map(() => 'kafka-cluster:DescribeGroup'));
    expect(groups).toHaveLength(2);
  });

  test('the Lambdas get the pipeline config, compressed: the Coordinator every stream engine, the lag scaler every object engine and its scaling rules', () => {
    const { template } = build({ lagPollInterval: Duration.seconds(5), maxConcurrentStreams: 7 });
    const configOf = (fn: any): PipelineConfig => JSON.parse(gunzipSync(Buffer.from(fn.Properties.Environment.Variables.PIPELINE_CONFIG, 'base64')).toString());
    const refsOf = (fn: any): string => JSON.stringify(fn.Properties.Environment.Variables.PIPELINE_ENGINE_REFS);
    const scaler = functionByDescription(template, 'lag scaler');
    const coordinator = functionByDescription(template, 'Coordinator');
    for (const config of [configOf(scaler), configOf(coordinator)]) {
      expect(config.pollIntervalSeconds).toBe(5);
      expect(config.maxConcurrentStreams).toBe(7);
      expect(config.topics.deadLetter).toBe('media.dead-letter');
    }
    expect(configOf(coordinator).streamEngines.map((e) => [e.name, e.consumerGroupPrefix])).toEqual([['transcriber', 'media.stream-engine.transcriber']]);
    expect(configOf(coordinator).objectEngines).toEqual([]);
    expect(configOf(scaler).streamEngines).toEqual([]);
    expect(configOf(scaler).objectEngines.map((e) => [e.name, e.consumerGroup, e.scaling.lagPerTask, e.scaling.maxTasks])).toEqual([
      ['faces', 'media.object-engine.faces', 50, 8],
      ['labels', 'media.object-engine.labels', 100, 10],
    ]);
    // Deploy-time refs: task definitions for the Coordinator, services for the lag scaler.
    expect(refsOf(coordinator)).toMatch(/\\"transcriber\\":.*StreamEnginetranscriberTaskDefinition/);
    expect(refsOf(coordinator)).toContain('\\"services\\":{}');
    expect(refsOf(scaler)).toMatch(/\\"faces\\":.*ObjectEnginefacesService/);
    expect(refsOf(scaler)).toContain('\\"taskDefinitions\\":{}');
  });

  test('the scaling semantics reach the lag scaler with their defaults, and offsetReset reaches both the engine (ENGINE_OFFSET_RESET) and the scaler', () => {
    const { template } = build({}, true, undefined, (pipeline) => pipeline.addObjectEngine('ocr', {
      image,
      offsetReset: OffsetReset.LATEST,
      scaling: {
        persistentLagAfter: Duration.minutes(3),
        excludePersistentLag: false,
        timeLagPerTask: Duration.seconds(30),
        limitToPartitionsWithLag: false,
      },
    }));
    const scaler = functionByDescription(template, 'lag scaler');
    const engines = (JSON.parse(gunzipSync(Buffer.from(scaler.Properties.Environment.Variables.PIPELINE_CONFIG, 'base64')).toString()) as PipelineConfig).objectEngines;
    const byName = new Map(engines.map((e) => [e.name, e]));
    expect(byName.get('labels')).toMatchObject({
      offsetReset: 'earliest',
      scaling: { limitToPartitionsWithLag: true, persistentLagAfterSeconds: 600, excludePersistentLag: true },
    });
    expect(byName.get('labels')!.scaling.timeLagPerTaskSeconds).toBeUndefined();
    expect(byName.get('ocr')).toMatchObject({
      offsetReset: 'latest',
      scaling: { limitToPartitionsWithLag: false, persistentLagAfterSeconds: 180, excludePersistentLag: false, timeLagPerTaskSeconds: 30 },
    });
    const offsetResetOf = (engine: string) => {
      const environments = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((d: any) => d.Properties.ContainerDefinitions[0].Environment ?? []);
      const environment = environments.find((vars) => vars.some((v: any) => v.Name === 'ENGINE_CONSUMER_GROUP' && v.Value === `media.object-engine.${engine}`));
      return environment.find((v: any) => v.Name === 'ENGINE_OFFSET_RESET')?.Value;
    };
    expect(offsetResetOf('ocr')).toBe('latest');
    expect(offsetResetOf('labels')).toBe('earliest');
    // the time-lag engine's age is on the dashboard
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain('TimeLagSeconds');
  });

  test('the Coordinator gets the scheduling rules in seconds: defaults, and the props when given', () => {
    const configOf = (template: Template, word: string): PipelineConfig =>
      JSON.parse(gunzipSync(Buffer.from(functionByDescription(template, word).Properties.Environment.Variables.PIPELINE_CONFIG, 'base64')).toString());
    const defaults = build().template;
    expect(configOf(defaults, 'Coordinator').scheduling).toEqual({
      maxStreamWaitSeconds: 900, streamEndGraceSeconds: 300, maxStreamDurationSeconds: 86_400, heartbeatTimeoutSeconds: 120, maxLaunchAttempts: 3,
    });
    expect(configOf(defaults, 'lag scaler').scheduling).toBeUndefined();
    const given = build({
      maxStreamWait: Duration.minutes(3),
      streamEndGrace: Duration.seconds(45),
      maxStreamDuration: Duration.hours(2),
      heartbeatTimeout: Duration.seconds(40),
      maxLaunchAttempts: 5,
    }).template;
    expect(configOf(given, 'Coordinator').scheduling).toEqual({
      maxStreamWaitSeconds: 180, streamEndGraceSeconds: 45, maxStreamDurationSeconds: 7_200, heartbeatTimeoutSeconds: 40, maxLaunchAttempts: 5,
    });
  });

  test('GPU capacity: EC2 task definition with a GPU and an Auto Scaling group capacity provider', () => {
    const app = new App();
    const stack = new Stack(app, 'Gpu', { env: { account: '123456789012', region: 'eu-west-1' } });
    const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
    pipeline.addObjectEngine('vision', {
      image,
      cpu: 4096,
      memoryLimitMiB: 15000,
      capacity: EngineCapacity.gpu({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE), maxInstances: 3 }),
    });
    const gpu = Template.fromStack(stack);
    gpu.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['EC2'],
      ContainerDefinitions: [Match.objectLike({ ResourceRequirements: [{ Type: 'GPU', Value: '1' }] })],
    });
    gpu.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '3' });
    gpu.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: Match.objectLike({ Status: 'ENABLED' }), ManagedDraining: 'ENABLED' }),
    });
    // ECS drains the instances: no drain hook Lambda (python3.9 on aws-cdk-lib 2.200.1), lifecycle hook or topic.
    const runtimes = Object.values(gpu.findResources('AWS::Lambda::Function')).map((fn: any) => fn.Properties.Runtime);
    expect(runtimes.filter((runtime) => typeof runtime === 'string' && !runtime.startsWith('nodejs'))).toEqual([]);
    gpu.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
    gpu.resourceCountIs('AWS::SNS::Topic', 0);
    gpu.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required' } }),
    });
  });
});

describe('a cluster you bring', () => {
  test('an imported cluster (ICluster) runs stream and object engines, Fargate Spot included, and is not modified', () => {
    const { template, pipeline, stack } = build({}, true, (scope, vpc) => ({
      cluster: ecs.Cluster.fromClusterAttributes(scope, 'Existing', { clusterName: 'existing-cluster', vpc }),
    }));
    expect(pipeline.cluster.clusterName).toBe('existing-cluster');
    template.resourceCountIs('AWS::ECS::Cluster', 0);
    template.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
    const clusterArn = stack.resolve(pipeline.cluster.clusterArn);
    for (const service of Object.values(template.findResources('AWS::ECS::Service')) as any[]) {
      expect(service.Properties.Cluster).toBe('existing-cluster');
    }
    const runTask = statementsOf(template, 'CoordinatorRole').find((st) => st.Action === 'ecs:RunTask');
    expect(runTask.Condition.ArnEquals['ecs:cluster']).toEqual(clusterArn);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: Match.objectLike({ clusterArn: [clusterArn] }) } });
    expect(JSON.stringify(functionByDescription(template, 'Coordinator').Properties.Environment.Variables.PIPELINE_ENGINE_REFS)).toContain(':cluster/existing-cluster');
  });

  test('an ecs.Cluster defined in the app gets the Fargate Spot capacity providers', () => {
    const { template } = build({}, true, (stack, vpc) => ({ cluster: new ecs.Cluster(stack, 'Mine', { vpc }) }));
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      Cluster: { Ref: Match.stringLikeRegexp('^Mine') },
      CapacityProviders: Match.arrayWith(['FARGATE_SPOT']),
    });
  });
});

describe('scale-in protection', () => {
  test('object engine tasks may update the scale-in protection of tasks of the pipeline\'s cluster, and nothing else of ECS; stream engine tasks may not', () => {
    const ecsStatements = (template: Template, role: string) => statementsOf(template, role).filter((s) => [].concat(s.Action).some((a: string) => a.startsWith('ecs:')));
    const tasksOf = (...name: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...name]] });
    const protection = (tasks: unknown, clusterArn: unknown) => [{
      Effect: 'Allow', Action: 'ecs:UpdateTaskProtection', Resource: tasks, Condition: { ArnEquals: { 'ecs:cluster': clusterArn } },
    }];
    const own = build();
    const ownCluster = protection(
      tasksOf(':ecs:eu-west-1:123456789012:task/', own.stack.resolve(own.pipeline.cluster.clusterName), '/*'),
      own.stack.resolve(own.pipeline.cluster.clusterArn),
    );
    expect(JSON.stringify(ownCluster)).toMatch(/"Ref":"PipelineCluster[0-9A-F]+"/);
    for (const engine of ['faces', 'labels']) {
      expect(ecsStatements(own.template, `ObjectEngine${engine}TaskDefinitionTaskRole`)).toEqual(ownCluster);
    }
    expect(ecsStatements(own.template, 'StreamEnginetranscriberTaskDefinitionTaskRole')).toEqual([]);

    const imported = build({}, true, (scope, vpc) => ({
      cluster: ecs.Cluster.fromClusterAttributes(scope, 'Existing', { clusterName: 'existing-cluster', vpc }),
    }));
    expect(ecsStatements(imported.template, 'ObjectEnginelabelsTaskDefinitionTaskRole')).toEqual(
      protection(tasksOf(':ecs:eu-west-1:123456789012:task/existing-cluster/*'), imported.stack.resolve(imported.pipeline.cluster.clusterArn)),
    );
    expect(JSON.stringify(imported.stack.resolve(imported.pipeline.cluster.clusterArn))).toContain(':cluster/existing-cluster');
  });
});

describe('Lambda environment size (4 KB)', () => {
  /** Engine names of 12 characters in a VPC of 3 private subnets: the README's figure. */
  function engines(streamEngines: number, objectEngines: number) {
    const stack = new Stack(new App(), 'MediaPipelineStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const pipeline = new StreamEnginePipeline(stack, 'Media', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 1 }) });
    for (let i = 0; i < streamEngines; i++) pipeline.addStreamEngine(`stream-${String(i).padStart(5, '0')}`, { image });
    for (let i = 0; i < objectEngines; i++) pipeline.addObjectEngine(`object-${String(i).padStart(5, '0')}`, { image });
    return { stack, pipeline };
  }
  const lambdaOf = (stack: Stack, id: string) =>
    stack.node.findAll().find((c) => c instanceof lambda.Function && c.node.id === id) as lambda.Function;

  test('16 stream engines and 16 object engines fit: each Lambda carries only its own kind', () => {
    const { stack } = engines(16, 16);
    expect(() => Template.fromStack(stack)).not.toThrow();
    for (const id of ['Coordinator', 'LagScaler']) {
      const size = environmentSizeBytes(lambdaOf(stack, id));
      expect(size).toBeGreaterThan(3500);
      expect(size).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    }
  }, 60_000);

  test('the lag scaler carries no subnets or security groups (it launches nothing): 19 object engines fit, the 20th fails at synth, naming the pipeline, the Lambda and what to do', () => {
    const fits = engines(16, 19).stack;
    expect(() => Template.fromStack(fits)).not.toThrow();
    expect(environmentSizeBytes(lambdaOf(fits, 'LagScaler'))).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES - 156);
    const { stack } = engines(16, 20);
    expect(() => Template.fromStack(stack)).toThrow(
      /StreamEnginePipeline 'Media': the LagScaler Lambda's environment variables would take about \d+ bytes, over Lambda's limit of 4096 \(values known only at deploy time, such as ARNs, count 128 bytes each\); it carries the config and service name of every object engine: split the object engines over two pipelines/,
    );
  }, 60_000);

  test('50 stream engines and 50 object engines do not fit: both Lambdas are named', () => {
    const { stack } = engines(50, 50);
    let message = '';
    try {
      Template.fromStack(stack);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/the Coordinator Lambda's environment variables would take about \d+ bytes.*split the stream engines over two pipelines/);
    expect(message).toMatch(/the LagScaler Lambda's environment variables would take about \d+ bytes.*split the object engines over two pipelines/);
  }, 120_000);
});

describe('operations', () => {
  test('a dashboard and alarms for dead letters, Coordinator, launches, waiting, failed and expired streams, lag reading and stuck partitions', () => {
    const { template, pipeline } = build();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      'ConsumerLag', 'DesiredTasks', 'RunningTaskCount', 'ActiveStreams', 'StreamsWaiting', 'OldestStreamWaitSeconds',
      'StreamsFailed', 'StreamsExpired', 'EngineRelaunches', 'LaunchFailures', 'DeadLetterMessages', 'LagReadFailures', 'StuckPartitions',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).not.toContain('StreamsRejected');
    // 8 for the pipeline, and one stuck-partition alarm per object engine (faces, labels)
    expect(pipeline.alarms).toHaveLength(10);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    for (const engine of ['faces', 'labels']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp(`object engine '${engine}' is stuck`),
        Threshold: 1,
        Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'StuckPartitions' }) }) })],
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('stream alarms: the oldest waiting stream past half of maxStreamWait, any failed or expired stream', () => {
    const alarmOn = (template: Template, metric: string) => (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[])
      .filter((a) => a.Properties.MetricName === metric).map((a) => a.Properties);
    const { template } = build({ maxStreamWait: Duration.minutes(10) });
    expect(alarmOn(template, 'OldestStreamWaitSeconds')).toEqual([expect.objectContaining({
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      Dimensions: [{ Name: 'Pipeline', Value: 'media' }],
    })]);
    for (const metric of ['StreamsFailed', 'StreamsExpired', 'LaunchFailures']) {
      expect(alarmOn(template, metric)).toEqual([expect.objectContaining({
        Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      })]);
    }
    expect(alarmOn(build().template, 'OldestStreamWaitSeconds')[0].Threshold).toBe(450);
  });

  test('alarmActions reach every alarm the pipeline creates, for ALARM and OK; without them no alarm has actions', () => {
    const stackOf = (withActions: boolean) => build({}, true, (stack) => (withActions ? {
      alarmActions: [new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Oncall')), new cloudwatchActions.SnsAction(new sns.Topic(stack, 'Chat'))],
    } : {}));
    const alarms = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);

    const given = stackOf(true);
    const topics = Object.keys(given.template.findResources('AWS::SNS::Topic')).sort();
    expect(topics).toEqual([expect.stringMatching(/^Chat/), expect.stringMatching(/^Oncall/)]);
    expect(alarms(given.template)).toHaveLength(10);
    for (const alarm of alarms(given.template)) {
      expect(alarm.AlarmActions.map((a: any) => a.Ref).sort()).toEqual(topics);
      expect(alarm.OKActions.map((a: any) => a.Ref).sort()).toEqual(topics);
    }
    expect(given.pipeline.alarms).toHaveLength(10);

    const none = stackOf(false);
    expect(alarms(none.template)).toHaveLength(10);
    for (const alarm of alarms(none.template)) {
      expect(alarm.AlarmActions).toBeUndefined();
      expect(alarm.OKActions).toBeUndefined();
    }
  });

  const buses: Array<[string, (stack: Stack) => KafkaBus]> = [
    ['MSK Serverless', () => KafkaBus.serverless()],
    ['MSK provisioned', () => KafkaBus.provisioned()],
    ['MSK provisioned before Kafka 3.6 (topic provisioner)', () => KafkaBus.provisioned({ kafkaVersion: '3.5.1' })],
    ['existing brokers with SCRAM', (stack) => KafkaBus.fromBootstrapBrokers({
      bootstrapBrokers: 'b-1.kafka.internal:9096', auth: KafkaClientAuth.SCRAM, scramSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Scram', 'AmazonMSK_x'),
    })],
    ['existing MSK brokers with IAM', () => KafkaBus.fromBootstrapBrokers({
      bootstrapBrokers: 'b-1.kafka.internal:9098', auth: KafkaClientAuth.IAM, clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/media/abcd-1234',
    })],
    ['existing brokers with TLS', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1.kafka.internal:9094', auth: KafkaClientAuth.TLS })],
  ];

  test.each(buses)('logRetention applies to every log group the pipeline creates: %s', (name, bus) => {
    const { template } = build({ logRetention: logs.RetentionDays.ONE_WEEK }, true, (stack) => ({ bus: bus(stack) }));
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as any[];
    // Coordinator and lag scaler, and one per engine; the topic provisioner's and the brokers' where they exist.
    expect(groups.length).toBeGreaterThanOrEqual(5);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    if (name.startsWith('MSK provisioned')) {
      template.hasResourceProperties('AWS::MSK::Cluster', {
        LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: { Ref: Match.stringLikeRegexp('BrokerLogs') } } } },
      });
    }
  });

  test('logRetention also applies with a GPU engine', () => {
    const stack = new Stack(new App(), 'Gpu', { env: { account: '123456789012', region: 'eu-west-1' } });
    const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), logRetention: logs.RetentionDays.ONE_WEEK });
    pipeline.addObjectEngine('vision', { image, cpu: 4096, memoryLimitMiB: 15000, capacity: EngineCapacity.gpu({ instanceType: new ec2.InstanceType('g5.xlarge') }) });
    const template = Template.fromStack(stack);
    // The lag scaler's, the topic provisioner's and the engine's; the GPU capacity adds none.
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('resource types and counts of the example pipeline', () => {
    const { template } = build();
    const counts: Record<string, number> = {};
    for (const r of Object.values(template.toJSON().Resources) as any[]) {
      counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    }
    expect(counts).toMatchSnapshot();
  });
});
