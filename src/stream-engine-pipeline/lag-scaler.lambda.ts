// Entry point of the lag-scaler Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
// Started every minute by EventBridge; each run polls every pollIntervalSeconds until the next
// run takes over or its budget is spent (runtime/scaler-run.ts).
import { randomUUID } from 'node:crypto';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ENV_REGISTRY_TABLE } from './runtime/environment';
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from './runtime/kafka-connection';
import { loadEngineRefs, loadPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';
import { ScalerLease } from './runtime/scaler-lease';
import { runScaler } from './runtime/scaler-run';
import { awsClientConfig } from '../shared/runtime/aws-client-config';
import { createDocumentClient } from '../shared/runtime/aws-clients';
import { DocumentSender } from '../shared/runtime/dynamo-batch';
import { createLogger } from '../shared/runtime/logger';

/** Each poll ends within this: 10 s to read Kafka, the rest for ECS and DynamoDB. */
const POLL_TIMEOUT_MS = 20_000;
const LAG_READ_TIMEOUT_MS = 10_000;
/**
 * The run's budget is the invocation's remaining time less this: room for closing Kafka (2 s)
 * and for the runtime, so a run never reaches the function's timeout. With the 120 s timeout
 * the budget is 100 s: a run covers up to 40 s of a late next run.
 */
const TIMEOUT_MARGIN_MS = 20_000;
/** The budget when the invocation tells no remaining time (local runs). */
const DEFAULT_BUDGET_MS = 100_000;
/** The schedule's period: a poll interval this long makes the schedule itself the poll. */
const SCHEDULE_PERIOD_MS = 60_000;
/** Request timeout of the ECS and DynamoDB calls: two attempts fit in a poll. */
const AWS_REQUEST_TIMEOUT_MS = 5_000;

const log = createLogger('stream-engine-pipeline-lag-scaler');

interface Setup {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly table: string;
  readonly ecs: ECSClient;
  readonly doc: DocumentSender;
}

/** The EventBridge scheduled event (only its time is read) and the Lambda context. */
interface ScheduledEvent {
  readonly time?: string;
}
interface InvocationContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

let setup: Setup | undefined;

function coldStart(): Setup {
  if (!setup) {
    // PIPELINE_CONFIG (packed) or the file at PIPELINE_CONFIG_PATH; PIPELINE_ENGINE_REFS
    const config = loadPipelineConfig(process.env);
    const refs = loadEngineRefs(process.env);
    const table = process.env[ENV_REGISTRY_TABLE];
    if (!table) {
      throw new Error(`${ENV_REGISTRY_TABLE} is not set: it must name the registry table`);
    }
    setup = {
      config,
      refs,
      table,
      ecs: new ECSClient(awsClientConfig({ requestTimeoutMs: AWS_REQUEST_TIMEOUT_MS })),
      doc: createDocumentClient({ requestTimeoutMs: AWS_REQUEST_TIMEOUT_MS }),
    };
  }
  return setup;
}

export async function handler(event?: ScheduledEvent, context?: InvocationContext): Promise<unknown> {
  const { config, refs, table, ecs, doc } = coldStart();
  const intervalMs = Math.max(1, config.pollIntervalSeconds || 10) * 1000;
  const budgetMs = context?.getRemainingTimeInMillis ? context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS : DEFAULT_BUDGET_MS;
  // newer schedule events have later times: the lease goes to the newest run
  const epoch = Date.parse(event?.time ?? '') || Date.now();
  const lease = new ScalerLease(doc, table, { id: context?.awsRequestId ?? randomUUID(), epoch });
  const kafkaClient = async (role: string) => kafkaClientOptions(kafkaSettingsFromEnv(process.env), `${config.pipelineName}-lag-scaler${role}`);
  const run = await runScaler({
    config,
    refs,
    ecs,
    doc,
    registryTable: table,
    runEpoch: epoch,
    log,
    lagReadTimeoutMs: LAG_READ_TIMEOUT_MS,
    // a bad Kafka setting counts as "Kafka unreadable" (logged, LagReadFailures=1), not a crash
    createKafkaAdmin: async () => new (loadKafka().Admin)(await kafkaClient('')),
    // reads records at the groups' positions; it joins no group (the group id is never used)
    createRecordFetcher: async () => new (loadKafka().Consumer)({ ...await kafkaClient('-probe'), groupId: `${config.pipelineName}.lag-scaler-probe` }),
  }, {
    // at 60 s the schedule itself is the poll: the next poll would fall after the budget, so one poll a run
    intervalMs: intervalMs >= SCHEDULE_PERIOD_MS ? budgetMs : intervalMs,
    budgetMs,
    pollTimeoutMs: POLL_TIMEOUT_MS,
    lease,
  });
  const last = run.polls[run.polls.length - 1];
  return {
    polls: run.polls.length,
    end: run.end,
    lagReadFailures: run.polls.reduce((sum, p) => sum + p.lagReadFailures, 0),
    engines: last?.engines.map((e) => ({ engine: e.engine, lag: e.lag, desired: e.desired, action: e.action })) ?? [],
  };
}
