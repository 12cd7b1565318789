/**
 * What the construct synthesizes is what its Lambdas run: a StreamEnginePipeline is
 * synthesized, then the bundled Coordinator from the cloud assembly runs in a child process with
 * the environment variables of the template (deploy-time references turned into placeholders by
 * fakeDeploy). A stream init travels through the real local Kafka broker. DynamoDB is dynalite;
 * ECS has no local implementation, so a local HTTP server MOCKS its API (runtime/fake-ecs.ts).
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { KafkaBus, KafkaClientAuth, StreamEnginePipeline } from '../../src';
import { launchStartedBy } from '../../src/stream-engine-pipeline/runtime/engine-launcher';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { fakeDeploy } from '../helpers/fake-deploy';
import { ensureKafka } from '../helpers/kafka-broker';
import { consumeRecords, createRegistryTable, createTopic, kafkaEvent, produce } from './runtime/coordinator-helpers';
import { FakeEcsCluster, FakeEcsServer, startFakeEcsServer } from './runtime/fake-ecs';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');
const pipelineName = `synth-${process.pid}-${Date.now()}`;

let bootstrap: string;
let dynamo: LocalDynamo;
let ecsApi: FakeEcsServer;
const cluster = new FakeEcsCluster('pipeline-cluster', Date.now);

beforeAll(async () => {
  bootstrap = await ensureKafka();
  dynamo = await startDynalite();
  ecsApi = await startFakeEcsServer(cluster);
}, 240_000);
afterAll(async () => {
  await Promise.all([dynamo.stop(), ecsApi.close()]);
});

function synthesize() {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PipelineStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', {
    vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }),
    pipelineName,
    bus: KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: bootstrap, auth: KafkaClientAuth.TLS }),
  });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image });
  const template = Template.fromStack(stack);
  const fn = (word: string) => {
    const [logicalId, resource] = Object.entries(template.findResources('AWS::Lambda::Function'))
      .find(([, f]: [string, any]) => (f.Properties.Description ?? '').includes(word)) as [string, any];
    return {
      logicalId,
      codeDir: path.join(app.outdir, resource.Metadata['aws:asset:path']),
      environment: fakeDeploy(resource.Properties.Environment.Variables) as Record<string, string>,
    };
  };
  return { template, pipeline, coordinator: fn('Coordinator') };
}

test('the synthesized Coordinator launches the synthesized task definition in the synthesized cluster', async () => {
  const { template, pipeline, coordinator } = synthesize();
  const table = await createRegistryTable(dynamo);
  await createTopic(bootstrap, pipeline.controlTopic.topicName, 1);
  await createTopic(bootstrap, pipeline.resultsTopic.topicName, 1);
  await produce(bootstrap, pipeline.controlTopic.topicName, [{
    key: 'cam-7',
    value: JSON.stringify({ type: 'stream-init', version: 1, streamId: 'cam-7', createdAt: new Date().toISOString(), source: { kind: 'push' } }),
  }]);
  const records = await consumeRecords(bootstrap, pipeline.controlTopic.topicName, 1);

  const run = await runBundledHandler(path.join(coordinator.codeDir, 'index.js'), {
    ...coordinator.environment,
    PIPELINE_REGISTRY_TABLE: table,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecsApi.endpoint,
    // the template says TLS; the local broker listens in plaintext (stream-status messages go to it)
    KAFKA_AUTH_MODE: 'plaintext',
  }, [kafkaEvent(records)]);
  expect(run.stderr).not.toMatch(/HANDLER ERROR/);
  expect(run.results[0]).toMatchObject({ opened: 1, scheduler: { launched: 1 } });
  const [status] = await consumeRecords(bootstrap, pipeline.resultsTopic.topicName, 1);
  expect(JSON.parse(Buffer.from(status.value!, 'base64').toString())).toMatchObject({ type: 'stream-status', streamId: 'cam-7', status: 'running' });

  const runTasks = cluster.calls.filter((c) => c.operation === 'runTask');
  expect(runTasks).toHaveLength(1);
  const request = runTasks[0].input;
  const taskDefinitionId = Object.keys(template.findResources('AWS::ECS::TaskDefinition')).find((id) => id.includes('transcriber'));
  const clusterId = Object.keys(template.findResources('AWS::ECS::Cluster'))[0];
  expect(request.taskDefinition).toBe(`<${taskDefinitionId}>`);
  expect(request.cluster).toBe(`<${clusterId}.Arn>`);
  const subnets = request.networkConfiguration.awsvpcConfiguration.subnets as string[];
  expect(subnets).toHaveLength(2);
  expect(subnets.every((s) => /^<VpcPrivateSubnet\dSubnet/.test(s))).toBe(true);
  expect(request.networkConfiguration.awsvpcConfiguration.assignPublicIp).toBe('DISABLED');
  const override = request.overrides.containerOverrides[0];
  expect(override.name).toBe('engine');
  const vars = Object.fromEntries(override.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
  expect(vars.STREAM_ID).toBe('cam-7');
  expect(vars.ENGINE_CONSUMER_GROUP).toBe(`${pipelineName}.stream-engine.transcriber.cam-7`);
  expect(request.startedBy).toBe(launchStartedBy(pipelineName, 'cam-7', 1, 'transcriber', 1));
}, 120_000);
