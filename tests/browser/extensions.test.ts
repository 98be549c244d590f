import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { listen, type RunningServer } from '../../functions/http/listen';
import { silentLogger } from '../../functions/log';
import { createPreview, type Preview } from '../../functions/sandbox/preview/preview';
import type { Connection } from '../../functions/store/connections';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { describeInChromium, launchChromium, openPage, screenshot } from '../helpers/browser';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

/**
 * The app's own settings page and deal card (the real `src/`), in a real Chromium through the sandbox preview, against
 * the real backend and both emulators: what an admin and a sales rep see. Each test leaves a screenshot in
 * .artifacts/screenshots.
 */
const SRC = path.resolve(import.meta.dirname, '../../src');

describeInChromium('the settings page and the deal card in Chromium', () => {
  let h: Harness;
  let preview: Preview;
  let server: RunningServer;
  let browser: Browser;
  let connection: Connection;
  let dealId: string;
  let adminId: number;
  let repId: number;

  beforeAll(async () => {
    h = await startHarness();
    adminId = h.hubspot.emulator.config.userId;
    const seeded = h.hubspot.emulator.seed({
      users: [{ email: 'sam.seller@example.com', firstName: 'Sam', lastName: 'Seller', role: 'Sales rep' }],
      contacts: [{ email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' }],
      products: [{ name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' }],
      deals: [{ properties: { dealname: 'Engine retrofit', amount: '1300' }, lineItems: [{ productIndex: 0, properties: { quantity: '2' } }], contactIndexes: [0] }],
    });
    repId = Number(seeded.users[0]);
    dealId = seeded.deals[0]!.id;
    const customer = h.qbo.emulator.seed({
      entities: {
        Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }],
        Item: [{ Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } }],
      },
    }).Customer![0]!.Id as string;
    const accountant = h.qboUser();
    const line = (amount: number) => [{ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } }];
    const dealField = [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }];
    const overdue = await accountant.create('Invoice', { CustomerRef: { value: customer }, DocNumber: '1001', TxnDate: '2025-12-01', DueDate: '2025-12-31', Line: line(1000), CustomField: dealField }, { requestId: 'b-1' });
    await accountant.create('Invoice', { CustomerRef: { value: customer }, DocNumber: '1002', TxnDate: '2026-01-10', DueDate: '2026-02-09', Line: line(300), CustomField: dealField }, { requestId: 'b-2' });
    await accountant.create(
      'Payment',
      { CustomerRef: { value: customer }, TotalAmt: 400, PaymentRefNum: 'CHK-7', PaymentMethodRef: { value: '2' }, TxnDate: '2026-01-12', Line: [{ Amount: 400, LinkedTxn: [{ TxnId: overdue.Id, TxnType: 'Invoice' }] }] },
      { requestId: 'b-3' },
    );
    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    await h.runtime.sync.setEnabled(connection.id, 'contacts', true);
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
    await h.runtime.store.syncLog.record({
      connectionId: connection.id,
      object: 'contacts',
      direction: 'to_qbo',
      hubspotId: seeded.contacts[0]!,
      action: 'update',
      outcome: 'failed',
      errorCode: 'qbo_validation',
      message: 'QuickBooks refused the phone number: it is longer than 21 characters.',
      at: new Date(h.clock.now().getTime() + 1),
    });

    preview = createPreview({ srcDir: SRC, backendUrl: PUBLIC_URL, hubspot: { emulator: h.hubspot.emulator, url: h.hubspot.info.url }, log: silentLogger, timezone: 'America/Los_Angeles' });
    server = await listen(preview.app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await preview?.stop();
    await h?.stop();
  });

  const open = (pathAndQuery: string) => openPage(browser, `${server.url}${pathAndQuery}`, 1000);
  const text = (page: Page, value: string) => page.getByText(value, { exact: false }).first();

  test('an admin sees the connection, the three syncs and the sync health, and edits a mapping', async () => {
    const { page, errors } = await open(`/preview/settings?as=${adminId}`);
    await text(page, 'Emulated Company US').waitFor();
    await page.getByText('Connected', { exact: true }).first().waitFor();
    for (const label of ['Contacts ⇄ Customers', 'Products ⇄ Products and Services', 'Invoices QuickBooks → HubSpot']) await text(page, label).waitFor();
    await text(page, 'QuickBooks refused the phone number').waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).first().waitFor();
    await screenshot(page, 'settings-admin');

    await page.getByRole('button', { name: 'Edit sync settings' }).first().click();
    await text(page, 'HubSpot property').waitFor();
    await text(page, 'Create QuickBooks customers for HubSpot contacts that have none').waitFor();
    await screenshot(page, 'settings-admin-mapping-editor');
    expect(errors).toEqual([]);
  });

  test('a sales rep sees the same page, read-only', async () => {
    const { page, errors } = await open(`/preview/settings?as=${repId}`);
    await text(page, 'You can look, not change').waitFor();
    await text(page, 'Emulated Company US').waitFor();
    expect(await page.getByRole('button', { name: 'Edit sync settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Disconnect' }).count()).toBe(0);
    await screenshot(page, 'settings-sales-rep');
    expect(errors).toEqual([]);
  });

  test("a sales rep sees the deal's invoices, payments and totals on the deal card", async () => {
    const { page, errors } = await open(`/preview/records/0-3/${dealId}?as=${repId}`);
    await page.getByRole('link', { name: '1001' }).waitFor();
    await text(page, '15 days overdue').waitFor();
    await text(page, 'Partially paid').waitFor();
    await text(page, '$1,300.00').waitFor();
    await text(page, 'Check #CHK-7').waitFor();
    await page.getByRole('button', { name: 'Create invoice' }).waitFor();
    await screenshot(page, 'deal-card');
    expect(errors).toEqual([]);
  });
});
