import { listen } from '../shared/serve';
import { createHubSpotEmulator, type EmulatorInfo, type HubSpotEmulator, type HubSpotEmulatorOptions } from './emulator';

export interface StartedHubSpotEmulator {
  info: EmulatorInfo;
  emulator: HubSpotEmulator;
  close(): Promise<void>;
}

/** Runs the emulator as an HTTP server on 127.0.0.1 (`port` 0 = any free port). */
export async function startHubSpotEmulator(options: HubSpotEmulatorOptions & { port?: number } = {}): Promise<StartedHubSpotEmulator> {
  const { port = 0, ...rest } = options;
  const emulator = createHubSpotEmulator(rest);
  const server = await listen(emulator.app as never, port);
  return { info: emulator.info(server.url), emulator, close: () => server.close() };
}
