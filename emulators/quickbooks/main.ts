/**
 * `npm run emulator:quickbooks -- --port <p> [--seed us|non-us] [--multicurrency]`: prints one JSON line (the connection info) on stdout once
 * ready; logs go to stderr; SIGINT/SIGTERM close it cleanly.
 */
import { portFromArgv } from '../shared/serve';
import { startQuickBooksEmulator } from './start';

const seedArg = process.argv.indexOf('--seed');
const seed = seedArg === -1 ? 'us' : process.argv[seedArg + 1];
if (seed !== 'us' && seed !== 'non-us') {
  process.stderr.write(`--seed must be us or non-us, got ${String(seed)}\n`);
  process.exit(2);
}

const started = await startQuickBooksEmulator({ port: portFromArgv(process.argv), seed, multicurrency: process.argv.includes('--multicurrency') });
process.stdout.write(`${JSON.stringify(started.info)}\n`);
process.stderr.write(`QuickBooks Online emulator listening on ${started.info.url} (realm ${started.info.realmId})\n`);

const stop = (signal: string) => {
  process.stderr.write(`${signal}: closing the QuickBooks Online emulator\n`);
  started.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
