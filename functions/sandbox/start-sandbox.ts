import path from 'node:path';
import { startHubSpotEmulator } from '../../emulators/hubspot/start';
import { startQuickBooksEmulator } from '../../emulators/quickbooks/start';
import { startBackend, type Backend } from '../backend';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Connection } from '../store/connections';
import { ensureAppProperties } from '../sync/app-properties';
import type { InvoiceCounts } from '../sync/invoices/run';
import type { InvoiceSettings } from '../sync/invoices/settings';
import { TWO_WAY_SPECS, type TwoWayObject } from '../sync/registry';
import type { SyncCounts } from '../sync/two-way/run';
import { registerProjectAppEvents } from './app-events';
import { PREVIEW_PREFIX } from './preview/boot';
import type { Preview } from './preview/preview';
import { emulatorProviderSettings } from './provider-settings';
import { seedSandbox } from './seed';
import { registerProjectWorkflowActions } from './workflow-actions';

export interface Sandbox {
  backend: Backend;
  line: Record<string, unknown>;
  /** Where a person sees the app's settings page and cards (the preview index). */
  previewUrl: string;
  stop(): Promise<void>;
}

/** The HubSpot project the preview draws: the same `src/` that `hs project upload` sends. */
const PROJECT_SRC = path.resolve(import.meta.dirname, '../../src');

type Print = (line: string) => void;

/**
 * Sandbox mode (`npm start` with no credentials): both emulators in-process, seeded with an overlapping demo
 * portal and company, connected as if an admin had installed the app, first sync run with visible progress,
 * then the product keeps syncing through webhooks and reconciliation like in production.
 *
 * The emulators keep their data in memory, so every start is a fresh demo world; the sandbox connection's
 * links and checkpoints from an earlier run are forgotten before the first sync runs again.
 */
export async function startSandbox(config: Config, log: Logger, print: Print): Promise<Sandbox> {
  const hubspot = await startHubSpotEmulator({ port: 0 });
  const qbo = await startQuickBooksEmulator({ port: 0 });
  // Loaded here only: the preview's bundler and browser code are development tools that live mode never needs.
  const { createPreview } = await import('./preview/preview');
  let preview: Preview | undefined;
  const backend = await startBackend(config, log, {
    providers: (publicUrl) => emulatorProviderSettings(publicUrl, hubspot.info, qbo.info),
    extraRoutes: (publicUrl) => {
      preview = createPreview({ srcDir: PROJECT_SRC, backendUrl: publicUrl, hubspot: { emulator: hubspot.emulator, url: hubspot.info.url }, log });
      return { prefix: PREVIEW_PREFIX, app: preview.app };
    },
  });
  const stop = async () => {
    await backend.stop();
    await preview?.stop();
    await hubspot.close();
    await qbo.close();
  };
  try {
    hubspot.emulator.setWebhookTarget({ url: `${backend.publicUrl}/webhooks/hubspot` });
    qbo.emulator.setWebhookTarget({ url: `${backend.publicUrl}/webhooks/quickbooks`, format: 'cloudevents' });
    await registerProjectAppEvents(hubspot.emulator);
    const [createInvoice] = await registerProjectWorkflowActions(hubspot.emulator, backend.publicUrl);
    const { demoDeal } = seedSandbox(hubspot.emulator, qbo.emulator);

    const connection = await connectSandbox(backend, hubspot.emulator.issueToken(), qbo.emulator.issueTokens(), hubspot.info.portalId, qbo.info.realmId);
    const { runtime } = backend;
    await ensureAppProperties(runtime.clients.hubspot(connection));
    const [income] = await runtime.clients.qbo(connection).query('Account', `AccountType = 'Income'`);

    for (const object of Object.keys(TWO_WAY_SPECS) as TwoWayObject[]) {
      await runtime.sync.deleteSync(connection.id, object);
      const { settings } = await runtime.sync.settings(connection.id, object);
      await runtime.sync.saveSettings(connection.id, object, { ...settings, ...(object === 'products' && income ? { incomeAccountId: income.Id } : {}) });
      await runtime.store.syncSettings.setEnabled(connection.id, object, true);
      let shown = -1;
      const counts = await runtime.sync.runFirstSync<SyncCounts>(connection.id, object, ({ phase, done, total }) => {
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        if (percent >= shown + 25 || done === total) {
          shown = percent;
          print(`First sync of ${object}: ${done}/${total} records (${phase})`);
        }
      });
      const matched = counts.linked - counts.createdInQbo - counts.createdInHubspot;
      print(
        `First sync of ${object} done: ${matched} matched, ${counts.createdInQbo} created in QuickBooks, ${counts.createdInHubspot} created in HubSpot, ${counts.updatedQbo + counts.updatedHubspot} updates, ${counts.failed} failed.`,
      );
    }
    await runtime.sync.deleteSync(connection.id, 'invoices');
    // Both directions in the demo: QuickBooks invoices come to HubSpot, and HubSpot invoices finalized there go to QuickBooks.
    await runtime.store.syncSettings.save(connection.id, 'invoices', true, {
      ...(await runtime.sync.settings<InvoiceSettings>(connection.id, 'invoices')).settings,
      direction: 'both',
    } satisfies InvoiceSettings);
    const invoices = await runtime.sync.runFirstSync<InvoiceCounts>(connection.id, 'invoices');
    print(
      `First sync of invoices done: ${invoices.created} invoices in HubSpot, ${invoices.dealsUpdated} deals updated, ${invoices.paymentEvents} payments on deal timelines, ${invoices.failed} failed.`,
    );
    // What a workflow does when it reaches the action: the HubSpot emulator executes the project's definition.
    const demo = { definition: createInvoice!, objectId: demoDeal.id, inputFields: { paymentTerms: 'Net 30', sendEmail: 'yes' } };
    print(`Try the "Create invoice" workflow action on the deal "${demoDeal.name}":`);
    print(`  curl -X POST ${hubspot.info.url}/__emulator/workflow-actions/invoke -H 'content-type: application/json' -d '${JSON.stringify(demo)}'`);
    const previewUrl = `${backend.url}${PREVIEW_PREFIX}/`;
    const line = { backendUrl: backend.url, previewUrl, hubspot: hubspot.info, quickbooks: qbo.info, createInvoiceDemo: demo };
    return { backend, line, previewUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function connectSandbox(
  backend: Backend,
  hs: { accessToken: string; refreshToken: string; expiresIn: number },
  q: { access_token: string; refresh_token: string; expires_in: number; x_refresh_token_expires_in: number },
  portalId: number,
  realmId: string,
): Promise<Connection> {
  const { store, clients } = backend.runtime;
  const now = Date.now();
  const connection = await store.connections.saveHubspotInstall(portalId, {
    accessToken: hs.accessToken,
    refreshToken: hs.refreshToken,
    expiresAt: new Date(now + hs.expiresIn * 1000),
  });
  const { CompanyName } = await clients.qboForGrant(realmId, q.access_token).companyInfo();
  await store.connections.saveQboConnection(
    connection.id,
    realmId,
    {
      accessToken: q.access_token,
      refreshToken: q.refresh_token,
      expiresAt: new Date(now + q.expires_in * 1000),
      refreshExpiresAt: new Date(now + q.x_refresh_token_expires_in * 1000),
    },
    CompanyName,
  );
  clients.hubspotTokens.forget(connection.id);
  clients.qboTokens.forget(connection.id);
  return (await store.connections.get(connection.id))!;
}
