// The whole pipeline on this machine, from the synthesized stack: the local Kafka broker (or the
// one KAFKA_BOOTSTRAP names), the registry table in dynalite, the topics created by the bundled
// topic provisioner, the bundled Coordinator fed by a stand-in of its Kafka event source mapping,
// by the local ECS's task-stopped events and by the reconcile schedule, the bundled lag scaler on
// its every-minute schedule, ECS as local processes (local-ecs.ts), and the sample replayed into
// the topics. Only AWS's own services are stood in for; the handlers, their configuration and the
// engines are the real ones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ActivityLog } from './activity-log';
import { ControlEventSource } from './control-event-source';
import { EngineCommand } from './engine-process';
import { waitForGroupCoordinator } from './group-coordinator';
import { EngineKind, LocalEcs } from './local-ecs';
import { LocalLambda } from './local-lambda';
import { PipelineWatch } from './pipeline-watch';
import { loadSample, replaySample } from './sample-replay';
import { LOCAL_ENV, SynthesizedFunction, synthesizePipeline } from './synthesized-pipeline';
import { ViewFrame } from './terminal-view';
import { provisionTopics } from './topic-provisioning';
import { sleep } from '../../src/shared/runtime/timers';
import { EcsTaskStateChangeEvent } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { ENV_KAFKA_AUTH, ENV_REGISTRY_TABLE } from '../../src/stream-engine-pipeline/runtime/environment';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from '../../src/stream-engine-pipeline/runtime/registry-schema';
import { createKeyTable, startDynalite } from '../../test/helpers/dynalite';
import { ensureKafkaBroker, stopKafka } from '../../test/helpers/kafka-broker';
import { startFakeEcsServer } from '../../test/stream-engine-pipeline/runtime/fake-ecs';

export interface LocalPipelineOptions {
  readonly pipelineName: string;
  readonly sampleFile: string;
  /** Replay speed: 1 is real time. */
  readonly speed: number;
  /** Seconds between the Coordinator's reconcile runs (the construct's rule: every minute). */
  readonly reconcileSeconds: number;
  /** The command each kind of engine runs. */
  readonly engineCommands: Readonly<Record<EngineKind, EngineCommand>>;
  readonly logDir: string;
  /** Progress while starting and stopping. */
  readonly say: (line: string) => void;
}

/** The lag scaler's rule: every minute. */
const LAG_SCALER_EVERY_MS = 60_000;
/** EventBridge tries a failed delivery to the Coordinator again this often (the rule's retryAttempts). */
const EVENT_RETRIES = 8;
/** How long stopping engines may take before they are killed. */
const ENGINE_STOP_GRACE_MS = 20_000;

export class LocalPipeline {
  readonly activity = new ActivityLog((line) => this.onActivity?.(line));
  /** Receives each activity line as it happens (the plain output prints them). */
  onActivity?: (line: string) => void;
  private readonly cleanups: Array<{ what: string; run: () => Promise<void> | void }> = [];
  private ecs?: LocalEcs;
  private watch?: PipelineWatch;
  private replayed = 0;
  private sampleSize = 0;
  private bootstrap = '';
  private streamEngines: string[] = [];
  private objectEngines: string[] = [];
  private readonly startedAt = Date.now();
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(private readonly options: LocalPipelineOptions) {}

  /** Starts everything; on a failure (or a stop while starting) stops what was started and rejects. */
  async start(): Promise<void> {
    this.starting = this.run();
    try {
      await this.starting;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  frame(): ViewFrame {
    return {
      pipelineName: this.options.pipelineName,
      bootstrap: this.bootstrap,
      startedAt: this.startedAt,
      replay: { sent: this.replayed, total: this.sampleSize, speed: this.options.speed },
      streamEngines: this.streamEngines,
      objectEngines: this.objectEngines,
      observations: this.watch!.observations(),
      tasks: this.ecs?.runningTasks() ?? [],
      desired: this.ecs?.desiredCounts() ?? new Map(),
      exits: this.ecs?.exits ?? new Map(),
      activity: this.activity,
      logDir: path.relative(process.cwd(), this.options.logDir) || '.',
    };
  }

  /** Stops everything, in the reverse order of starting: the replay, the schedules, the engines, the Lambdas, then the broker if this run started it. */
  stop(): Promise<void> {
    this.stopping ??= this.undo();
    return this.stopping;
  }

  private async undo(): Promise<void> {
    await this.starting?.catch(() => undefined);
    for (const { what, run } of this.cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        this.options.say(`stopping ${what} failed: ${(error as Error).message}`);
      }
    }
    this.cleanups.length = 0;
  }

  /** Registers how to undo a step, and ends the start when a stop came meanwhile. */
  private onStop(what: string, run: () => Promise<void> | void): void {
    this.cleanups.push({ what, run });
    if (this.stopping) throw new Error('stopped while starting');
  }

  private async run(): Promise<void> {
    const { options } = this;
    const say = options.say;
    fs.mkdirSync(options.logDir, { recursive: true });
    const sample = loadSample(options.sampleFile);
    this.sampleSize = sample.length;

    say('Kafka: looking for the broker (KAFKA_BOOTSTRAP, else scripts/kafka/broker.sh start; the first start fetches its jars with Maven)');
    const broker = await ensureKafkaBroker();
    this.bootstrap = broker.bootstrap;
    if (broker.started) this.onStop('the Kafka broker', () => stopKafka(broker.bootstrap));
    say(`Kafka: ${broker.bootstrap}${broker.started ? ' (started; stopped again at the end)' : ' (already running; left running)'}`);

    const synthesized = synthesizePipeline(options.pipelineName, broker.bootstrap, path.join(options.logDir, 'cdk.out'));
    this.streamEngines = synthesized.coordinatorConfig.streamEngines.map((e) => e.name);
    this.objectEngines = synthesized.lagScalerConfig.objectEngines.map((e) => e.name);
    const topics = synthesized.coordinatorConfig.topics;
    say(`synthesized the pipeline '${options.pipelineName}': stream engines ${this.streamEngines.join(', ')}; object engines ${this.objectEngines.join(', ')}`);

    const dynamo = await startDynalite();
    this.onStop('DynamoDB (dynalite)', () => dynamo.stop());
    const table = await createKeyTable(dynamo.client, `${options.pipelineName}-registry`, REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY);
    say(`registry: table ${table} at ${dynamo.endpoint} (dynalite)`);

    let coordinator: LocalLambda | undefined;
    this.ecs = new LocalEcs({
      pipelineName: options.pipelineName,
      taskDefinitions: synthesized.taskDefinitions,
      services: synthesized.services,
      commandFor: (kind) => options.engineCommands[kind],
      localEnvironment: { [ENV_KAFKA_AUTH]: 'plaintext', AWS_REGION: LOCAL_ENV.region },
      logDir: options.logDir,
      onTaskStopped: (event) => void this.deliverStopped(coordinator!, event),
      onAction: (text) => this.activity.add('ECS', text),
    });
    const ecs = this.ecs;
    this.onStop('the engine processes', () => ecs.shutdown(ENGINE_STOP_GRACE_MS));
    const ecsApi = await startFakeEcsServer(ecs);
    this.onStop('the ECS stand-in', () => ecsApi.close());

    const lambdaEnvironment = (fn: SynthesizedFunction) => ({
      ...fn.environment,
      ...(fn.environment[ENV_REGISTRY_TABLE] ? { [ENV_REGISTRY_TABLE]: table } : {}),
      [ENV_KAFKA_AUTH]: 'plaintext',
      AWS_REGION: LOCAL_ENV.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_ECS: ecsApi.endpoint,
    });
    const lambda = (name: string, fn: SynthesizedFunction) => {
      const local = new LocalLambda({
        name,
        bundle: fn.bundle,
        environment: lambdaEnvironment(fn),
        timeoutSeconds: fn.timeoutSeconds,
        logFile: path.join(options.logDir, `${name.replace(/ /g, '-').toLowerCase()}.log`),
        onLog: (entry) => this.activity.addHandlerLog(name, entry),
      });
      this.onStop(`the ${name} Lambda`, () => local.close());
      return local;
    };

    const provisioner = lambda('topic provisioner', synthesized.topicProvisioner);
    await provisionTopics(provisioner, synthesized.topicResourceProperties);
    await provisioner.close();
    say(`topics: ${Object.values(topics).join(', ')} (created by the topic provisioner)`);

    coordinator = lambda('Coordinator', synthesized.coordinator);
    const lagScaler = lambda('lag scaler', synthesized.lagScaler);

    await waitForGroupCoordinator(broker.bootstrap, synthesized.controlEventSource.consumerGroup);
    const source = new ControlEventSource({
      bootstrap: broker.bootstrap,
      ...synthesized.controlEventSource,
      deliver: (event) => coordinator!.invoke(event),
      onError: (error) => this.activity.add('Coordinator', `batch failed, delivered again: ${error.message}`),
    });
    await source.start();
    this.onStop('the control topic\'s event source', () => source.stop());
    this.schedule(`the Coordinator's reconcile rule (every ${options.reconcileSeconds} s)`, options.reconcileSeconds * 1000,
      () => coordinator!.invoke(synthesized.reconcileEvent), 'Coordinator');
    this.schedule('the lag scaler\'s rule (every minute)', LAG_SCALER_EVERY_MS, () => lagScaler.invoke({}), 'lag scaler');
    say('Coordinator: fed by the control topic, task-stopped events and its reconcile schedule; lag scaler: every minute');

    this.watch = new PipelineWatch({
      bootstrap: broker.bootstrap,
      resultsTopic: topics.results,
      dynamo: dynamo.client,
      registryTable: table,
      groups: [
        ...synthesized.lagScalerConfig.objectEngines.map((e) => ({
          key: e.name, topic: e.inputTopic, group: e.consumerGroup, offsetReset: e.offsetReset,
        })),
        // the event source mapping starts at TRIM_HORIZON
        { key: 'Coordinator', topic: synthesized.controlEventSource.topic, group: synthesized.controlEventSource.consumerGroup, offsetReset: 'earliest' as const },
      ],
    });
    await this.watch.start();
    const watch = this.watch;
    this.onStop('watching the pipeline', () => watch.stop());

    const stopReplay = new AbortController();
    const replay = replaySample({
      bootstrap: broker.bootstrap,
      topics,
      records: sample,
      speed: options.speed,
      signal: stopReplay.signal,
      onProgress: (sent) => (this.replayed = sent),
    }).then(
      () => this.activity.add('replay', stopReplay.signal.aborted ? 'stopped' : `all ${sample.length} sample records sent`),
      (error: Error) => this.activity.add('replay', `failed: ${error.message}`),
    );
    this.onStop('the replay', async () => {
      stopReplay.abort();
      await replay;
    });
    say(`replaying ${path.relative(process.cwd(), options.sampleFile)} (${sample.length} records${options.speed !== 1 ? `, ×${options.speed}` : ''})`);
  }

  /** Runs `invoke` now and every `everyMs`, skipping a run while the last one is still going (as a rule with one target would throttle). */
  private schedule(what: string, everyMs: number, invoke: () => Promise<unknown>, source: string): void {
    let running: Promise<unknown> | undefined;
    const tick = () => {
      running ??= invoke().catch((error: Error) => {
        if (!this.stopping) this.activity.add(source, `scheduled run failed: ${error.message}`); // stopping cuts off the run at hand
      }).finally(() => (running = undefined));
    };
    const timer = setInterval(tick, everyMs);
    tick();
    this.onStop(what, () => clearInterval(timer));
  }

  /** EventBridge's delivery of a task-stopped event, with its retries. */
  private async deliverStopped(coordinator: LocalLambda, event: EcsTaskStateChangeEvent): Promise<void> {
    for (let attempt = 1; attempt <= 1 + EVENT_RETRIES && !this.stopping; attempt++) {
      try {
        await coordinator.invoke(event);
        return;
      } catch (error) {
        this.activity.add('Coordinator', `task-stopped event failed (attempt ${attempt}): ${(error as Error).message}`);
        await sleep(1_000 * attempt);
      }
    }
  }
}
