import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_PIPELINE_CONFIG_PATH, ENV_ENGINE_REFS, ENV_PIPELINE_CONFIG, ENV_PIPELINE_CONFIG_PATH } from './environment';
import { EngineRefs, PipelineConfig } from './pipeline-config';

/** base64(gzip(JSON)): how the construct packs the config into one environment variable. */
export function packPipelineConfig(config: PipelineConfig): string {
  return gzipSync(Buffer.from(JSON.stringify(config)), { level: 9 }).toString('base64');
}

/** Reads the PipelineConfig from PIPELINE_CONFIG, or else from the file at PIPELINE_CONFIG_PATH. */
export function loadPipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  const packed = env[ENV_PIPELINE_CONFIG];
  try {
    const json = packed
      ? gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')
      : readFileSync(env[ENV_PIPELINE_CONFIG_PATH] || DEFAULT_PIPELINE_CONFIG_PATH, 'utf8');
    return JSON.parse(json) as PipelineConfig;
  } catch (error) {
    const from = packed ? ENV_PIPELINE_CONFIG : (env[ENV_PIPELINE_CONFIG_PATH] || DEFAULT_PIPELINE_CONFIG_PATH);
    throw new Error(`cannot read the pipeline config from ${from}: ${(error as Error).message}`);
  }
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
