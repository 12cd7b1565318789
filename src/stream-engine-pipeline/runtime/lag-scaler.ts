/**
 * The lag scaler (the article's "Engine Orchestrator"): sets each object engine's ECS service
 * desired count from its consumer group's lag.
 *
 * One poll:
 * 1. read the lag of every object engine's group (one Kafka admin connection, reused by every
 *    poll of an invocation; dropped and reopened after a failure);
 * 2. read the services' desired counts (DescribeServices, 10 services per call);
 * 3. load the engines' remembered state from the registry table (first poll of an invocation;
 *    afterwards the in-memory copy is used and every change is written back);
 * 4. decide (scaling-decision.ts) and call UpdateService only when the count changes;
 * 5. print EMF metrics (also DeadLetterMessages: how many messages the dead-letter topic holds).
 *
 * Failure handling: an engine whose lag, service or update fails is reported and left as it is;
 * the others go on. When Kafka cannot be read at all every count is kept. Nothing here throws
 * out of `runScaler`: the alarm comes from the LagReadFailures metric.
 */
import { AttributeValue, BatchGetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  METRIC_CONSUMER_LAG, METRIC_DEAD_LETTERS, METRIC_DESIRED_TASKS, METRIC_DIMENSION_ENGINE, METRIC_DIMENSION_PIPELINE,
  METRIC_LAG_READ_FAILURES, METRIC_NAMESPACE,
} from './environment';
import { describeError, LagAdmin, LagQuery, LagResult, readLag, readTopicMessageCount } from './lag-reader';
import { EngineRefs, ObjectEngineConfig, PipelineConfig } from './pipeline-config';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from './registry-schema';
import { decideScaling, ScalerState, ScalingAction } from './scaling-decision';

/** A Kafka admin client the scaler can close (a @platformatic/kafka Admin fits). */
export type LagAdminClient = LagAdmin & { close(): Promise<void> };

export interface LagScalerDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  /** Opens a Kafka admin client; called on the first poll and after a Kafka failure. */
  readonly createKafkaAdmin: () => Promise<LagAdminClient>;
  /** DescribeServices and UpdateService are used. */
  readonly ecs: Pick<ECSClient, 'send'>;
  /** BatchGetItem and PutItem on the registry table. */
  readonly ddb: Pick<DynamoDBClient, 'send'>;
  readonly registryTable: string;
  /** Epoch ms. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Human-readable log lines. */
  readonly log?: (line: string) => void;
  /** One EMF JSON document per call (default: console.log). */
  readonly emitMetrics?: (line: string) => void;
  /** Upper bound for reading all lag in one poll (default 15 s). */
  readonly lagReadTimeoutMs?: number;
}

export interface EngineOutcome {
  readonly engine: string;
  readonly service?: string;
  readonly lag?: number;
  readonly partitions?: number;
  readonly uncommittedPartitions?: number;
  /** The count before this poll (undefined when ECS could not say). */
  readonly current?: number;
  /** The count after this poll. */
  readonly desired?: number;
  readonly action: ScalingAction | 'error';
  readonly reason: string;
  readonly updated: boolean;
}

export interface PollResult {
  readonly at: number;
  /** False when Kafka could not be read at all. */
  readonly kafkaReadable: boolean;
  /** 1 when the lag of at least one engine could not be read (metric LagReadFailures). */
  readonly lagReadFailures: number;
  /** Messages on the dead-letter topic; undefined when it could not be read. */
  readonly deadLetters?: number;
  readonly engines: EngineOutcome[];
}

export interface RunOptions {
  readonly polls: number;
  readonly intervalMs: number;
}

/** Polls `polls` times, `intervalMs` apart (start to start). Never throws. */
export async function runScaler(deps: LagScalerDeps, options: RunOptions): Promise<PollResult[]> {
  const scaler = new LagScaler(deps);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const results: PollResult[] = [];
  try {
    for (let i = 0; i < Math.max(1, options.polls); i++) {
      const started = now();
      results.push(await scaler.poll());
      if (i < options.polls - 1) {
        await sleep(Math.max(0, options.intervalMs - (now() - started)));
      }
    }
  } finally {
    await scaler.close();
  }
  return results;
}

interface StoredState {
  readonly state: ScalerState;
  /** What was last written (to skip writing an unchanged item). */
  readonly written?: string;
}

/** One scaler with its Kafka connection and remembered state; `poll()` as often as wanted. */
export class LagScaler {
  private admin?: Promise<LagAdminClient>;
  private states?: Map<string, StoredState>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly emitMetrics: (line: string) => void;

  constructor(private readonly deps: LagScalerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? ((line) => console.log(line));
    this.emitMetrics = deps.emitMetrics ?? ((line) => console.log(line));
  }

  /** One poll over every object engine. Never throws. */
  async poll(): Promise<PollResult> {
    const at = this.now();
    const engines = this.deps.config.objectEngines;
    const pipeline = this.deps.config.pipelineName;

    // 1. lag
    let lag: Map<string, LagResult> | undefined;
    let deadLetters: number | undefined;
    let kafkaError: string | undefined;
    try {
      [lag, deadLetters] = await this.readKafka(engines);
    } catch (error) {
      kafkaError = describeError(error);
      this.log(`ERROR ${pipeline}: Kafka could not be read, keeping every task count: ${kafkaError}`);
      await this.dropAdmin();
    }

    // 2. current counts; 3. remembered state
    const [counts, states] = await Promise.all([this.describeServices(engines), this.loadStates(engines)]);

    // 4. decide and apply, engine by engine (one failure never stops the others)
    const outcomes = await Promise.all(engines.map(async (engine) => {
      try {
        return await this.scaleEngine(engine, lag?.get(engine.name), kafkaError, counts.get(engine.name), states, at);
      } catch (error) {
        const reason = `unexpected error: ${describeError(error)}`;
        this.log(`ERROR ${pipeline}/${engine.name}: ${reason}`);
        return { engine: engine.name, action: 'error', reason, updated: false } satisfies EngineOutcome;
      }
    }));

    const lagReadFailures = kafkaError || outcomes.some((o) => o.lag === undefined) ? 1 : 0;
    this.printMetrics(outcomes, lagReadFailures, deadLetters);
    return { at, kafkaReadable: kafkaError === undefined, lagReadFailures, deadLetters, engines: outcomes };
  }

  /** Closes the Kafka connection. */
  async close(): Promise<void> {
    await this.dropAdmin();
  }

  private async scaleEngine(engine: ObjectEngineConfig, lag: LagResult | undefined, kafkaError: string | undefined,
    count: { service?: string; desired?: number; error?: string } | undefined, states: Map<string, StoredState>,
    at: number): Promise<EngineOutcome> {
    const pipeline = this.deps.config.pipelineName;
    const lagInfo = lag?.ok
      ? { lag: lag.totalLag, partitions: lag.partitionCount, uncommittedPartitions: lag.uncommittedPartitions }
      : {};
    if (lag && !lag.ok) {
      this.log(`ERROR ${pipeline}/${engine.name}: lag of group ${engine.consumerGroup} on ${engine.inputTopic} unknown: ${lag.error}`);
    }
    if (!count || count.desired === undefined) {
      const reason = `service desired count unknown (${count?.error ?? 'no service'}): nothing changed`;
      this.log(`ERROR ${pipeline}/${engine.name}: ${reason}`);
      return { engine: engine.name, service: count?.service, ...lagInfo, action: 'error', reason, updated: false };
    }
    const service = count.service!;
    const stored = states.get(engine.name) ?? { state: {} };
    const decision = decideScaling({
      current: count.desired,
      lag: lag?.ok
        ? { totalLag: lag.totalLag, partitions: lag.partitionCount }
        : { error: lag ? lag.error : `Kafka unreadable: ${kafkaError ?? 'no reading'}` },
      config: engine.scaling,
      state: stored.state,
      now: at,
    });

    let updated = false;
    let desired = count.desired;
    let reason = decision.reason;
    let action: EngineOutcome['action'] = decision.action;
    if (decision.desired !== count.desired) {
      try {
        await this.deps.ecs.send(new UpdateServiceCommand({
          cluster: this.deps.refs.cluster,
          service,
          desiredCount: decision.desired,
        }));
        updated = true;
        desired = decision.desired;
      } catch (error) {
        reason = `${decision.reason}; UpdateService failed: ${describeError(error)}`;
        action = 'error';
      }
    }
    // the remembered state advances only when the decision took effect
    const newState = updated || decision.desired === count.desired ? decision.newState : stored.state;
    const outcome: EngineOutcome = { engine: engine.name, service, ...lagInfo, current: count.desired, desired, action, reason, updated };
    this.log(`${action === 'error' ? 'ERROR ' : ''}${pipeline}/${engine.name}: ${reason}`);
    await this.saveState(engine.name, newState, outcome, states, at);
    return outcome;
  }

  /** The lag of every engine and the dead-letter topic's size (undefined when unreadable). */
  private async readKafka(engines: readonly ObjectEngineConfig[]): Promise<[Map<string, LagResult>, number | undefined]> {
    const queries: LagQuery[] = engines.map((e) => ({ key: e.name, topic: e.inputTopic, group: e.consumerGroup }));
    if (!this.admin) {
      this.admin = this.deps.createKafkaAdmin();
      this.admin.catch(() => undefined); // observed below; avoid an unhandled rejection
    }
    const admin = await this.admin;
    const deadLetterTopic = this.deps.config.topics?.deadLetter;
    return withTimeout(Promise.all([
      readLag(admin, queries),
      deadLetterTopic
        ? readTopicMessageCount(admin, deadLetterTopic).catch((error: unknown) => {
          this.log(`ERROR ${this.deps.config.pipelineName}: dead-letter topic ${deadLetterTopic} could not be read: ${describeError(error)}`);
          return undefined;
        })
        : Promise.resolve(undefined),
    ]), this.deps.lagReadTimeoutMs ?? 15_000, 'reading consumer lag');
  }

  private async dropAdmin(): Promise<void> {
    const pending = this.admin;
    this.admin = undefined;
    if (pending) {
      try {
        await withTimeout((await pending).close(), 5_000, 'closing the Kafka admin client');
      } catch {
        // it was broken already
      }
    }
  }

  /** Service name and desired count per engine name; DescribeServices takes 10 services a call. */
  private async describeServices(engines: readonly ObjectEngineConfig[]):
  Promise<Map<string, { service?: string; desired?: number; error?: string }>> {
    const result = new Map<string, { service?: string; desired?: number; error?: string }>();
    const wanted: Array<{ engine: string; service: string }> = [];
    for (const engine of engines) {
      const service = this.deps.refs.services[engine.name];
      if (service) {
        wanted.push({ engine: engine.name, service });
      } else {
        result.set(engine.name, { error: `no ECS service for engine ${engine.name} in the engine refs` });
      }
    }
    const batches: Array<typeof wanted> = [];
    for (let i = 0; i < wanted.length; i += 10) {
      batches.push(wanted.slice(i, i + 10));
    }
    const describe = async (batch: typeof wanted): Promise<void> => {
      const answer = await this.deps.ecs.send(new DescribeServicesCommand({
        cluster: this.deps.refs.cluster,
        services: batch.map((b) => b.service),
      }));
      for (const { engine, service } of batch) {
        const found = (answer.services ?? []).find((s) => sameService(service, s.serviceName, s.serviceArn));
        const failure = (answer.failures ?? []).find((f) => f.arn !== undefined && sameService(service, lastPart(f.arn), f.arn));
        if (found && found.status !== 'INACTIVE' && found.desiredCount !== undefined) {
          result.set(engine, { service, desired: found.desiredCount });
        } else {
          result.set(engine, {
            service,
            error: found?.status === 'INACTIVE'
              ? `service ${service} is INACTIVE`
              : `service ${service} not found${failure?.reason ? ` (${failure.reason})` : ''}`,
          });
        }
      }
    };
    await Promise.all(batches.map(async (batch) => {
      try {
        await describe(batch);
      } catch (batchError) {
        if (batch.length === 1) {
          result.set(batch[0].engine, { service: batch[0].service, error: `DescribeServices failed: ${describeError(batchError)}` });
          return;
        }
        // one bad service must not hide the others: ask for each on its own
        await Promise.all(batch.map(async (one) => {
          try {
            await describe([one]);
          } catch (error) {
            result.set(one.engine, { service: one.service, error: `DescribeServices failed: ${describeError(error)}` });
          }
        }));
      }
    }));
    return result;
  }

  private async loadStates(engines: readonly ObjectEngineConfig[]): Promise<Map<string, StoredState>> {
    if (this.states) {
      return this.states;
    }
    const states = new Map<string, StoredState>();
    try {
      for (let i = 0; i < engines.length; i += 100) {
        const keys = engines.slice(i, i + 100).map((e) => stateKey(e.name));
        const answer = await this.deps.ddb.send(new BatchGetItemCommand({
          RequestItems: { [this.deps.registryTable]: { Keys: keys, ConsistentRead: true } },
        }));
        for (const item of answer.Responses?.[this.deps.registryTable] ?? []) {
          const name = item[REGISTRY_SORT_KEY]?.S?.replace(/^engine#/, '');
          if (name) {
            const state = parseState(item);
            states.set(name, { state, written: JSON.stringify(state) });
          }
        }
      }
    } catch (error) {
      // without memory the scale-in wait starts again: safe (it only delays scaling in)
      this.log(`ERROR ${this.deps.config.pipelineName}: scaler state could not be read from ${this.deps.registryTable}, `
        + `starting without it: ${describeError(error)}`);
    }
    this.states = states;
    return states;
  }

  private async saveState(engine: string, state: ScalerState, outcome: EngineOutcome,
    states: Map<string, StoredState>, at: number): Promise<void> {
    const previous = states.get(engine);
    const serialized = JSON.stringify(state);
    states.set(engine, { state, written: previous?.written });
    if (previous?.written === serialized && !outcome.updated) {
      return; // nothing new to remember
    }
    const item: Record<string, AttributeValue> = {
      ...stateKey(engine),
      updatedAt: { N: String(at) },
      reason: { S: outcome.reason.slice(0, 1000) },
    };
    for (const field of STATE_FIELDS) {
      const value = state[field];
      if (value !== undefined) {
        item[field] = { N: String(value) };
      }
    }
    if (outcome.desired !== undefined) {
      item.desiredCount = { N: String(outcome.desired) };
    }
    if (outcome.lag !== undefined) {
      item.lag = { N: String(outcome.lag) };
    }
    try {
      await this.deps.ddb.send(new PutItemCommand({ TableName: this.deps.registryTable, Item: item }));
      states.set(engine, { state, written: serialized });
    } catch (error) {
      // kept in memory for this invocation; written again at the next poll
      this.log(`ERROR ${this.deps.config.pipelineName}/${engine}: scaler state not saved: ${describeError(error)}`);
    }
  }

  /**
   * EMF: one document per engine (a document carries one value per dimension, so engines
   * cannot share one) and one for the pipeline with LagReadFailures and DeadLetterMessages.
   */
  private printMetrics(outcomes: readonly EngineOutcome[], lagReadFailures: number, deadLetters: number | undefined): void {
    const pipeline = this.deps.config.pipelineName;
    const timestamp = this.now();
    for (const o of outcomes) {
      const metrics: Array<{ Name: string; Unit: string }> = [];
      const values: Record<string, number> = {};
      if (o.lag !== undefined) {
        metrics.push({ Name: METRIC_CONSUMER_LAG, Unit: 'Count' });
        values[METRIC_CONSUMER_LAG] = o.lag;
      }
      if (o.desired !== undefined) {
        metrics.push({ Name: METRIC_DESIRED_TASKS, Unit: 'Count' });
        values[METRIC_DESIRED_TASKS] = o.desired;
      }
      if (metrics.length === 0) {
        continue;
      }
      this.emitMetrics(JSON.stringify({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [{
            Namespace: METRIC_NAMESPACE,
            Dimensions: [[METRIC_DIMENSION_PIPELINE, METRIC_DIMENSION_ENGINE]],
            Metrics: metrics,
          }],
        },
        [METRIC_DIMENSION_PIPELINE]: pipeline,
        [METRIC_DIMENSION_ENGINE]: o.engine,
        ...values,
        action: o.action,
      }));
    }
    const pipelineMetrics = [{ Name: METRIC_LAG_READ_FAILURES, Unit: 'Count' }];
    if (deadLetters !== undefined) {
      pipelineMetrics.push({ Name: METRIC_DEAD_LETTERS, Unit: 'Count' });
    }
    this.emitMetrics(JSON.stringify({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [{
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION_PIPELINE]],
          Metrics: pipelineMetrics,
        }],
      },
      [METRIC_DIMENSION_PIPELINE]: pipeline,
      [METRIC_LAG_READ_FAILURES]: lagReadFailures,
      ...(deadLetters !== undefined ? { [METRIC_DEAD_LETTERS]: deadLetters } : {}),
    }));
  }
}

const STATE_FIELDS = ['lowerSince', 'lowerTarget', 'lastScaleOutAt', 'lastScaleInAt'] as const;

/** The registry key of an engine's scaler state. */
export function stateKey(engine: string): Record<string, AttributeValue> {
  return { [REGISTRY_PARTITION_KEY]: { S: 'scaler' }, [REGISTRY_SORT_KEY]: { S: `engine#${engine}` } };
}

function parseState(item: Record<string, AttributeValue>): ScalerState {
  const state: Record<string, number> = {};
  for (const field of STATE_FIELDS) {
    const value = Number(item[field]?.N);
    if (item[field]?.N !== undefined && Number.isFinite(value)) {
      state[field] = value;
    }
  }
  return state;
}

function sameService(ref: string, name: string | undefined, arn: string | undefined): boolean {
  return ref === name || ref === arn || (name !== undefined && lastPart(ref) === name);
}

function lastPart(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
