// Entry point of the lag-scaler Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
// Invoked once a minute by EventBridge; polls every pollIntervalSeconds for about 50 s.
import { ECSClient } from '@aws-sdk/client-ecs';
import { ENV_REGISTRY_TABLE } from './runtime/environment';
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from './runtime/kafka-connection';
import { runScaler } from './runtime/lag-scaler';
import { loadEngineRefs, loadPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';
import { awsClientConfig } from '../shared/runtime/aws-client-config';
import { createDocumentClient } from '../shared/runtime/aws-clients';
import { DocumentSender } from '../shared/runtime/dynamo-batch';
import { createLogger } from '../shared/runtime/logger';

/** Polling stops this long after the invocation starts (the function timeout is longer). */
const POLL_WINDOW_SECONDS = 50;
/**
 * Request timeout of the ECS and DynamoDB calls, shorter than the library's 10 s: the last poll
 * starts up to 50 s into an invocation that times out at 70 s, so a hung endpoint must give up
 * early enough for its retry to end within the 20 s that remain.
 */
const AWS_REQUEST_TIMEOUT_MS = 8_000;

const log = createLogger('stream-engine-pipeline-lag-scaler');

interface Setup {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly table: string;
  readonly ecs: ECSClient;
  readonly doc: DocumentSender;
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

export async function handler(): Promise<unknown> {
  const { config, refs, table, ecs, doc } = coldStart();
  const intervalSeconds = Math.max(1, config.pollIntervalSeconds || 10);
  const polls = Math.max(1, Math.floor(POLL_WINDOW_SECONDS / intervalSeconds));
  const results = await runScaler({
    config,
    refs,
    ecs,
    doc,
    registryTable: table,
    log,
    // a bad Kafka setting counts as "Kafka unreadable" (logged, LagReadFailures=1), not a crash
    createKafkaAdmin: async () => {
      const { Admin } = loadKafka();
      return new Admin(await kafkaClientOptions(kafkaSettingsFromEnv(process.env), `${config.pipelineName}-lag-scaler`));
    },
  }, { polls, intervalMs: intervalSeconds * 1000 });
  const last = results[results.length - 1];
  return {
    polls: results.length,
    lagReadFailures: results.reduce((sum, r) => sum + r.lagReadFailures, 0),
    engines: last?.engines.map((e) => ({ engine: e.engine, lag: e.lag, desired: e.desired, action: e.action })) ?? [],
  };
}
