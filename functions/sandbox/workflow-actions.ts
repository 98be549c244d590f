import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubSpotEmulator } from '../../emulators/hubspot/emulator';

const WORKFLOW_ACTIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/app/workflow-actions');

/**
 * What `hs project upload` does with the project's workflow-action components: the portal's workflows can use them,
 * and their `${BACKEND_URL}` is the backend's own URL (a profile's variable, here the running backend's).
 */
export async function registerProjectWorkflowActions(hubspot: HubSpotEmulator, backendUrl: string): Promise<string[]> {
  const uids: string[] = [];
  for (const file of (await readdir(WORKFLOW_ACTIONS_DIR)).filter((f) => f.endsWith('-hsmeta.json')).sort()) {
    const definition = hubspot.registerWorkflowAction(JSON.parse(await readFile(path.join(WORKFLOW_ACTIONS_DIR, file), 'utf8')), { BACKEND_URL: backendUrl });
    uids.push(definition.uid);
  }
  return uids;
}
