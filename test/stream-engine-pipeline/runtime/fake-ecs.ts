/**
 * ECS MOCK: ECS has no local implementation, so the Coordinator's tests run against this
 * in-memory model of one cluster at the API boundary (RunTask, ListTasks, DescribeTasks,
 * StopTask), and `startFakeEcsServer` serves the same model over the ECS JSON protocol for the
 * bundled handler. It models what the Coordinator relies on:
 * - RunTask's client token: a repeated token returns the task the first call started;
 * - ListTasks by startedBy lists tasks whose desired status is RUNNING;
 * - DescribeTasks answers MISSING for tasks it does not know;
 * - StopTask sets the desired status; the task stops when the test lets time pass (`settle`).
 * Faults are injected per call: capacity failures, throttling, server errors, a timeout after the
 * task was started (the caller never sees the answer), invalid parameters.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import type {
  DescribeTasksCommandInput, ListTasksCommandInput, RunTaskCommandInput, RunTaskCommandOutput, StopTaskCommandInput, Task,
} from '@aws-sdk/client-ecs';
import { EcsTaskStateChangeEvent } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { EcsApi } from '../../../src/stream-engine-pipeline/runtime/engine-launcher';

export type RunTaskFault = 'capacity' | 'throttle' | 'server-error' | 'timeout-after-start' | 'invalid';
export type CallFault = 'throttle' | 'server-error';
export type EcsOperation = 'runTask' | 'listTasks' | 'describeTasks' | 'stopTask';

export interface FakeTask {
  readonly arn: string;
  readonly startedBy?: string;
  readonly clientToken?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly containerName: string;
  lastStatus: 'PROVISIONING' | 'RUNNING' | 'DEPROVISIONING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (ECS mock)`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

export class FakeEcsCluster implements EcsApi {
  readonly tasks = new Map<string, FakeTask>();
  readonly calls: Array<{ operation: EcsOperation; input: any }> = [];
  /** Scripted faults, taken one per call of the operation. */
  readonly script: { runTask: Array<RunTaskFault | 'ok'>; listTasks: Array<CallFault | 'ok'>; describeTasks: Array<CallFault | 'ok'>; stopTask: Array<CallFault | 'ok'> } = {
    runTask: [], listTasks: [], describeTasks: [], stopTask: [],
  };
  /** Random faults: called for every call without a scripted one. */
  inject?: (operation: EcsOperation) => RunTaskFault | CallFault | undefined;
  /** Called with every RunTask request before it is answered (tests check invariants here). */
  onRunTask?: (input: RunTaskCommandInput) => Promise<void>;
  private readonly byToken = new Map<string, string>();
  private counter = 0;

  constructor(readonly clusterName: string, private readonly now: () => number) {}

  private fault(operation: EcsOperation): string | undefined {
    const scripted = this.script[operation].shift();
    if (scripted && scripted !== 'ok') return scripted;
    if (scripted === 'ok') return undefined;
    return this.inject?.(operation);
  }

  async runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput> {
    this.calls.push({ operation: 'runTask', input });
    await this.onRunTask?.(input);
    const fault = this.fault('runTask');
    if (fault === 'throttle') throw awsError('ThrottlingException', 400);
    if (fault === 'server-error') throw awsError('ServerException', 500);
    if (fault === 'invalid') throw awsError('InvalidParameterException', 400);
    if (fault === 'capacity') {
      return { $metadata: {}, tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }] };
    }
    let arn = input.clientToken ? this.byToken.get(input.clientToken) : undefined;
    if (!arn) {
      arn = `arn:aws:ecs:us-east-1:123456789012:task/${this.clusterName}/${String(++this.counter).padStart(32, '0')}`;
      const override = input.overrides?.containerOverrides?.[0];
      this.tasks.set(arn, {
        arn,
        startedBy: input.startedBy,
        clientToken: input.clientToken,
        env: Object.fromEntries((override?.environment ?? []).map((e) => [e.name!, e.value!])),
        containerName: override?.name ?? 'engine',
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
      });
      if (input.clientToken) this.byToken.set(input.clientToken, arn);
    }
    if (fault === 'timeout-after-start') throw awsError('TimeoutError', 0);
    return { $metadata: {}, failures: [], tasks: [this.describe(this.tasks.get(arn)!)] };
  }

  async listTasks(input: ListTasksCommandInput) {
    this.calls.push({ operation: 'listTasks', input });
    this.throwFault(this.fault('listTasks'));
    const desired = input.desiredStatus ?? 'RUNNING';
    return {
      taskArns: [...this.tasks.values()]
        .filter((t) => t.desiredStatus === desired && (input.startedBy === undefined || t.startedBy === input.startedBy))
        .map((t) => t.arn),
    };
  }

  async describeTasks(input: DescribeTasksCommandInput) {
    this.calls.push({ operation: 'describeTasks', input });
    this.throwFault(this.fault('describeTasks'));
    const arns = input.tasks ?? [];
    return {
      tasks: arns.filter((a) => this.tasks.has(a)).map((a) => this.describe(this.tasks.get(a)!)),
      failures: arns.filter((a) => !this.tasks.has(a)).map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }

  async stopTask(input: StopTaskCommandInput) {
    this.calls.push({ operation: 'stopTask', input });
    this.throwFault(this.fault('stopTask'));
    const task = this.tasks.get(input.task!);
    if (!task) throw awsError('InvalidParameterException', 400);
    if (task.lastStatus !== 'STOPPED') {
      task.desiredStatus = 'STOPPED';
      task.lastStatus = 'DEPROVISIONING';
      task.stopCode = 'UserInitiated';
      task.stoppedReason = input.reason;
    }
    return {};
  }

  private throwFault(fault: string | undefined): void {
    if (fault === 'throttle') throw awsError('ThrottlingException', 400);
    if (fault === 'server-error') throw awsError('ServerException', 500);
  }

  private describe(task: FakeTask): Task {
    return {
      taskArn: task.arn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      startedBy: task.startedBy,
      startedAt: task.startedAt === undefined ? undefined : new Date(task.startedAt),
      stoppedAt: task.stoppedAt === undefined ? undefined : new Date(task.stoppedAt),
      stopCode: task.stopCode as Task['stopCode'],
      stoppedReason: task.stoppedReason,
      containers: [{ name: task.containerName, exitCode: task.exitCode }],
    };
  }

  // ---- the test moves time and tasks along ----

  /** Tasks that are not STOPPED (a task being stopped still runs). */
  live(): FakeTask[] {
    return [...this.tasks.values()].filter((t) => t.lastStatus !== 'STOPPED');
  }

  /** PROVISIONING tasks start running. */
  startAll(): void {
    for (const task of this.tasks.values()) {
      if (task.lastStatus === 'PROVISIONING' && task.desiredStatus === 'RUNNING') {
        task.lastStatus = 'RUNNING';
        task.startedAt = this.now();
      }
    }
  }

  /** The task exits by itself (0: it finished its stream; 137: killed, e.g. Spot; undefined: the container never ran). */
  exit(arn: string, exitCode: number | undefined, stopCode = 'EssentialContainerExited', reason = 'Essential container in task exited'): EcsTaskStateChangeEvent {
    const task = this.tasks.get(arn)!;
    Object.assign(task, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: this.now(), exitCode, stopCode, stoppedReason: reason });
    return this.stoppedEvent(task);
  }

  /** Tasks asked to stop have stopped (SIGTERM: exit 143); returns their stop events. */
  settle(): EcsTaskStateChangeEvent[] {
    const events: EcsTaskStateChangeEvent[] = [];
    for (const task of this.tasks.values()) {
      if (task.lastStatus === 'DEPROVISIONING' || (task.desiredStatus === 'STOPPED' && task.lastStatus !== 'STOPPED')) {
        Object.assign(task, { lastStatus: 'STOPPED', stoppedAt: this.now(), exitCode: task.startedAt === undefined ? undefined : 143 });
        events.push(this.stoppedEvent(task));
      }
    }
    return events;
  }

  /** The EventBridge "ECS Task State Change" event ECS sends when the task stops. */
  stoppedEvent(task: FakeTask): EcsTaskStateChangeEvent {
    return {
      'source': 'aws.ecs',
      'detail-type': 'ECS Task State Change',
      'detail': {
        clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${this.clusterName}`,
        taskArn: task.arn,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        startedBy: task.startedBy,
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason,
        overrides: {
          containerOverrides: [{ name: task.containerName, environment: Object.entries(task.env).map(([name, value]) => ({ name, value })) }],
        },
        containers: [{ name: task.containerName, exitCode: task.exitCode }],
      },
    };
  }
}

export interface FakeEcsServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The operations served, by X-Amz-Target: the task calls of FakeEcsCluster, and the service calls of a model that has them. */
const OPERATIONS: Record<string, EcsOperation | 'describeServices' | 'updateService'> = {
  'AmazonEC2ContainerServiceV20141113.RunTask': 'runTask',
  'AmazonEC2ContainerServiceV20141113.ListTasks': 'listTasks',
  'AmazonEC2ContainerServiceV20141113.DescribeTasks': 'describeTasks',
  'AmazonEC2ContainerServiceV20141113.StopTask': 'stopTask',
  'AmazonEC2ContainerServiceV20141113.DescribeServices': 'describeServices',
  'AmazonEC2ContainerServiceV20141113.UpdateService': 'updateService',
};

/**
 * ECS MOCK over HTTP (awsJson1_1 on 127.0.0.1) serving `cluster`, for the bundled handlers:
 * RunTask, ListTasks, DescribeTasks and StopTask, and DescribeServices and UpdateService when the
 * model implements them (the local pipeline's LocalEcs, examples/local-pipeline/local-ecs.ts).
 */
export async function startFakeEcsServer(cluster: FakeEcsCluster): Promise<FakeEcsServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const operation = OPERATIONS[String(req.headers['x-amz-target'] ?? '')];
      const call = operation ? (cluster as unknown as Record<string, unknown>)[operation] : undefined;
      const send = (status: number, payload: unknown) => {
        // timestamps as epoch seconds, as ECS sends them; the replacer sees a Date's toJSON() text, so read the holder's value
        const body = JSON.stringify(payload, function (this: Record<string, unknown>, key, value) {
          return this[key] instanceof Date ? (this[key] as Date).getTime() / 1000 : value;
        });
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(body);
      };
      if (typeof call !== 'function') {
        const served = Object.values(OPERATIONS).filter((o) => typeof (cluster as unknown as Record<string, unknown>)[o] === 'function');
        send(400, { __type: 'UnknownOperationException', message: `the mock serves ${served.join(', ')}, not ${req.headers['x-amz-target']}` });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      (call as (i: unknown) => Promise<unknown>).call(cluster, input).then(
        (output) => send(200, output),
        (error: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => {
          if (error.name === 'TimeoutError') {
            req.socket.destroy(); // the caller never gets the answer
            return;
          }
          send(error.$metadata?.httpStatusCode || 500, { __type: error.name, message: error.message });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
