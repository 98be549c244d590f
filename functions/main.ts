import { startBackend } from './backend';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './log';

/** `npm start`: boots the backend, prints where it listens, and stops cleanly on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const backend = await startBackend(config, log);
  log.info({ url: backend.url, mode: config.mode }, 'QuickBooks Online for HubSpot is running');
  process.stdout.write(`Listening on ${backend.url} (${config.mode} mode). Press Ctrl-C to stop.\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: stopping the queue, closing the database');
    backend.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
