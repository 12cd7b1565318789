/**
 * The lag scaler on its real schedule: burst -> UpdateService latency of the BUNDLED handler
 * (assets/, what the construct deploys).
 *
 * A scheduler stand-in does what EventBridge and Lambda do: every 60 s it delivers a scheduled
 * event (`time` = the minute's mark, delivered 0 to BENCH_DELIVERY_JITTER_MS later) to a Lambda
 * sandbox: a warm one when one is free, else a new Node process (a cold start), at most 2 at a
 * time (the function's reserved concurrency; an event finding both busy is dropped, as a
 * throttled scheduled event with retryAttempts 0 would be). Each invocation gets a context whose
 * getRemainingTimeInMillis counts down from the function's 120 s timeout. Around it: the real
 * Kafka broker, dynalite for the registry table and a local HTTP server that MOCKS the ECS API
 * (DescribeServices/UpdateService; ECS has no local implementation).
 *
 * Bursts of 50 messages are produced at random moments (hence random phases of the minute,
 * printed), each once the previous one was handled; latency is measured from the broker's
 * acknowledgement of the burst to the UpdateService call that scales the engine out. Then the
 * "engine" drains it (the group commits the end offsets) and ECS goes back to 0 tasks.
 *
 * Environment: BENCH_BURSTS (default 20 per interval), BENCH_INTERVALS (default "10,1"),
 * BENCH_DELIVERY_JITTER_MS (default 2000). Prints figures only; asserts nothing.
 * Build the bundle first: npx projen bundle
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { packHandlerConfig } from '../src/shared/runtime/handler-config';
import { PipelineConfig } from '../src/stream-engine-pipeline/runtime/pipeline-config';
import { startDynalite, LocalDynamo } from '../test/helpers/dynalite';
import { ensureKafka } from '../test/helpers/kafka-broker';
import { commitOffsets, createRegistryTable, createTopic, endOffsets, newAdmin, produceKeyed, uniqueName } from '../test/stream-engine-pipeline/runtime/lag-scaler-kit';

const BUNDLE = path.resolve(__dirname, '..', 'assets', 'stream-engine-pipeline', 'lag-scaler.lambda', 'index.js');
const BURSTS = Number(process.env.BENCH_BURSTS ?? '20');
const INTERVALS = (process.env.BENCH_INTERVALS ?? '10,1').split(',').map(Number);
const DELIVERY_JITTER_MS = Number(process.env.BENCH_DELIVERY_JITTER_MS ?? '2000');
const SCHEDULE_MS = 60_000;
/** The construct's function timeout and reserved concurrency. */
const FUNCTION_TIMEOUT_MS = 120_000;
const RESERVED_CONCURRENCY = 2;
const PARTITIONS = 4;
const SERVICE = 'svc-burst';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** The ECS API mock: one service; resolves a waiter at the first UpdateService that scales it out. */
class EcsMock {
  desiredCount = 0;
  private scaledOut?: (at: number) => void;
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '').split('.').pop();
        const body = JSON.parse(text || '{}');
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (target === 'DescribeServices') {
          res.end(JSON.stringify({
            services: [{ serviceName: SERVICE, serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/bench/${SERVICE}`, status: 'ACTIVE', desiredCount: this.desiredCount, runningCount: this.desiredCount }],
            failures: [],
          }));
        } else if (target === 'UpdateService') {
          const at = Date.now();
          if (body.desiredCount > this.desiredCount) this.scaledOut?.(at);
          this.desiredCount = body.desiredCount;
          res.end(JSON.stringify({ service: { serviceName: SERVICE, desiredCount: this.desiredCount, status: 'ACTIVE' } }));
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `not mocked: ${target}` }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the time of the next scale-out (or undefined after `timeoutMs`). */
  nextScaleOut(timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.scaledOut = (at) => {
        clearTimeout(timer);
        this.scaledOut = undefined;
        resolve(at);
      };
    });
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface Sandbox {
  readonly process: ChildProcess;
  busy: boolean;
}

interface InvocationResult {
  readonly polls?: number;
  readonly end?: string;
  readonly error?: string;
}

/** EventBridge's every-minute rule and Lambda's sandboxes (see the file comment). */
class Schedule {
  readonly results: InvocationResult[] = [];
  coldStarts = 0;
  throttled = 0;
  readonly startedAt = Date.now();
  private readonly sandboxes: Sandbox[] = [];
  private timers: NodeJS.Timeout[] = [];
  private tick = 0;
  private stopped = false;

  constructor(private readonly env: Record<string, string>) {}

  start(): void {
    const next = () => {
      if (this.stopped) return;
      const mark = this.startedAt + this.tick * SCHEDULE_MS;
      this.tick++;
      const delivery = Math.random() * DELIVERY_JITTER_MS;
      this.timers.push(setTimeout(() => this.invoke({ time: new Date(mark).toISOString() }), Math.max(0, mark + delivery - Date.now())));
      this.timers.push(setTimeout(next, Math.max(0, mark + SCHEDULE_MS - Date.now())));
    };
    next();
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach(clearTimeout);
    for (const sandbox of this.sandboxes) sandbox.process.kill('SIGKILL');
  }

  private invoke(event: { time: string }): void {
    let sandbox = this.sandboxes.find((s) => !s.busy && s.process.exitCode === null);
    if (!sandbox) {
      if (this.sandboxes.filter((s) => s.process.exitCode === null).length >= RESERVED_CONCURRENCY) {
        this.throttled++;
        return;
      }
      sandbox = this.coldStart();
    }
    const box = sandbox;
    box.busy = true;
    box.process.once('message', (message: InvocationResult) => {
      box.busy = false;
      this.results.push(message);
    });
    box.process.send({ event, timeoutMs: FUNCTION_TIMEOUT_MS, requestId: `bench-${this.tick}` });
  }

  private coldStart(): Sandbox {
    this.coldStarts++;
    const script = `
      const { handler } = require(${JSON.stringify(BUNDLE)});
      process.on('message', async ({ event, timeoutMs, requestId }) => {
        const end = Date.now() + timeoutMs;
        const context = { awsRequestId: requestId, getRemainingTimeInMillis: () => end - Date.now() };
        try {
          const result = await handler(event, context);
          process.send({ polls: result.polls, end: result.end });
        } catch (error) {
          process.send({ error: String(error) });
        }
      });`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const sandbox = { process: child, busy: false };
    this.sandboxes.push(sandbox);
    return sandbox;
  }
}

async function measure(bootstrap: string, admin: Admin, dynamo: LocalDynamo, intervalSeconds: number): Promise<void> {
  const topic = uniqueName('bench-schedule');
  await createTopic(admin, topic, PARTITIONS);
  const group = uniqueName('bench-schedule');
  await commitOffsets(admin, group, topic, new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, 0])));
  const deadLetter = uniqueName('bench-schedule-dl');
  await createTopic(admin, deadLetter, 1);
  const table = await createRegistryTable(dynamo.client);
  const ecs = new EcsMock();
  const ecsUrl = await ecs.start();
  const config: PipelineConfig = {
    pipelineName: uniqueName('bench'),
    kafkaAuth: 'plaintext',
    topics: { control: 'c', rawStreams: 'r', objects: topic, results: 'results', deadLetter },
    streamEngines: [],
    objectEngines: [{
      name: 'burst',
      inputTopic: topic,
      outputTopic: 'results',
      consumerGroup: group,
      offsetReset: 'earliest',
      // the construct's defaults
      scaling: {
        lagPerTask: 100,
        activationLag: 10,
        minTasks: 0,
        maxTasks: 4,
        scaleInCooldownSeconds: 300,
        allowMoreTasksThanPartitions: false,
        limitToPartitionsWithLag: true,
        persistentLagAfterSeconds: 600,
        excludePersistentLag: true,
      },
    }],
    maxConcurrentStreams: 1,
    pollIntervalSeconds: intervalSeconds,
  };
  const schedule = new Schedule({
    PIPELINE_CONFIG: packHandlerConfig(config),
    PIPELINE_ENGINE_REFS: JSON.stringify({ cluster: 'bench', subnets: [], securityGroups: [], taskDefinitions: {}, services: { burst: SERVICE } }),
    PIPELINE_REGISTRY_TABLE: table,
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecsUrl,
  });
  const latencies: number[] = [];
  const phases: number[] = [];
  let missed = 0;
  schedule.start();
  try {
    for (let i = 0; i < BURSTS; i++) {
      // a random moment; gaps up to 25 s spread the bursts over every phase of the minute
      await sleep(3_000 + Math.random() * 22_000);
      const scaledOut = ecs.nextScaleOut(SCHEDULE_MS + FUNCTION_TIMEOUT_MS);
      await produceKeyed(bootstrap, topic, 50, 8);
      const burstAt = Date.now();
      phases.push(((burstAt - schedule.startedAt) % SCHEDULE_MS) / 1000);
      const at = await scaledOut;
      if (at === undefined) {
        missed++;
      } else {
        latencies.push(Math.max(0, at - burstAt));
      }
      // the engine drained the burst; its tasks stopped
      await commitOffsets(admin, group, topic, await endOffsets(admin, topic, PARTITIONS));
      ecs.desiredCount = 0;
    }
  } finally {
    schedule.stop();
    await ecs.stop();
  }
  const ends: Record<string, number> = {};
  for (const r of schedule.results) ends[r.error ?? String(r.end)] = (ends[r.error ?? String(r.end)] ?? 0) + 1;
  console.log(`lagPollInterval ${intervalSeconds} s: burst -> UpdateService p50 ${seconds(percentile(latencies, 50))} s, max ${seconds(Math.max(...latencies))} s `
    + `over ${latencies.length} bursts${missed ? ` (${missed} never scaled out)` : ''}; goal p50 <= ${intervalSeconds / 2 + 1} s, max <= ${intervalSeconds + 2} s`);
  console.log(`  latencies (s): ${latencies.map(seconds).join(', ')}`);
  console.log(`  phases in the minute (s): ${phases.map((p) => p.toFixed(1)).join(', ')}`);
  console.log(`  ${schedule.results.length} runs ended (${JSON.stringify(ends)}), ${schedule.coldStarts} cold starts, ${schedule.throttled} events throttled, `
    + `${((Date.now() - schedule.startedAt) / 1000).toFixed(0)} s on the schedule`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npx projen bundle`);
  const bootstrap = await ensureKafka();
  const admin = newAdmin(bootstrap, 'lag-scaler-schedule-bench');
  const dynamo = await startDynalite();
  try {
    console.log(`broker ${bootstrap}; ${BURSTS} bursts per interval; events delivered up to ${DELIVERY_JITTER_MS} ms after the minute`);
    for (const interval of INTERVALS) {
      await measure(bootstrap, admin, dynamo, interval);
    }
  } finally {
    await admin.close();
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
