// Entry point of the coordinator Lambda (bundled by esbuild into assets/). Logic lives in
// runtime/coordinator.ts. Invoked by the control topic's event source mapping (MSK or
// self-managed Kafka) and by the EventBridge rule for the pipeline's stopped tasks.
// The AWS SDK is bundled into the asset by esbuild: devDependencies on purpose.
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CoordinatorSummary, handleCoordinatorEvent } from './runtime/coordinator';
import { EcsRunTask } from './runtime/engine-launcher';
import { ENV_ENGINE_REFS, ENV_REGISTRY_TABLE } from './runtime/environment';
import { loadEngineRefs, loadPipelineConfig } from './runtime/load-pipeline-config';
import { EngineRefs, PipelineConfig } from './runtime/pipeline-config';
import { awsClientConfig } from '../shared/runtime/aws-client-config';
import { createDocumentClient } from '../shared/runtime/aws-clients';
import { DocumentSender } from '../shared/runtime/dynamo-batch';
import { createLogger } from '../shared/runtime/logger';

const log = createLogger('stream-engine-pipeline-coordinator');

interface ColdStart {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  readonly tableName: string;
  readonly doc: DocumentSender;
  readonly ecs: EcsRunTask;
}

let cold: ColdStart | undefined;

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
      ecsClient ??= new ECSClient(awsClientConfig({ maxAttempts: 1 }));
      return ecsClient.send(new RunTaskCommand(input));
    },
  };
  cold = { config, refs, tableName, doc: createDocumentClient(), ecs };
  return cold;
}

export async function handler(event: unknown): Promise<CoordinatorSummary> {
  const { config, refs, tableName, doc, ecs } = init();
  return handleCoordinatorEvent(event, { config, refs, tableName, doc, ecs, log });
}
