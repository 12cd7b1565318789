import { ENV_ENGINE_REFS, ENV_PIPELINE_CONFIG } from './environment';
import { EngineRefs, PipelineConfig } from './pipeline-config';
import { loadHandlerConfig } from '../../shared/runtime/handler-config';

/**
 * Reads the PipelineConfig through the library's one config loader: packed in PIPELINE_CONFIG
 * (as the construct sets it), or else the file at PIPELINE_CONFIG_PATH (local runs, tests).
 */
export function loadPipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  return loadHandlerConfig<PipelineConfig>(env, {
    variable: ENV_PIPELINE_CONFIG, what: 'the pipeline config',
  });
}

/** Reads the deploy-time EngineRefs from PIPELINE_ENGINE_REFS. */
export function loadEngineRefs(env: NodeJS.ProcessEnv): EngineRefs {
  const raw = env[ENV_ENGINE_REFS];
  if (!raw) throw new Error(`${ENV_ENGINE_REFS} is not set`);
  try {
    return JSON.parse(raw) as EngineRefs;
  } catch (error) {
    throw new Error(`${ENV_ENGINE_REFS} is not valid JSON: ${(error as Error).message}`);
  }
}
