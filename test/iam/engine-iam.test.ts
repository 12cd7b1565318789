/**
 * IAM proved by the calls an engine really makes: a StreamEnginePipeline on KafkaBus.serverless()
 * is synthesized, and the TypeScript object engine template (examples/engines, built as its own
 * test builds it) runs as ECS would run it, with the container environment of the synthesized task
 * definition, against the local broker (plaintext). Every Kafka operation is recorded
 * (aws-call-recorder.js), mapped to MSK IAM actions and simulated against the task role.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { iamCallsOfLog, parseCallLog } from './aws-calls';
import { ACCOUNT, DeployedValues, REGION } from './deployed-values';
import { deniedCalls, rolePolicies, unexplainedGrants } from './role-check';
import { KafkaBus, StreamEnginePipeline } from '../../src';
import { buildTemplate } from '../engines/engine-templates';
import { ensureKafka } from '../helpers/kafka-broker';
import { consumeRecords, createTopic, produce } from '../stream-engine-pipeline/runtime/coordinator-helpers';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');
const pipelineName = `iam-engine-${process.pid}-${Date.now()}`;
const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iam-calls-'));

let bootstrap: string;
let objectEngine: string;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  objectEngine = buildTemplate('typescript-object-engine');
}, 600_000);

function synthesize() {
  const stack = new Stack(new App(), 'PipelineStack', { env: { account: ACCOUNT, region: REGION } });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), pipelineName, bus: KafkaBus.serverless() });
  pipeline.addObjectEngine('faces', { image });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const values = new DeployedValues(resources);
  const clusterArn = values.resolve({ 'Fn::GetAtt': [Object.keys(resources).find((id) => resources[id].Type === 'AWS::MSK::ServerlessCluster'), 'Arn'] });
  const [, taskDefinition] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::ECS::TaskDefinition' && id.includes('faces'))!;
  const container = taskDefinition.Properties.ContainerDefinitions[0];
  // the brokers are the local ones, reached in plaintext (the simulator checks the IAM)
  const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name,
    e.Name === 'KAFKA_BOOTSTRAP_BROKERS' ? bootstrap : e.Name === 'KAFKA_AUTH_MODE' ? 'plaintext' : values.resolve(e.Value)]));
  const roleOf = (arn: any) => arn['Fn::GetAtt'][0] as string;
  const { TaskRoleArn, ExecutionRoleArn } = taskDefinition.Properties;
  return { pipeline, resources, values, clusterArn, env, taskRole: roleOf(TaskRoleArn), executionRole: roleOf(ExecutionRoleArn) };
}

test('every Kafka call the object engine makes is allowed by its task role, and every grant is used or explained', async () => {
  const { pipeline, resources, values, clusterArn, env, taskRole, executionRole } = synthesize();
  for (const topic of [pipeline.objectsTopic, pipeline.resultsTopic, pipeline.deadLetterTopic]) await createTopic(bootstrap, topic.topicName, 1);
  await produce(bootstrap, pipeline.objectsTopic.topicName, [{
    key: 'cam-1',
    value: JSON.stringify({
      type: 'media-chunk',
      version: 1,
      streamId: 'cam-1',
      chunkId: 'cam-1-chunk-0',
      seq: 0,
      startOffsetMs: 0,
      endOffsetMs: 1000,
      mimeType: 'video/mp4',
      data: Buffer.from('chunk').toString('base64'),
    }),
  }]);

  const log = path.join(logDir, 'object-engine.jsonl');
  const recorder = path.join(__dirname, '..', 'helpers', 'aws-call-recorder.js');
  const child: ChildProcess = spawn(process.execPath, ['--require', recorder, path.join(objectEngine, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, AWS_CALL_LOG: log, AWS_REGION: REGION },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // a heartbeat at start, then the chunk's result
  const results = (await consumeRecords(bootstrap, pipeline.resultsTopic.topicName, 2)).map((r) => JSON.parse(Buffer.from(r.value!, 'base64').toString()));
  child.kill('SIGTERM');
  const code = await exited;
  expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  expect(results).toContainEqual(expect.objectContaining({ type: 'chunk-result', streamId: 'cam-1' }));

  const calls = iamCallsOfLog(parseCallLog(fs.readFileSync(log, 'utf8')), clusterArn);
  const role = rolePolicies(resources, values, taskRole);
  const execution = rolePolicies(resources, values, executionRole);
  expect([
    ...await deniedCalls(role, calls),
    ...unexplainedGrants(role, calls, { 'kafka-cluster:DescribeCluster': 'granted with Connect as MSK documents for clients; no Kafka request of the engine needs it' }),
    // the execution role is ECS's, not the engine's: it makes no call of its own
    ...unexplainedGrants(execution, [], {
      'logs:CreateLogStream': 'ECS (awslogs driver) creates the task\'s log stream',
      'logs:PutLogEvents': 'ECS (awslogs driver) writes the container\'s output',
    }),
  ]).toEqual([]);
}, 120_000);
