import { listen } from '../shared/serve';
import { createQuickBooksEmulator, type EmulatorInfo, type QuickBooksEmulator, type QuickBooksEmulatorOptions } from './emulator';

export interface StartedQuickBooksEmulator {
  info: EmulatorInfo;
  emulator: QuickBooksEmulator;
  close(): Promise<void>;
}

/** Serves the emulator on 127.0.0.1 (`port` 0 = any free port). */
export async function startQuickBooksEmulator(options: QuickBooksEmulatorOptions & { port?: number } = {}): Promise<StartedQuickBooksEmulator> {
  const { port = 0, ...rest } = options;
  const emulator = createQuickBooksEmulator(rest);
  const server = await listen(emulator.app, port);
  return {
    info: emulator.info(server.url),
    emulator,
    close: async () => {
      emulator.releaseHeldResponses();
      emulator.setWebhookTarget(undefined);
      await server.close();
    },
  };
}
