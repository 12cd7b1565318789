// Entry point of the lag-scaler Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
// Invoked once a minute by EventBridge; polls every pollIntervalSeconds for about 50 s.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ENV_REGISTRY_TABLE } from './runtime/environment';
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from './runtime/kafka-connection';
import { runScaler } from './runtime/lag-scaler';
import { loadEngineRefs, loadPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';

/** Polling stops this long after the invocation starts (the function timeout is longer). */
const POLL_WINDOW_SECONDS = 50;

interface Setup {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly table: string;
  readonly ecs: ECSClient;
  readonly ddb: DynamoDBClient;
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
    const http = () => new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 8_000 });
    setup = {
      config,
      refs,
      table,
      ecs: new ECSClient({ requestHandler: http(), maxAttempts: 3 }),
      ddb: new DynamoDBClient({ requestHandler: http(), maxAttempts: 3 }),
    };
  }
  return setup;
}

export async function handler(): Promise<unknown> {
  const { config, refs, table, ecs, ddb } = coldStart();
  const intervalSeconds = Math.max(1, config.pollIntervalSeconds || 10);
  const polls = Math.max(1, Math.floor(POLL_WINDOW_SECONDS / intervalSeconds));
  const results = await runScaler({
    config,
    refs,
    ecs,
    ddb,
    registryTable: table,
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
