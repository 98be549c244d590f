import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubSpotEmulator } from '../../emulators/hubspot/emulator';

const APP_EVENTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/app/app-events');

/** What `hs project upload` does with the project's app-event components: the portal learns the event types. */
export async function registerProjectAppEvents(hubspot: HubSpotEmulator): Promise<void> {
  for (const file of (await readdir(APP_EVENTS_DIR)).filter((f) => f.endsWith('-hsmeta.json')).sort()) {
    hubspot.registerAppEventType(JSON.parse(await readFile(path.join(APP_EVENTS_DIR, file), 'utf8')));
  }
}
