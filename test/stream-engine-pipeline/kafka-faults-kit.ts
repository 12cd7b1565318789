// Helpers of kafka-faults.test.ts: a SECOND broker.sh broker on its own port (so stopping it
// never disturbs the shared broker of the run), stopped and restarted with its data kept, and a
// lag scaler harness with a hand-driven clock that records each poll's EMF documents.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { LagAdminClient, LagScaler, PollResult } from '../../src/stream-engine-pipeline/runtime/lag-scaler';
import { ObjectEngineConfig, PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { LocalDynamo } from '../helpers/dynalite';
import { KAFKA_BROKER_SCRIPT } from '../helpers/kafka-broker';
import { RecordingLog } from '../helpers/recording-log';
import { FakeEcs, newAdmin, newFetcher, REPO_ROOT, uniqueName } from './runtime/lag-scaler-kit';

const CACHE_DIR = process.env.KAFKA_CACHE_DIR ?? path.join(REPO_ROOT, '.cache', 'kafka');

/** Polls `check` every `intervalMs` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A broker.sh broker on `port` (and port+1, port+2), separate from the run's shared broker.
 *
 * broker.sh has no "stop but keep the data": `stop` deletes the data dir and `start` formats
 * fresh storage. A broker that restarts with an empty disk is not what a real outage looks
 * like, so `kill()` stops the broker's JVM itself (SIGTERM: a controlled shutdown, like
 * broker.sh stop, but the data dir stays) and `restart()` starts the same JVM command line
 * again on the same data, writing the new pid into broker.sh's pid file so that `stop()`
 * (broker.sh stop) still stops it and deletes the data.
 */
export class SeparateBroker {
  readonly bootstrap: string;
  private readonly runDir: string;
  private commandLine?: string[];

  constructor(readonly port: number) {
    this.bootstrap = `127.0.0.1:${port}`;
    this.runDir = path.join(CACHE_DIR, `run-${port}`);
  }

  async start(): Promise<void> {
    const output = await this.script('start');
    if (!output.includes(`KAFKA_BOOTSTRAP=${this.bootstrap}`)) {
      throw new Error(`broker.sh start on port ${this.port} printed no KAFKA_BOOTSTRAP=${this.bootstrap}:\n${output}`);
    }
  }

  /** broker.sh stop: stops whichever JVM its pid file names and deletes the data. */
  async stop(): Promise<void> {
    await this.script('stop');
  }

  /** The pid of the running broker JVM, from broker.sh's pid file. */
  pid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(path.join(this.runDir, 'broker.pid'), 'utf-8').trim());
      return Number.isInteger(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').includes('kafka.Kafka') ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops the broker JVM (SIGTERM, SIGKILL after 30 s) and keeps its data dir. */
  async kill(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) {
      throw new Error(`no broker runs on port ${this.port}`);
    }
    this.commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').filter((a) => a.length > 0);
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`broker pid ${pid} to exit`, async () => (fs.existsSync(`/proc/${pid}`) ? undefined : true), 30_000);
    } catch {
      process.kill(pid, 'SIGKILL');
      await waitFor(`broker pid ${pid} to die`, async () => (fs.existsSync(`/proc/${pid}`) ? undefined : true), 10_000);
    }
  }

  /** Starts the killed broker again: same command line, same data dir, same port. */
  async restart(): Promise<void> {
    if (!this.commandLine) {
      throw new Error('restart() needs a kill() first');
    }
    const out = fs.openSync(path.join(this.runDir, 'broker.out'), 'a');
    const [java, ...args] = this.commandLine;
    // detached: a session of its own, like broker.sh's setsid
    const child = spawn(java, args, { detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.unref();
    if (child.pid === undefined) {
      throw new Error('the broker JVM did not start');
    }
    fs.writeFileSync(path.join(this.runDir, 'broker.pid'), `${child.pid}\n`);
  }

  private script(command: 'start' | 'stop'): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PORT: String(this.port) };
    delete env.KAFKA_CONTROLLER_PORT;
    delete env.KAFKA_SASL_PORT;
    return new Promise((resolve, reject) => {
      execFile('bash', [KAFKA_BROKER_SCRIPT, command], { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`broker.sh ${command} (port ${this.port}) failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      });
    });
  }
}

/** A poll's result and what it printed. */
export interface RecordedPoll {
  readonly result: PollResult;
  /** The LagReadFailures value of the poll's pipeline EMF document. */
  readonly lagReadFailuresMetric: number | undefined;
  readonly emf: Array<Record<string, unknown>>;
}

/** An engine with the construct's defaults for the newer options (offset reset earliest, partitions-with-lag cap, stuck after 10 minutes). */
export function engineConfig(name: string, inputTopic: string, overrides: Partial<ObjectEngineConfig['scaling']> = {},
  offsetReset: ObjectEngineConfig['offsetReset'] = 'earliest'): ObjectEngineConfig {
  return {
    name,
    inputTopic,
    outputTopic: `${inputTopic}-results`,
    consumerGroup: uniqueName(`${name}-group`),
    offsetReset,
    scaling: {
      lagPerTask: 50,
      activationLag: 1,
      minTasks: 0,
      maxTasks: 4,
      scaleInCooldownSeconds: 10,
      allowMoreTasksThanPartitions: false,
      limitToPartitionsWithLag: true,
      persistentLagAfterSeconds: 600,
      excludePersistentLag: true,
      ...overrides,
    },
  };
}

/**
 * A LagScaler on a real broker, FakeEcs (ECS has no local implementation) and a dynalite
 * registry, with a clock the test advances: cooldowns pass by `poll(advanceMs)`, not by waiting.
 */
export class ScalerHarness {
  clock = Date.now();
  readonly ecs: FakeEcs;
  readonly log = new RecordingLog();
  readonly polls: RecordedPoll[] = [];
  readonly scaler: LagScaler;
  private readonly emf: string[] = [];

  constructor(bootstrap: string, dynamo: LocalDynamo, table: string, engines: ObjectEngineConfig[], deadLetter: string) {
    const config: PipelineConfig = {
      pipelineName: 'faults',
      kafkaAuth: 'plaintext',
      topics: { control: 'c', rawStreams: 'r', objects: 'o', results: 'res', deadLetter },
      streamEngines: [],
      objectEngines: engines,
      maxConcurrentStreams: 1,
      pollIntervalSeconds: 1,
    };
    this.ecs = new FakeEcs(new Map(engines.map((e) => [`${e.name}-service`, { desiredCount: 0 }])));
    this.scaler = new LagScaler({
      config,
      refs: {
        cluster: 'local',
        subnets: [],
        securityGroups: [],
        taskDefinitions: {},
        services: Object.fromEntries(engines.map((e) => [e.name, `${e.name}-service`])),
      },
      createKafkaAdmin: async () => newAdmin(bootstrap, 'faults-lag-scaler') as unknown as LagAdminClient,
      createRecordFetcher: async () => newFetcher(bootstrap, 'faults-lag-scaler-probe'),
      ecs: this.ecs,
      doc: documentClient(dynamo.client),
      registryTable: table,
      now: () => this.clock,
      log: this.log,
      emitMetrics: (line) => this.emf.push(line),
      lagReadTimeoutMs: 5_000,
    });
  }

  /** Advances the clock by `advanceMs`, then polls once (poll() must never reject). */
  async poll(advanceMs = 0): Promise<RecordedPoll> {
    this.clock += advanceMs;
    const first = this.emf.length;
    const result = await this.scaler.poll();
    const emf = this.emf.slice(first).map((line) => JSON.parse(line) as Record<string, unknown>);
    const pipelineDoc = emf.find((doc) => 'LagReadFailures' in doc);
    const recorded = { result, emf, lagReadFailuresMetric: pipelineDoc?.LagReadFailures as number | undefined };
    this.polls.push(recorded);
    return recorded;
  }

  /** Polls (advancing the clock by `advanceMs` each time) until `done` holds; rejects after `timeoutMs`. */
  async pollUntil(what: string, done: (poll: RecordedPoll) => boolean, timeoutMs: number, advanceMs = 0): Promise<RecordedPoll> {
    return waitFor(what, async () => {
      const poll = await this.poll(advanceMs);
      return done(poll) ? poll : undefined;
    }, timeoutMs);
  }

  desired(engine: string): number {
    return this.ecs.services.get(`${engine}-service`)!.desiredCount;
  }

  async close(): Promise<void> {
    await this.scaler.close();
  }
}

export function outcome(poll: RecordedPoll, engine: string) {
  const found = poll.result.engines.find((e) => e.engine === engine);
  if (!found) {
    throw new Error(`no outcome for ${engine}`);
  }
  return found;
}

/** Commits `group` at the end (or, with `toEarliest`, the start) of every partition of `topic`. */
export async function commitAll(admin: Admin, group: string, topic: string, partitions: number, toEarliest = false): Promise<void> {
  const timestamp = toEarliest ? -2n : -1n;
  const answer = await admin.listOffsets({
    topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }],
  });
  await admin.alterConsumerGroupOffsets({
    groupId: group,
    topics: [{ name: topic, partitionOffsets: answer[0].partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset })) }],
  });
}
