import { DEFAULT_CONFIG_PATH, ENV_CONFIG } from './environment';
import { StatusPageConfig } from './model';
import { loadHandlerConfig } from '../../shared/runtime/handler-config';

/**
 * The StatusPageConfig both handlers read once per cold start: the file the construct ships in
 * its layer (STATUS_CONFIG_PATH, default /opt/status-page/config.json), through the library's
 * one config loader. Throws naming the source when it is missing or not a status page config.
 */
export function loadStatusPageConfig(env: NodeJS.ProcessEnv): StatusPageConfig {
  const config = loadHandlerConfig<StatusPageConfig>(env, {
    variable: ENV_CONFIG, defaultPath: DEFAULT_CONFIG_PATH, what: 'the status page config',
  });
  if (!config || typeof config.title !== 'string' || !Array.isArray(config.checks) || !(config.intervalSeconds > 0)) {
    throw new Error('the status page config has no title, checks list or intervalSeconds');
  }
  return config;
}
