/**
 * IAM proved by the calls the pipeline's handlers really make. A StreamEnginePipeline on
 * KafkaBus.serverless() (MSK IAM auth: every Kafka request is an IAM request) is synthesized;
 * the BUNDLED Coordinator, lag scaler and topic provisioner from the cloud assembly run a
 * representative scenario each, in a child process with the template's environment resolved to
 * deployed values (deployed-values.ts). Every AWS API call and Kafka operation is recorded
 * (test/helpers/aws-call-recorder.js), mapped to IAM requests (aws-calls.ts) and simulated against
 * the policies the template attaches to that function's role (@cloud-copilot/iam-simulate).
 *
 * The scenario runs IN this test rather than in the bundled-handler tests: only a synthesized
 * template gives the resource names both the calls and the policies use. Real components:
 * dynalite (DynamoDB), the local Kafka broker (plaintext: the role's IAM is checked by the
 * simulator instead of MSK). ECS has no local implementation: a local HTTP server MOCKS its API.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IamCall, iamCallsOfLog, parseCallLog } from './aws-calls';
import { ACCOUNT, DeployedValues, REGION } from './deployed-values';
import { deniedCalls, rolePolicies, unexplainedGrants } from './role-check';
import { KafkaBus, StreamEnginePipeline } from '../../src';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from '../../src/stream-engine-pipeline/runtime/registry-schema';
import { runBundledHandler } from '../helpers/bundled-handler';
import { createKeyTable, LocalDynamo, startDynalite } from '../helpers/dynalite';
import { ensureKafka } from '../helpers/kafka-broker';
import { consumeRecords, kafkaEvent, produce } from '../stream-engine-pipeline/runtime/coordinator-helpers';
import { FakeEcsCluster, FakeEcsServer, startFakeEcsServer } from '../stream-engine-pipeline/runtime/fake-ecs';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');
const pipelineName = `iam-${process.pid}-${Date.now()}`;

/** Granted actions no handler call uses, and why the role has them. */
const LAMBDA_SERVICE: Record<string, string> = {
  'logs:CreateLogStream': 'Lambda writes the function\'s logs to its log group',
  'logs:PutLogEvents': 'Lambda writes the function\'s logs to its log group',
  'ec2:CreateNetworkInterface': 'Lambda attaches the function to the VPC (Hyperplane ENIs)',
  'ec2:DescribeNetworkInterfaces': 'Lambda attaches the function to the VPC',
  'ec2:DescribeSubnets': 'Lambda attaches the function to the VPC',
  'ec2:DescribeSecurityGroups': 'Lambda attaches the function to the VPC',
  'ec2:DescribeVpcs': 'Lambda attaches the function to the VPC',
  'ec2:DeleteNetworkInterface': 'Lambda detaches the function from the VPC',
  'ec2:AssignPrivateIpAddresses': 'Lambda attaches the function to the VPC',
  'ec2:UnassignPrivateIpAddresses': 'Lambda detaches the function from the VPC',
  'kafka-cluster:DescribeCluster': 'granted with Connect as MSK documents for clients; no Kafka request of the handler needs it',
};
const EVENT_SOURCE: Record<string, string> = {
  'kafka:DescribeCluster': 'the MSK event source mapping reads the cluster with the function\'s role',
  'kafka:DescribeClusterV2': 'the MSK event source mapping reads the serverless cluster with the function\'s role',
  'kafka:GetBootstrapBrokers': 'the MSK event source mapping finds the brokers with the function\'s role',
  'kafka-cluster:DescribeClusterDynamicConfiguration': 'the MSK event source mapping reads the cluster configuration',
  'kafka-cluster:ReadData': 'the MSK event source mapping reads the control topic with the function\'s role (the handler receives the records)',
  'kafka-cluster:AlterGroup': 'the MSK event source mapping commits the coordinator group\'s offsets',
  'kafka-cluster:DescribeGroup': 'the MSK event source mapping reads the coordinator group',
};

/** Documented MSK dependencies (kafka-actions.html, "Required actions"): granted with the action that needs them. */
const PROVISIONER: Record<string, string> = {
  'kafka-cluster:DescribeTopic': 'a Required action of AlterTopic and DeleteTopic (MSK kafka-actions.html)',
  'kafka-cluster:DescribeTopicDynamicConfiguration': 'a Required action of AlterTopicDynamicConfiguration (MSK kafka-actions.html)',
};
const COORDINATOR: Record<string, string> = {
  'kafka-cluster:DescribeTopic': 'a Required action of ReadData (the event source on the control topic) and WriteData (MSK kafka-actions.html)',
  // NOT EXERCISED by this scenario (the stopped task's stream is not closed within it)
  'dynamodb:DeleteItem': 'NOT EXERCISED here: stream-registry.ts deletes a stream\'s items when it ends',
};
let bootstrap: string;
let dynamo: LocalDynamo;
let ecsApi: FakeEcsServer;
let services: http.Server;
let servicesUrl: string;
let cfnResponses: http.Server;
let cfnResponseUrl: string;
const cluster = new FakeEcsCluster('pipeline-cluster', Date.now);
const desiredCounts = new Map<string, number>();
const cfnStatuses: string[] = [];
const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iam-calls-'));

/** ECS MOCK for the lag scaler: DescribeServices and UpdateService over awsJson1_1. */
function serviceMock(req: http.IncomingMessage, res: http.ServerResponse) {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '').split('.').pop();
    const body = JSON.parse(text || '{}');
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target === 'DescribeServices') {
      res.end(JSON.stringify({ services: body.services.map((s: string) => ({ serviceName: s, status: 'ACTIVE', desiredCount: desiredCounts.get(s) ?? 0, runningCount: 0 })), failures: [] }));
    } else if (target === 'UpdateService') {
      desiredCounts.set(body.service, body.desiredCount);
      res.end(JSON.stringify({ service: { serviceName: body.service, desiredCount: body.desiredCount, status: 'ACTIVE' } }));
    } else {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `not mocked: ${target}` }));
    }
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  bootstrap = await ensureKafka();
  dynamo = await startDynalite();
  ecsApi = await startFakeEcsServer(cluster);
  services = http.createServer(serviceMock);
  servicesUrl = await listen(services);
  cfnResponses = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => { cfnStatuses.push(`${JSON.parse(text).RequestId} ${JSON.parse(text).Status} ${JSON.parse(text).Reason ?? ''}`.trim()); res.writeHead(200).end(); });
  });
  cfnResponseUrl = await listen(cfnResponses);
}, 240_000);
afterAll(async () => {
  await Promise.all([dynamo.stop(), ecsApi.close(), new Promise((r) => services.close(r)), new Promise((r) => cfnResponses.close(r))]);
});

function synthesize() {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PipelineStack', { env: { account: ACCOUNT, region: REGION } });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', {
    vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }),
    pipelineName,
    bus: KafkaBus.serverless(),
    lagPollInterval: Duration.seconds(5), // two polls in the lag scaler's invocation below
  });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const values = new DeployedValues(resources);
  const clusterArn = values.resolve({ 'Fn::GetAtt': [Object.keys(resources).find((id) => resources[id].Type === 'AWS::MSK::ServerlessCluster'), 'Arn'] });
  const fn = (word: string) => {
    const [, resource] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Description ?? '').includes(word))!;
    const env = Object.fromEntries(Object.entries(resource.Properties.Environment.Variables)
      // the brokers are the local ones, reached in plaintext (the simulator checks the IAM)
      .map(([k, v]) => [k, k === 'KAFKA_BOOTSTRAP_BROKERS' ? bootstrap : k === 'KAFKA_AUTH_MODE' ? 'plaintext' : values.resolve(v)]));
    return {
      bundle: path.join(app.outdir, resource.Metadata['aws:asset:path'], 'index.js'),
      env: env as Record<string, string>,
      role: resource.Properties.Role['Fn::GetAtt'][0] as string,
    };
  };
  return { resources, values, clusterArn, pipeline, coordinator: fn('Coordinator'), lagScaler: fn('lag'), provisioner: fn('topic') };
}

const awsEnv = () => ({
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
});

/** RunTask passes the task definition's roles to ECS: AWS checks iam:PassRole on each. */
function passRoleCalls(resources: Record<string, any>, values: DeployedValues, call: IamCall): IamCall[] {
  if (call.action !== 'ecs:RunTask') return [];
  const taskDefinition = Object.entries(resources)
    .find(([id, r]) => r.Type === 'AWS::ECS::TaskDefinition' && values.resolve({ Ref: id }) === call.resource)?.[1];
  if (!taskDefinition) throw new Error(`RunTask of ${call.resource}, which is not in the template`);
  return [taskDefinition.Properties.TaskRoleArn, taskDefinition.Properties.ExecutionRoleArn].filter(Boolean).map((role) => ({
    action: 'iam:PassRole',
    resource: values.resolve(role),
    context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    origin: call.origin,
  }));
}

async function recordedRun(
  name: string, bundle: string, env: Record<string, string>, events: unknown[], clusterArn: string, remainingTimeMs?: number,
): Promise<IamCall[]> {
  const log = path.join(logDir, `${name}.jsonl`);
  const run = await runBundledHandler(bundle, env, events, { recordCallsTo: log, remainingTimeMs });
  if (run.code !== 0) throw new Error(`${name} exited ${run.code}: ${run.stderr.slice(-1500)} ${run.stdout.slice(-1500)}`);
  return iamCallsOfLog(parseCallLog(fs.readFileSync(log, 'utf8')), clusterArn);
}

test('every call the pipeline handlers make is allowed by their roles, and every grant is used or explained', async () => {
  const { resources, values, clusterArn, pipeline, coordinator, lagScaler, provisioner } = synthesize();
  const table = values.resolve({ Ref: Object.keys(resources).find((id) => resources[id].Type === 'AWS::DynamoDB::Table') });
  await createKeyTable(dynamo.client, table, REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY);

  // topic provisioner: the stack's own Custom::KafkaTopics create event
  const [topicsId, topics] = Object.entries(resources).find(([, r]) => r.Type.startsWith('Custom::') && r.Properties.Topics)!;
  const { ServiceToken: _token, ...properties } = values.resolve(topics.Properties);
  // the local broker is a single node: replication factor 1 (the IAM requests are the same)
  properties.Topics = properties.Topics.map((t: any) => ({ ...t, replicationFactor: '1' }));
  const event = (requestType: string, requestId: string, props: any, extra: Record<string, unknown> = {}) => ({
    RequestType: requestType,
    ResponseURL: `${cfnResponseUrl}/response`,
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/PipelineStack/guid`,
    RequestId: requestId,
    LogicalResourceId: topicsId,
    ResourceType: topics.Type,
    ResourceProperties: props,
    ...extra,
  });
  // create; raise the partitions and change a setting (an update); the delete runs last
  const raised = { ...properties, Topics: properties.Topics.map((t: any) => ({ ...t, partitions: String(Number(t.partitions) + 1), config: { ...t.config, 'retention.ms': '3600000' } })) };
  const physical = { PhysicalResourceId: `kafka-topics:PipelineStack:${topicsId}` };
  const provisionerCalls = await recordedRun('provisioner', provisioner.bundle, { ...provisioner.env, ...awsEnv() }, [
    event('Create', 'r1', properties),
    event('Update', 'r2', raised, { ...physical, OldResourceProperties: properties }),
  ], clusterArn);

  // coordinator: a stream-init launches the stream engine
  const control = pipeline.controlTopic.topicName;
  const message = (type: string) => ({ key: 'cam-1', value: JSON.stringify({ type, version: 1, streamId: 'cam-1', createdAt: new Date().toISOString(), source: { kind: 'push' } }) });
  await produce(bootstrap, control, [message('stream-init')]);
  const coordinatorEnv = { ...coordinator.env, ...awsEnv(), AWS_ENDPOINT_URL_ECS: ecsApi.endpoint };
  const init = await recordedRun('coordinator-init', coordinator.bundle, coordinatorEnv, [kafkaEvent(await consumeRecords(bootstrap, control, 1))], clusterArn);
  // the engine task has run for an hour without a heartbeat: the next invocation (an end-of-stream) stops it
  cluster.tasks.forEach((task) => { task.lastStatus = 'RUNNING'; task.startedAt = Date.now() - 3_600_000; });
  await produce(bootstrap, control, [message('end-of-stream')]);
  const end = await recordedRun('coordinator-end', coordinator.bundle, coordinatorEnv, [kafkaEvent((await consumeRecords(bootstrap, control, 2)).slice(1))], clusterArn);
  expect(cluster.calls.map((c) => c.operation)).toContain('stopTask');
  // the task stopped: the next invocation (no records) reconciles it
  cluster.tasks.forEach((task) => { task.lastStatus = 'STOPPED'; task.stoppedAt = Date.now(); task.exitCode = 143; });
  const closed = await recordedRun('coordinator-close', coordinator.bundle, coordinatorEnv, [kafkaEvent([])], clusterArn);
  const coordinatorCalls = [...init, ...end, ...closed].flatMap((call) => [call, ...passRoleCalls(resources, values, call)]);

  // lag scaler: one poll reads the object engine's lag (its group has read nothing) and scales its service out
  await produce(bootstrap, `${pipelineName}.objects`, [{ key: 'o-1', value: '{}' }, { key: 'o-2', value: '{}' }]);
  // (a scheduled event and a Lambda context: 47 s left leaves the run a 27 s budget, room for two
  // polls 5 s apart, each of which must fit in 20 s; before the second it checks its lease)
  const scalerCalls = await recordedRun('lag-scaler', lagScaler.bundle, { ...lagScaler.env, ...awsEnv(), AWS_ENDPOINT_URL_ECS: servicesUrl },
    [{ time: new Date().toISOString() }], clusterArn, 47_000);

  // topic provisioner again: the stack's deletion (as with removalPolicy DESTROY)
  provisionerCalls.push(...await recordedRun('provisioner-delete', provisioner.bundle, { ...provisioner.env, ...awsEnv() },
    [event('Delete', 'r3', { ...raised, RetainOnDelete: 'false' }, physical)], clusterArn));

  expect(cfnStatuses).toEqual(['r1 SUCCESS OK', 'r2 SUCCESS OK', 'r3 SUCCESS OK']);
  expect(desiredCounts.get(values.resolve({ 'Fn::GetAtt': [Object.keys(resources).find((id) => resources[id].Type === 'AWS::ECS::Service'), 'Name'] }))).toBe(1);

  const checks = [
    { fn: provisioner, calls: provisionerCalls, reasons: { ...LAMBDA_SERVICE, ...PROVISIONER } },
    { fn: coordinator, calls: coordinatorCalls, reasons: { ...LAMBDA_SERVICE, ...EVENT_SOURCE, ...COORDINATOR } },
    { fn: lagScaler, calls: scalerCalls, reasons: LAMBDA_SERVICE },
  ];
  const problems: string[] = [];
  for (const { fn, calls, reasons } of checks) {
    const role = rolePolicies(resources, values, fn.role);
    problems.push(...await deniedCalls(role, calls), ...unexplainedGrants(role, calls, reasons));
  }
  expect(problems).toEqual([]);
}, 120_000);
