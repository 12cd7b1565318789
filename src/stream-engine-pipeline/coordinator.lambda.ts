// Entry point of the coordinator Lambda (bundled by esbuild into assets/). Logic lives in
// runtime/coordinator.ts. Invoked by the control topic's event source mapping (MSK or
// self-managed Kafka) and by the EventBridge rule for the pipeline's stopped tasks.
// The AWS SDK is bundled into the asset by esbuild: devDependencies on purpose.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CoordinatorSummary, handleCoordinatorEvent } from './runtime/coordinator';
import { EcsRunTask } from './runtime/engine-launcher';
import { ENV_ENGINE_REFS, ENV_REGISTRY_TABLE } from './runtime/environment';
import { loadEngineRefs, loadPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';

interface ColdStart {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly tableName: string;
  readonly ddb: DynamoDBClient;
  readonly ecs: EcsRunTask;
}

let cold: ColdStart | undefined;

/** Every AWS call has a connection and a request timeout. */
function httpHandler(): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 });
}

function init(): ColdStart {
  if (cold) return cold;
  const tableName = process.env[ENV_REGISTRY_TABLE];
  if (!tableName) throw new Error(`${ENV_REGISTRY_TABLE} is not set`);
  const config = loadPipelineConfig(process.env);
  if (!Array.isArray(config.streamEngines) || typeof config.maxConcurrentStreams !== 'number') {
    throw new Error('the pipeline config has no streamEngines list or maxConcurrentStreams');
  }
  const refs = loadEngineRefs(process.env);
  if (!refs?.cluster || !refs.taskDefinitions) throw new Error(`${ENV_ENGINE_REFS} has no cluster or taskDefinitions`);

  // Clients are created on first use. ECS: one SDK attempt per call; the coordinator's own
  // bounded back-off (runtime/engine-launcher.ts) decides about retries.
  let ecsClient: ECSClient | undefined;
  const ecs: EcsRunTask = {
    runTask: (input) => {
      ecsClient ??= new ECSClient({ requestHandler: httpHandler(), maxAttempts: 1 });
      return ecsClient.send(new RunTaskCommand(input));
    },
  };
  const ddb = new DynamoDBClient({ requestHandler: httpHandler(), maxAttempts: 3 });
  cold = { config, refs, tableName, ddb, ecs };
  return cold;
}

export async function handler(event: unknown): Promise<CoordinatorSummary> {
  const { config, refs, tableName, ddb, ecs } = init();
  return handleCoordinatorEvent(event, { config, refs, tableName, ddb, ecs });
}
