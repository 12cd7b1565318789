/**
 * IAM proved by the calls an engine really makes: a StreamEnginePipeline on KafkaBus.serverless()
 * is synthesized, and the TypeScript engine templates (examples/engines, built as their own tests
 * build them) run as ECS would run them: the container environment of the synthesized task
 * definition, plus (stream engine) the overrides the Coordinator's launcher puts in its RunTask
 * request, against the local broker (plaintext). Every Kafka operation is recorded
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
import { sleep } from '../../src/shared/runtime/timers';
import type { KafkaEventRecord } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { runTaskRequest } from '../../src/stream-engine-pipeline/runtime/engine-launcher';
import { kafkaClientOptions, loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { loadEngineRefs, loadPipelineConfig } from '../../src/stream-engine-pipeline/runtime/load-pipeline-config';
import { buildTemplate } from '../engines/engine-templates';
import { FakeEcsAgent } from '../engines/fake-ecs-agent';
import { ensureKafka } from '../helpers/kafka-broker';
import { consumeRecords, createTopic, produce } from '../stream-engine-pipeline/runtime/coordinator-helpers';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');
const uniquePipelineName = (engine: string) => `iam-${engine}-${process.pid}-${Date.now()}`;
const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iam-calls-'));

let bootstrap: string;
let objectEngine: string;
let streamEngine: string;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  objectEngine = buildTemplate('typescript-object-engine');
  streamEngine = buildTemplate('typescript-stream-engine');
}, 600_000);

const DESCRIBE_CLUSTER = { 'kafka-cluster:DescribeCluster': 'granted with Connect as MSK documents for clients; no Kafka request of the engine needs it' };
/** The execution role is ECS's, not the engine's: it makes no call of its own. */
const EXECUTION_ROLE = {
  'logs:CreateLogStream': 'ECS (awslogs driver) creates the task\'s log stream',
  'logs:PutLogEvents': 'ECS (awslogs driver) writes the container\'s output',
};

/** Runs a built engine template with the call recorder until `done` resolves, then SIGTERM; returns its IAM calls. */
async function recordedEngine(
  folder: string, env: Record<string, string>, clusterArn: string, done: (exited: Promise<number | null>) => Promise<unknown>,
) {
  const log = path.join(logDir, `${path.basename(folder)}.jsonl`);
  const recorder = path.join(__dirname, '..', 'helpers', 'aws-call-recorder.js');
  const child: ChildProcess = spawn(process.execPath, ['--require', recorder, path.join(folder, 'dist', 'main.js')], {
    // the brokers are the local ones, reached in plaintext (the simulator checks the IAM)
    env: { PATH: process.env.PATH ?? '', ...env, KAFKA_BOOTSTRAP_BROKERS: bootstrap, KAFKA_AUTH_MODE: 'plaintext', AWS_CALL_LOG: log, AWS_REGION: REGION },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await done(exited);
  child.kill('SIGTERM');
  const code = await exited;
  clearTimeout(timer);
  expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  return iamCallsOfLog(parseCallLog(fs.readFileSync(log, 'utf8')), clusterArn);
}

function synthesize(pipelineName: string) {
  const stack = new Stack(new App(), 'PipelineStack', { env: { account: ACCOUNT, region: REGION } });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), pipelineName, bus: KafkaBus.serverless() });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const values = new DeployedValues(resources);
  const clusterArn = values.resolve({ 'Fn::GetAtt': [Object.keys(resources).find((id) => resources[id].Type === 'AWS::MSK::ServerlessCluster'), 'Arn'] });
  const roleOf = (arn: any) => arn['Fn::GetAtt'][0] as string;
  const engine = (name: string) => {
    const [, taskDefinition] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::ECS::TaskDefinition' && id.includes(name))!;
    const { ContainerDefinitions, TaskRoleArn, ExecutionRoleArn } = taskDefinition.Properties;
    // the brokers are set when the engine runs (recordedEngine)
    const env: Record<string, string> = Object.fromEntries(ContainerDefinitions[0].Environment
      .filter((e: any) => e.Name !== 'KAFKA_BOOTSTRAP_BROKERS').map((e: any) => [e.Name, values.resolve(e.Value)]));
    return { env, taskRole: roleOf(TaskRoleArn), executionRole: roleOf(ExecutionRoleArn) };
  };
  const coordinator = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Description ?? '').includes('Coordinator'));
  const { KAFKA_BOOTSTRAP_BROKERS: _brokers, ...coordinatorVariables } = coordinator.Properties.Environment.Variables;
  const coordinatorEnv = values.resolve(coordinatorVariables);
  return { pipeline, resources, values, clusterArn, coordinatorEnv, transcriber: engine('transcriber'), faces: engine('faces') };
}

const json = (r: KafkaEventRecord) => JSON.parse(Buffer.from(r.value!, 'base64').toString());

/** Creates a topic and waits until the broker's metadata shows all its partitions. */
async function createReadyTopic(topic: string, partitions: number): Promise<void> {
  await createTopic(bootstrap, topic, partitions);
  const admin = new (loadKafka().Admin)(await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'iam-engine-test'));
  try {
    const partitionsNow = () => admin.metadata({ topics: [topic], forceUpdate: true })
      .then((m) => m.topics.get(topic)?.partitionsCount, () => undefined);
    for (let i = 0; (await partitionsNow()) !== partitions; i++) {
      if (i === 100) throw new Error(`${topic} has not ${partitions} partitions after 10 s`);
      await sleep(100);
    }
  } finally {
    await admin.close();
  }
}

test('every Kafka call the stream engine makes is allowed by its task role, and every grant is used or explained', async () => {
  const { pipeline, resources, values, clusterArn, coordinatorEnv, transcriber } = synthesize(uniquePipelineName('stream'));
  const config = loadPipelineConfig(coordinatorEnv);
  const streamId = 'cam-7';
  // what the Coordinator's launcher asks ECS to add to the task definition's environment
  const request = runTaskRequest(config, loadEngineRefs(coordinatorEnv), config.streamEngines[0], {
    streamId, generation: 1, engine: 'transcriber', launch: 1, tokenGeneration: 0, arrivedAt: Date.now() - 1000,
  });
  const overrides = Object.fromEntries(request.overrides!.containerOverrides![0].environment!.map((e) => [e.name!, e.value!]));
  const raw = pipeline.rawStreamsTopic.topicName;
  // ENGINE_STREAM_PARTITIONS names the stream's partition; the topic has the partitions the stack provisions
  const provisioned = Object.values(resources).find((r) => r.Type.startsWith('Custom::') && r.Properties.Topics)!.Properties.Topics;
  const partitions = Number(provisioned.find((t: any) => t.name === raw).partitions);
  for (const topic of [pipeline.controlTopic, pipeline.resultsTopic, pipeline.deadLetterTopic]) await createReadyTopic(topic.topicName, 1);
  await createReadyTopic(raw, partitions);
  // on the stream's partition (the Coordinator computes it as the Java client does)
  const partition = Number(overrides.ENGINE_STREAM_PARTITIONS.split(':').pop());
  const producer = new (loadKafka().Producer)(await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'iam-engine-test'));
  try {
    await producer.send({
      messages: [
        { type: 'stream-data', version: 1, streamId, seq: 0, offsetMs: 0, data: Buffer.from('piece').toString('base64') },
        { type: 'end-of-stream', version: 1, streamId, lastSeq: 0, at: new Date().toISOString(), reason: 'completed' },
      ].map((m) => ({ topic: raw, partition, key: Buffer.from(streamId), value: Buffer.from(JSON.stringify(m)) })),
    });
  } finally {
    await producer.close();
  }

  // it reads its stream to the end-of-stream and exits 0 by itself
  const calls = await recordedEngine(streamEngine, { ...transcriber.env, ...overrides, ENGINE_TASK_ID: 'task-1' }, clusterArn, (exited) => exited);
  expect((await consumeRecords(bootstrap, pipeline.resultsTopic.topicName, 1)).map(json))
    .toEqual([expect.objectContaining({ type: 'engine-output', streamId })]);

  const role = rolePolicies(resources, values, transcriber.taskRole);
  expect([
    ...await deniedCalls(role, calls),
    ...unexplainedGrants(role, calls, DESCRIBE_CLUSTER),
    ...unexplainedGrants(rolePolicies(resources, values, transcriber.executionRole), [], EXECUTION_ROLE),
  ]).toEqual([]);
}, 120_000);

test('every Kafka call the object engine makes is allowed by its task role, and every grant is used or explained', async () => {
  const { pipeline, resources, values, clusterArn, faces } = synthesize(uniquePipelineName('object'));
  for (const topic of [pipeline.objectsTopic, pipeline.resultsTopic, pipeline.deadLetterTopic]) await createReadyTopic(topic.topicName, 1);
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

  // Scale-in protection goes through the ECS agent (ECS_AGENT_URI), which calls UpdateTaskProtection
  // with the task role: the agent is a stand-in (no local implementation), each request it got is
  // the API call the agent makes for this task.
  const agent = await FakeEcsAgent.start();
  const taskId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const ecsCluster = values.resolve({ Ref: Object.keys(resources).find((id) => resources[id].Type === 'AWS::ECS::Cluster') });
  const ecsClusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${ecsCluster}`;

  // it runs until ECS stops it: SIGTERM once the chunk's result is out
  let results: any[] = [];
  let engineCalls;
  try {
    engineCalls = await recordedEngine(objectEngine, { ...faces.env, ECS_AGENT_URI: agent.uriFor(taskId) }, clusterArn, async () => {
      results = (await consumeRecords(bootstrap, pipeline.resultsTopic.topicName, 2)).map(json); // a heartbeat, the chunk's result
      // the engine asks the agent beside its loop, without waiting: the request may trail the result
      for (let waited = 0; agent.requests.length === 0 && waited < 10_000; waited += 100) await sleep(100);
    });
  } finally {
    await agent.close();
  }
  expect(results).toContainEqual(expect.objectContaining({ type: 'chunk-result', streamId: 'cam-1' }));
  expect(agent.requests.length).toBeGreaterThan(0);
  const calls = [...engineCalls, ...agent.requests.map((r) => ({
    action: 'ecs:UpdateTaskProtection',
    resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${ecsCluster}/${r.task}`,
    context: { 'ecs:cluster': ecsClusterArn },
    origin: `ECS agent ${r.method} ${r.path}`,
  }))];

  const role = rolePolicies(resources, values, faces.taskRole);
  expect([
    ...await deniedCalls(role, calls),
    ...unexplainedGrants(role, calls, DESCRIBE_CLUSTER),
    ...unexplainedGrants(rolePolicies(resources, values, faces.executionRole), [], EXECUTION_ROLE),
  ]).toEqual([]);
}, 120_000);
