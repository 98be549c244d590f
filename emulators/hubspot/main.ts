import { portFromArgv } from '../shared/serve';
import { DEMO_SEED } from './seed';
import { startHubSpotEmulator } from './start';

/**
 * `npm run emulator:hubspot -- --port <p> [--seed demo]`: prints one JSON line
 * `{"url","portalId","appId","clientId","clientSecret","accessToken","refreshToken"}` once listening; logs go to stderr.
 */
const argv = process.argv.slice(2);
const started = await startHubSpotEmulator({ port: portFromArgv(argv) });
if (argv.includes('--seed')) {
  const which = argv[argv.indexOf('--seed') + 1];
  if (which !== 'demo') throw new Error(`--seed supports only "demo", got ${which ?? 'nothing'}`);
  started.emulator.seed(DEMO_SEED);
}
process.stdout.write(`${JSON.stringify(started.info)}\n`);
process.stderr.write(`hubspot emulator listening on ${started.info.url}\n`);

const stop = (signal: string) => {
  process.stderr.write(`hubspot emulator: ${signal}, shutting down\n`);
  started.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`hubspot emulator: close failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
