// Entry point of the coordinator Lambda (bundled by esbuild into assets/). Logic lives in
// runtime/coordinator.ts. Invoked by the control topic's event source mapping (MSK or
// self-managed Kafka), by the EventBridge rule for the pipeline's stopped tasks and by the
// every-minute reconcile rule.
// The AWS SDK is bundled into the asset by esbuild: devDependencies on purpose.
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { CoordinatorSummary, handleCoordinatorEvent } from './runtime/coordinator';
import { kafkaCoordinatorOutput } from './runtime/coordinator-kafka-output';
import { CoordinatorOutput } from './runtime/coordinator-output';
import { EcsApi } from './runtime/engine-launcher';
import { ENV_ENGINE_REFS, ENV_REGISTRY_TABLE } from './runtime/environment';
import { kafkaSettingsFromEnv } from './runtime/kafka-connection';
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
  readonly ecs: EcsApi;
  readonly output: CoordinatorOutput;
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

  // Clients are created on first use. ECS: one SDK attempt per call; the scheduler tries a
  // launch again on its next pass, after a back-off, with the same or a fresh client token.
  let ecsClient: ECSClient | undefined;
  const client = () => (ecsClient ??= new ECSClient(awsClientConfig({ maxAttempts: 1 })));
  const ecs: EcsApi = {
    runTask: (input) => client().send(new RunTaskCommand(input)),
    listTasks: (input) => client().send(new ListTasksCommand(input)),
    describeTasks: (input) => client().send(new DescribeTasksCommand(input)),
    stopTask: (input) => client().send(new StopTaskCommand(input)),
  };
  const output = kafkaCoordinatorOutput(kafkaSettingsFromEnv(process.env), config.topics, `${config.pipelineName}-coordinator`);
  cold = { config, refs, tableName, doc: createDocumentClient(), ecs, output };
  return cold;
}

export async function handler(event: unknown, context?: { awsRequestId?: string }): Promise<CoordinatorSummary> {
  const { config, refs, tableName, doc, ecs, output } = init();
  return handleCoordinatorEvent(event, {
    config,
    refs,
    tableName,
    doc,
    ecs,
    output,
    log,
    invocationId: context?.awsRequestId ?? `local-${process.pid}-${Date.now()}`,
  });
}
