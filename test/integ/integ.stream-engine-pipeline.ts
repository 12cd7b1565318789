// Integration test of StreamEnginePipeline on a real account (integ-runner; README "Integration
// tests"). CI only checks that this app still synthesizes to the committed snapshot
// (scripts/integ/verify-snapshots.sh); a maintainer deploys it with credentials and Docker (the
// engines are this repository's TypeScript engine templates, built from examples/engines/).
// A test client Lambda in the pipeline's VPC (kafka-test-client.ts) plays the producer:
//   1. a stream-init on the control topic: the Coordinator starts a stream engine task (RUNNING);
//   2. media chunks on the objects topic: the lag scaler scales the object engine above 0, and
//      its chunk-results arrive on the results topic;
//   3. an end-of-stream: the stream engine task stops (STOPPED).
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { KafkaBus, StreamEnginePipeline } from '../../src';

const ENGINES = path.join(__dirname, '..', '..', 'examples', 'engines');
const STREAM_ID = 'integ-stream-1';
const CHUNKS = 5;

const app = new App();
const stack = new Stack(app, 'IntegStreamEnginePipeline');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const pipeline = new StreamEnginePipeline(stack, 'Pipeline', {
  vpc,
  bus: KafkaBus.serverless(),
  pipelineName: 'integ',
  streamEndGrace: Duration.seconds(30),
  // A test stack: its table and topics go with it.
  removalPolicy: RemovalPolicy.DESTROY,
});
const streamEngine = pipeline.addStreamEngine('echo', {
  image: ecs.ContainerImage.fromAsset(path.join(ENGINES, 'typescript-stream-engine')),
});
const objectEngine = pipeline.addObjectEngine('chunks', {
  image: ecs.ContainerImage.fromAsset(path.join(ENGINES, 'typescript-object-engine')),
  scaling: { lagPerTask: 1, maxTasks: 1 },
});

// Bundled like the pipeline's own handlers (.projenrc.ts handlerBundling): @platformatic/kafka is
// ESM with inline WebAssembly.
const client = new nodejs.NodejsFunction(stack, 'KafkaTestClient', {
  entry: path.join(__dirname, 'kafka-test-client.ts'),
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  timeout: Duration.minutes(3),
  memorySize: 512,
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  securityGroups: pipeline.connections.securityGroups,
  environment: { KAFKA_BOOTSTRAP_BROKERS: pipeline.bootstrapBrokers, KAFKA_AUTH_MODE: 'iam' },
  bundling: {
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    esbuildArgs: { '--alias:@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
    define: { 'import.meta.url': '__import_meta_url' },
    banner: "const __import_meta_url=require('url').pathToFileURL(__filename).href;",
  },
});
// The MSK cluster's name starts with the stack's name (KafkaBus.serverless()).
const kafkaArn = (resource: string) => stack.formatArn({ service: 'kafka', resource, resourceName: `${stack.stackName}-*/*` });
client.addToRolePolicy(new iam.PolicyStatement({
  actions: [
    'kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData',
    'kafka-cluster:ReadData', 'kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup',
  ],
  resources: [kafkaArn('cluster'), `${kafkaArn('topic')}/*`, `${kafkaArn('group')}/*`],
}));

const integ = new IntegTest(app, 'StreamEnginePipelineInteg', { testCases: [stack] });
const send = (topic: string, messages: object[]) => integ.assertions.invokeFunction({
  functionName: client.functionName,
  payload: JSON.stringify({ action: 'produce', topic, key: STREAM_ID, messages }),
});
const engineTasks = (family: string, desiredStatus: 'RUNNING' | 'STOPPED') =>
  integ.assertions.awsApiCall('ECS', 'listTasks', { cluster: pipeline.cluster.clusterName, family, desiredStatus });
const atLeastOneTask = ExpectedResult.objectLike({ taskArns: Match.arrayWith([Match.stringLikeRegexp('arn:aws')]) });
const waitUpTo = (minutes: number) => ({ totalTimeout: Duration.minutes(minutes), interval: Duration.seconds(20) });

const init = send(pipeline.controlTopic.topicName, [{
  type: 'stream-init', version: 1, streamId: STREAM_ID, createdAt: '{now}', source: { kind: 'push' }, mediaType: 'video/mp4',
}]);
init.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ produced: 1 }) }));

const streamTaskRunning = engineTasks(streamEngine.taskDefinition.family, 'RUNNING');
streamTaskRunning.expect(atLeastOneTask).waitForAssertions(waitUpTo(10));

const chunk = (seq: number) => ({
  type: 'media-chunk',
  version: 1,
  streamId: STREAM_ID,
  chunkId: `chunk-${seq}`,
  seq,
  startOffsetMs: seq * 1000,
  endOffsetMs: (seq + 1) * 1000,
  mimeType: 'text/plain',
  data: Buffer.from(`chunk ${seq}`).toString('base64'),
});
const chunks = send(pipeline.objectsTopic.topicName, Array.from({ length: CHUNKS }, (_, seq) => chunk(seq)));
chunks.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ produced: CHUNKS }) }));

// maxTasks 1 and lagPerTask 1: the lag scaler sets the object engine's service to 1 task.
const objectEngineScaled = integ.assertions.awsApiCall('ECS', 'describeServices', {
  cluster: pipeline.cluster.clusterName, services: [objectEngine.service.serviceName],
});
objectEngineScaled.expect(ExpectedResult.objectLike({ services: [Match.objectLike({ desiredCount: 1 })] })).waitForAssertions(waitUpTo(10));

const resultsArrived = integ.assertions.invokeFunction({
  functionName: client.functionName,
  payload: JSON.stringify({ action: 'find-result', topic: pipeline.resultsTopic.topicName, streamId: STREAM_ID, timeoutSeconds: 120 }),
});
resultsArrived.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ found: true, type: 'chunk-result' }) }))
  .waitForAssertions(waitUpTo(10));

const end = send(pipeline.controlTopic.topicName, [{
  type: 'end-of-stream', version: 1, streamId: STREAM_ID, lastSeq: CHUNKS - 1, at: '{now}', reason: 'completed',
}]);
end.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ produced: 1 }) }));

const streamTaskStopped = engineTasks(streamEngine.taskDefinition.family, 'STOPPED');
streamTaskStopped.expect(atLeastOneTask).waitForAssertions(waitUpTo(10));

init.next(streamTaskRunning).next(chunks).next(objectEngineScaled).next(resultsArrived).next(end).next(streamTaskStopped);
