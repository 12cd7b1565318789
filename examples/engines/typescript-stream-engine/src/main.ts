/**
 * Entry point (`node dist/main.js`). Exit codes, as the Coordinator reads them:
 *   0   the stream is finished (end-of-stream handled);
 *   65  the stream can never be processed (the model threw StreamRejected): marked failed, no relaunch;
 *   143 SIGTERM before the end (130 for SIGINT): launched again, resuming from the committed offset;
 *   1   anything else (bad configuration, Kafka unreachable, createModel failing): launched again.
 */
import { streamEngineConfigFromEnv } from './config.js';
import { runStreamEngine } from './engine.js';
import { createLog, describeError } from './log.js';

const EXIT_FINISHED = 0;
const EXIT_CRASHED = 1;
const EXIT_REJECTED = 65;
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

async function main(): Promise<number> {
  const log = createLog(process.env.ENGINE_NAME ?? 'stream-engine');
  const stop = new AbortController();
  let signal: keyof typeof SIGNAL_NUMBERS | undefined;
  for (const name of Object.keys(SIGNAL_NUMBERS) as Array<keyof typeof SIGNAL_NUMBERS>) {
    process.once(name, () => {
      log.info(`${name}: finishing the record at hand, then producing and committing`);
      signal = name;
      stop.abort();
    });
  }
  try {
    const outcome = await runStreamEngine(streamEngineConfigFromEnv(), log, stop.signal);
    if (outcome === 'finished') {
      return EXIT_FINISHED;
    }
    return outcome === 'rejected' ? EXIT_REJECTED : 128 + SIGNAL_NUMBERS[signal ?? 'SIGTERM'];
  } catch (error) {
    log.error('stream engine failed', { error: describeError(error, true) });
    return EXIT_CRASHED;
  }
}

process.exit(await main());
