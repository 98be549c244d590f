import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { listen, type RunningServer } from '../../functions/http/listen';
import { readSignedAppRequest } from '../../functions/hubspot/signed-request';
import { silentLogger } from '../../functions/log';
import { SANDBOX_PORTAL } from '../../functions/sandbox/seed';
import { createPreview, type Preview } from '../../functions/sandbox/preview/preview';
import type { Persona } from '../../functions/sandbox/preview/personas';
import type { Connection } from '../../functions/store/connections';
import { describeInChromium, launchChromium, openPage, screenshot } from '../helpers/browser';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

/**
 * The sandbox preview in a real Chromium, with the fixture extensions of tests/fixtures/preview-project: the host
 * draws what they render, their hubspot.fetch calls reach the real backend signed as HubSpot signs them (the
 * backend checks the signature and reads the portal and user from it), and a person can act as an admin or as a
 * sales rep. Each test leaves a screenshot in .artifacts/screenshots.
 */
const FIXTURE_SRC = path.resolve(import.meta.dirname, '../fixtures/preview-project/src');

describeInChromium('sandbox preview in Chromium', () => {
  let h: Harness;
  let preview: Preview;
  let server: RunningServer;
  let browser: Browser;
  let connection: Connection;
  let deals: string[];
  const delivered: Request[] = [];
  const admin: Persona = { id: 0, email: 'admin@example.com', firstName: 'Ada', lastName: 'Admin', superAdmin: true, roleIds: [] };
  const rep: Persona = { id: 7001, email: 'sam.rep@example.com', firstName: 'Sam', lastName: 'Rep', superAdmin: false, roleIds: ['sales'] };

  beforeAll(async () => {
    h = await startHarness({ onDelivery: (request) => delivered.push(request) });
    admin.id = h.hubspot.emulator.config.userId;
    // The backend asks HubSpot whether each user belongs to the portal: the rep is one of its users.
    rep.id = Number(h.hubspot.emulator.addUser({ email: rep.email, firstName: rep.firstName, lastName: rep.lastName, role: 'Sales rep' }).id);
    deals = h.hubspot.emulator.seed(SANDBOX_PORTAL).deals.map((d) => d.id);
    connection = await h.connect();
    preview = createPreview({
      srcDir: FIXTURE_SRC,
      backendUrl: PUBLIC_URL,
      hubspot: { emulator: h.hubspot.emulator, url: h.hubspot.info.url },
      log: silentLogger,
      personas: async () => [admin, rep],
    });
    server = await listen(preview.app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await preview?.stop();
    await h?.stop();
  });

  /** A page that fails the test on any error the host or an extension throws. */
  const open = (pathAndQuery: string) => openPage(browser, `${server.url}${pathAndQuery}`);
  const syncRow = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });

  test('the index links to the settings page and to the card of every demo deal', async () => {
    const { page, errors } = await open(`/preview/?as=${admin.id}`);
    await page.getByRole('heading', { name: 'Preview fixture app' }).waitFor();
    expect(await page.getByRole('link', { name: 'Open the settings page' }).getAttribute('href')).toBe(`/preview/settings?as=${admin.id}`);
    for (const [i, deal] of SANDBOX_PORTAL.deals!.entries()) {
      const link = page.getByRole('link', { name: deal.properties.dealname!, exact: true });
      expect(await link.getAttribute('href')).toBe(`/preview/records/0-3/${deals[i]}?as=${admin.id}`);
    }
    await screenshot(page, 'preview-index');
    expect(errors).toEqual([]);
  });

  test('settings: the syncs table shows statuses, and a toggle round-trips through the signed backend call', async () => {
    const { page, errors } = await open(`/preview/settings?as=${admin.id}`);
    const contacts = syncRow(page, 'Contacts');
    await contacts.getByText('Off', { exact: true }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Signed in as Ada Admin (may manage apps)' }).count()).toBe(1);

    await contacts.getByRole('switch', { name: 'Contacts sync' }).click();
    await page.getByTestId('page-alert').filter({ hasText: 'Contacts sync is now on.' }).waitFor();
    await contacts.getByText('On', { exact: true }).waitFor();
    expect(await contacts.getByRole('switch').getAttribute('aria-checked')).toBe('true');
    expect((await h.runtime.sync.settings(connection.id, 'contacts')).enabled).toBe(true);
    await screenshot(page, 'preview-settings-toggled-on');

    await page.reload();
    await syncRow(page, 'Contacts').getByText('On', { exact: true }).waitFor();
    await syncRow(page, 'Contacts').getByRole('switch').click();
    await page.getByTestId('page-alert').filter({ hasText: 'Contacts sync is now off.' }).waitFor();
    await syncRow(page, 'Contacts').getByText('Off', { exact: true }).waitFor();
    expect((await h.runtime.sync.settings(connection.id, 'contacts')).enabled).toBe(false);
    expect(errors).toEqual([]);
  });

  test('settings: a panel and a modal open through the overlay prop, and closeOverlay closes the modal', async () => {
    const { page, errors } = await open(`/preview/settings?as=${admin.id}`);
    await page.getByRole('button', { name: 'Preview first sync' }).click();
    const panel = page.getByRole('dialog', { name: 'First sync preview' });
    await panel.getByText('Nothing is written until the sync is turned on.').waitFor();
    await screenshot(page, 'preview-settings-panel');
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Delete sync' }).click();
    const modal = page.getByRole('dialog', { name: 'Delete the contacts sync?' });
    await modal.getByText('records on both sides stay as they are', { exact: false }).waitFor();
    await screenshot(page, 'preview-settings-modal');
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });

    // An experimental component the host does not draw is named, not dropped.
    await page.getByText('Unknown component: ExpandableText').waitFor();
    expect(errors).toEqual([]);
  });

  test("a deal's card: CRM properties, a paged table of statuses, an alert, and a placeholder for CrmReport", async () => {
    const { page, errors } = await open(`/preview/records/0-3/${deals[0]}?as=${admin.id}`);
    await page.getByRole('heading', { name: 'Deal: Engine retrofit' }).waitFor();
    const table = page.locator('.hs-table-wrap').first();
    expect(await table.getByRole('row').count()).toBe(3);
    await table.getByRole('cell', { name: 'contacts' }).waitFor();
    await table.getByText('Paused').first().waitFor();
    await table.getByRole('button', { name: '2', exact: true }).click();
    await table.getByRole('cell', { name: 'invoices' }).waitFor();
    expect(await table.getByRole('cell', { name: 'contacts' }).count()).toBe(0);

    // CrmPropertyList is drawn by the host from the HubSpot emulator, with HubSpot's property labels.
    const properties = page.locator('dl').filter({ hasText: 'Deal Name' });
    await properties.getByText('Engine retrofit').waitFor();
    await page.getByText('CrmReport is not drawn in the local preview').waitFor();

    await page.getByRole('button', { name: 'Say hello' }).click();
    await page
      .getByTestId('page-alert')
      .filter({ hasText: `Hello from deal ${deals[0]}` })
      .waitFor();
    await screenshot(page, 'preview-deal-card');
    expect(errors).toEqual([]);
  });

  test("a sales rep's signed requests carry that user, and the backend verifies them", async () => {
    const before = delivered.length;
    const { page, errors } = await open(`/preview/settings?as=${rep.id}`);
    await page.getByRole('alert').filter({ hasText: 'Signed in as Sam Rep (may not manage apps)' }).waitFor();
    await syncRow(page, 'Contacts').getByText('Off', { exact: true }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Acting as' }).inputValue()).toBe(String(rep.id));
    await screenshot(page, 'preview-settings-sales-rep');

    const request = delivered.slice(before).find((r) => new URL(r.url).pathname === '/api/settings');
    expect(request).toBeDefined();
    const url = new URL(request!.url);
    expect(url.origin).toBe(PUBLIC_URL);
    expect(url.searchParams.get('userId')).toBe(String(rep.id));
    const signed = readSignedAppRequest(
      { method: request!.method, url: request!.url, rawBody: '', headers: request!.headers },
      h.providers.hubspot.clientSecret,
      h.clock.now(),
    );
    expect(signed).toEqual({ portalId: h.hubspot.info.portalId, userId: rep.id, appId: h.hubspot.info.appId });
    expect(errors).toEqual([]);
  });
});
