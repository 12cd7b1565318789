// The local stand-in for ECS (ECS has no local implementation). It is the in-memory ECS model the
// Coordinator's tests use (test/stream-engine-pipeline/runtime/fake-ecs.ts: client tokens,
// ListTasks by startedBy, DescribeTasks, StopTask), served over the ECS JSON API, with real
// processes behind it:
// - RunTask starts the stream engine's command with the task definition's environment (from the
//   synthesized template), the container overrides and ENGINE_TASK_ID; the task is RUNNING once
//   the process runs and STOPPED with its exit code when it ends; the "ECS Task State Change"
//   event of a stopped task of the pipeline goes to `onTaskStopped` (EventBridge's rule);
// - StopTask sends SIGTERM, then SIGKILL after the task definition's stop timeout;
// - DescribeServices and UpdateService (the lag scaler's calls) keep as many object engine
//   processes running as the service's desired count, and replace one that exits by itself.
import * as path from 'node:path';
import type {
  DescribeServicesCommandInput, DescribeServicesCommandOutput, RunTaskCommandInput, RunTaskCommandOutput, StopTaskCommandInput,
  UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { EngineCommand, EngineProcess, ProcessEnd } from './engine-process';
import { SynthesizedTaskDefinition } from './synthesized-pipeline';
import { EcsTaskStateChangeEvent } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { taskStartedByPrefix } from '../../src/stream-engine-pipeline/runtime/engine-launcher';
import { ENV_STREAM_ID, ENV_TASK_ID } from '../../src/stream-engine-pipeline/runtime/environment';
import { FakeEcsCluster } from '../../test/stream-engine-pipeline/runtime/fake-ecs';

export type EngineKind = 'stream' | 'object';

export interface LocalEcsOptions {
  readonly pipelineName: string;
  /** By the reference RunTask names them with. */
  readonly taskDefinitions: ReadonlyMap<string, SynthesizedTaskDefinition>;
  /** By service name. */
  readonly services: ReadonlyMap<string, SynthesizedTaskDefinition>;
  readonly commandFor: (kind: EngineKind) => EngineCommand;
  /** Set over the task's own environment (the local broker's plaintext auth, the region). */
  readonly localEnvironment: Readonly<Record<string, string>>;
  /** Each task's output goes to `<logDir>/<engine>-<task id>.log` (object engine task ids start with the engine's name already). */
  readonly logDir: string;
  /** The EventBridge rule of the pipeline: stopped tasks it started. */
  readonly onTaskStopped: (event: EcsTaskStateChangeEvent) => void;
  /** What ECS did, for people. */
  readonly onAction: (text: string) => void;
}

/** A running (or stopping) engine process, for the terminal view. */
export interface LocalTask {
  readonly id: string;
  readonly engine: string;
  readonly kind: EngineKind;
  readonly streamId?: string;
  stopping: boolean;
}

interface ServiceState {
  readonly definition: SynthesizedTaskDefinition;
  desiredCount: number;
  readonly tasks: Array<{ task: LocalTask; process: EngineProcess }>;
  /** Exits without a stop, in a row: the restart back-off grows with them (ECS throttles failing services too). */
  failures: number;
  restartTimer?: NodeJS.Timeout;
}

/** Exit codes of finished tasks, per engine (what ECS's stopped tasks would show). */
export type ExitCounts = Map<string, Map<string, number>>;

export class LocalEcs extends FakeEcsCluster {
  /** Stream engine tasks by ARN. */
  private readonly processes = new Map<string, { task: LocalTask; process: EngineProcess; definition: SynthesizedTaskDefinition }>();
  private readonly serviceStates = new Map<string, ServiceState>();
  readonly exits: ExitCounts = new Map();
  private serviceTasks = 0;
  private closing = false;

  constructor(private readonly options: LocalEcsOptions) {
    super('local', Date.now);
    for (const [name, definition] of options.services) {
      this.serviceStates.set(name, { definition, desiredCount: 0, tasks: [], failures: 0 });
    }
  }

  override async runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput> {
    const definition = this.options.taskDefinitions.get(input.taskDefinition ?? '');
    if (!definition) {
      throw Object.assign(new Error(`TaskDefinition not found: ${input.taskDefinition}`), { name: 'ClientException', $metadata: { httpStatusCode: 400 } });
    }
    const known = new Set(this.tasks.keys());
    const output = await super.runTask(input);
    for (const arn of (output.tasks ?? []).map((t) => t.taskArn!).filter((a) => !known.has(a))) {
      this.startStreamTask(arn, definition);
    }
    return output;
  }

  override async stopTask(input: StopTaskCommandInput): Promise<Record<string, never>> {
    await super.stopTask(input);
    const running = this.processes.get(input.task!);
    if (running && !running.task.stopping) {
      running.task.stopping = true;
      running.process.stop(running.definition.stopTimeoutSeconds * 1000);
    }
    return {};
  }

  async describeServices(input: DescribeServicesCommandInput): Promise<Pick<DescribeServicesCommandOutput, 'services' | 'failures'>> {
    const names = input.services ?? [];
    return {
      services: names.filter((n) => this.serviceStates.has(n)).map((n) => {
        const state = this.serviceStates.get(n)!;
        return {
          serviceName: n,
          serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/local/${n}`,
          status: 'ACTIVE',
          desiredCount: state.desiredCount,
          runningCount: state.tasks.filter((t) => !t.task.stopping).length,
        };
      }),
      failures: names.filter((n) => !this.serviceStates.has(n)).map((n) => ({ arn: `arn:aws:ecs:eu-west-1:123456789012:service/local/${n}`, reason: 'MISSING' })),
    };
  }

  async updateService(input: UpdateServiceCommandInput): Promise<{ service: { serviceName?: string; desiredCount: number } }> {
    const state = this.serviceStates.get(input.service ?? '');
    if (!state) throw Object.assign(new Error(`Service not found: ${input.service}`), { name: 'ServiceNotFoundException', $metadata: { httpStatusCode: 400 } });
    if (input.desiredCount !== undefined && input.desiredCount !== state.desiredCount) {
      this.options.onAction(`service ${state.definition.engine}: desired count ${state.desiredCount} -> ${input.desiredCount}`);
      state.desiredCount = input.desiredCount;
      state.failures = 0;
      this.scaleService(state);
    }
    return { service: { serviceName: input.service, desiredCount: state.desiredCount } };
  }

  /** Every engine process that runs, by engine. */
  runningTasks(): LocalTask[] {
    return [...this.processes.values(), ...[...this.serviceStates.values()].flatMap((s) => s.tasks)].map((t) => t.task);
  }

  /** Desired counts of the object engine services, by engine. */
  desiredCounts(): Map<string, number> {
    return new Map([...this.serviceStates.values()].map((s) => [s.definition.engine, s.desiredCount]));
  }

  /** Stops every engine process (SIGTERM, SIGKILL after `graceMs`) and waits for them; no event is sent any more. */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    const all = [...this.processes.values(), ...[...this.serviceStates.values()].flatMap((s) => s.tasks)];
    for (const state of this.serviceStates.values()) clearTimeout(state.restartTimer);
    for (const { process } of all) process.stop(graceMs);
    await Promise.all(all.map(({ process }) => process.ended));
  }

  private startStreamTask(arn: string, definition: SynthesizedTaskDefinition): void {
    const fake = this.tasks.get(arn)!;
    const id = arn.split('/').pop()!;
    const environment = { ...definition.environment, ...fake.env, [ENV_TASK_ID]: id, ...this.options.localEnvironment };
    const task: LocalTask = { id, engine: definition.engine, kind: 'stream', streamId: fake.env[ENV_STREAM_ID], stopping: false };
    const process = this.spawn(task, environment);
    this.processes.set(arn, { task, process, definition });
    void process.started.then(() => {
      if (fake.lastStatus === 'PROVISIONING') Object.assign(fake, { lastStatus: 'RUNNING', startedAt: Date.now() });
    }, () => undefined);
    void process.ended.then((end) => {
      this.processes.delete(arn);
      const stoppedByUs = fake.desiredStatus === 'STOPPED';
      const event = this.exit(arn, end.exitCode, stoppedByUs ? 'UserInitiated' : end.error ? 'TaskFailedToStart' : 'EssentialContainerExited',
        end.error ?? fake.stoppedReason ?? 'Essential container in task exited');
      this.ended(task, end);
      if (!this.closing && fake.startedBy?.startsWith(taskStartedByPrefix(this.options.pipelineName))) this.options.onTaskStopped(event);
    });
  }

  private scaleService(state: ServiceState): void {
    if (this.closing) return;
    const live = state.tasks.filter((t) => !t.task.stopping);
    for (let n = live.length; n < state.desiredCount; n++) {
      const id = `${state.definition.engine}-${++this.serviceTasks}`;
      const task: LocalTask = { id, engine: state.definition.engine, kind: 'object', stopping: false };
      const process = this.spawn(task, { ...state.definition.environment, [ENV_TASK_ID]: id, ...this.options.localEnvironment });
      const entry = { task, process };
      state.tasks.push(entry);
      void process.ended.then((end) => {
        state.tasks.splice(state.tasks.indexOf(entry), 1);
        this.ended(task, end);
        if (!task.stopping) {
          // it exited by itself: ECS starts another while the desired count wants it
          state.failures++;
          clearTimeout(state.restartTimer);
          state.restartTimer = setTimeout(() => this.scaleService(state), Math.min(30_000, 1_000 * 2 ** (state.failures - 1)));
        }
      });
    }
    // scale in: the newest tasks stop first
    for (const { task, process } of live.slice(state.desiredCount).reverse()) {
      task.stopping = true;
      process.stop(state.definition.stopTimeoutSeconds * 1000);
      this.options.onAction(`stopping ${task.id} (SIGTERM)`);
    }
  }

  private spawn(task: LocalTask, environment: Record<string, string>): EngineProcess {
    const logName = task.kind === 'object' ? task.id : `${task.engine}-${task.id}`;
    const process = new EngineProcess(this.options.commandFor(task.kind), environment, path.join(this.options.logDir, `${logName}.log`));
    this.options.onAction(`started ${task.id} (${task.engine}${task.streamId ? ` for ${task.streamId}` : ''})`);
    return process;
  }

  private ended(task: LocalTask, end: ProcessEnd): void {
    const outcome = end.error ? 'failed to start' : `exit ${end.exitCode}`;
    const counts = this.exits.get(task.engine) ?? new Map<string, number>();
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    this.exits.set(task.engine, counts);
    this.options.onAction(`${task.id} (${task.engine}${task.streamId ? ` for ${task.streamId}` : ''}) ${end.error ? `failed to start: ${end.error}` : `exited ${end.exitCode}`}`);
  }
}
