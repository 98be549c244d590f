import { startBackend } from './backend';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './log';
import { startSandbox } from './sandbox/start-sandbox';

/** `npm start`: boots the backend (with the emulators in sandbox mode), says where it is, and stops cleanly on Ctrl-C or SIGTERM. */
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
  const log = createLogger(config.logLevel, { pretty: config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true) });
  const print = (line: string) => process.stdout.write(`${line}\n`);

  let stop: () => Promise<void>;
  if (config.mode === 'sandbox') {
    print('Sandbox mode: no HubSpot or QuickBooks credentials are configured, so both run as local emulators.');
    const sandbox = await startSandbox(config, log, print);
    stop = sandbox.stop;
    print(`Listening on ${sandbox.backend.url} (sandbox mode). Press Ctrl-C to stop.`);
    print(`Open ${sandbox.previewUrl} to see the settings page and the deal cards`);
    print(`SANDBOX ${JSON.stringify(sandbox.line)}`);
  } else {
    const backend = await startBackend(config, log);
    stop = backend.stop;
    const serving = {
      both: 'web and worker',
      web: 'web: HTTP only, sync work queued for the workers',
      worker: 'worker: runs the sync work, health checks only',
    }[config.role];
    print(`Listening on ${backend.url} (live mode, ${serving}). Press Ctrl-C to stop.`);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: stopping the queue, closing the database');
    stop().then(
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
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
