/**
 * Entry point (`node dist/main.js`). Exit codes:
 *   0  stopped by SIGTERM (what ECS sends when the lag scaler scales in) or SIGINT, after finishing
 *      the chunk at hand, committing it and leaving the group;
 *   1  anything else (bad configuration, Kafka unreachable): ECS starts a new task.
 */
import { objectEngineConfigFromEnv } from './config.js';
import { runObjectEngine } from './engine.js';
import { createLog, describeError } from './log.js';

async function main(): Promise<number> {
  const log = createLog(process.env.ENGINE_NAME ?? 'object-engine');
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      log.info(`${signal}: finishing the chunk at hand, then committing and leaving the group`);
      stop.abort();
    });
  }
  try {
    await runObjectEngine(objectEngineConfigFromEnv(), log, stop.signal);
    return 0;
  } catch (error) {
    log.error('object engine failed', { error: describeError(error, true) });
    return 1;
  }
}

process.exit(await main());
