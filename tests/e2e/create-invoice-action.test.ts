import { Client } from '@hubspot/api-client';
import { signatureHeaders } from '../../emulators/hubspot/signatures';
import type { ExecutionRecord } from '../../emulators/hubspot/workflow-actions';
import type { QboClient } from '../../functions/quickbooks/client';
import type { QboInvoice } from '../../functions/quickbooks/schemas';
import type { Connection } from '../../functions/store/connections';
import { CREATE_INVOICE_QUEUE } from '../../functions/deal-invoices/workflow-action';
import type { SyncHealth } from '../../functions/http/api/contract';
import { ensureAppProperties } from '../../functions/sync/app-properties';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/harness';

const ACTION_URL = `${PUBLIC_URL}/workflow-actions/create-invoice`;
const DEAL_PROPERTIES = [
  'qbo_invoice_number',
  'qbo_invoice_status',
  'qbo_invoice_amount_billed',
  'qbo_invoice_balance_due',
  'qbo_invoice_due_date',
  'qbo_invoice_link',
];

/**
 * The "Create invoice" workflow action end to end, in a US company: the HubSpot emulator executes the project's
 * definition (signed, with the deal properties it asks for) against the backend, which creates the invoice in the QBO
 * emulator through node-quickbooks; the invoice flow then brings it back to the deal. The clock starts 2026-01-15
 * 12:00 UTC (04:00 in the company's Los Angeles).
 */
describe('"Create invoice" workflow action', () => {
  let h: Harness;
  let connection: Connection;
  let hubspotApi: Client;
  let accountant: QboClient;
  const deals: Record<string, string> = {};
  const contacts: Record<string, string> = {};
  let adaCustomerId: string;

  const invoke = (deal: string, inputFields: Record<string, string> = {}, extra: { signatures?: 'v2' | 'v2+v3'; loseResponse?: boolean } = {}) =>
    h.hubspot.emulator.invokeWorkflowAction({ definition: 'create_invoice', objectId: deals[deal]!, inputFields, ...extra });
  const qboInvoices = () => accountant.query('Invoice');
  const qboInvoice = (id: string): Promise<QboInvoice> => accountant.get('Invoice', id);
  const execution = (callbackId: string): ExecutionRecord => h.hubspot.emulator.callbacks.find((e) => e.callbackId === callbackId)!;
  const syncLog = async (dealId: string) =>
    (await h.runtime.store.syncLog.recent(connection.id, { object: 'invoices', limit: 500 })).filter(
      (e) => e.hubspotId === dealId && e.action === 'create_from_deal',
    );
  /** The backend as HubSpot reaches it: a POST to the actionUrl with whatever headers a test chooses. */
  const post = (body: string, headers: Record<string, string>) =>
    h.runtime.app.request(ACTION_URL, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  /** Lets queued work run for a while of simulated time, without waiting out retries scheduled later (as drain would). */
  const runQueueFor = async (seconds: number) => {
    try {
      await h.drain(seconds);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('work still pending'))) throw err;
    }
  };
  const signed = (version: 'v2' | 'v3', body: string, at: number, secret = h.hubspot.info.clientSecret) => {
    const all = signatureHeaders('v2', secret, 'POST', ACTION_URL, body, at);
    return version === 'v2'
      ? { 'X-HubSpot-Signature': all['X-HubSpot-Signature']!, 'X-HubSpot-Signature-Version': 'v2' }
      : { 'X-HubSpot-Signature-v3': all['X-HubSpot-Signature-v3']!, 'X-HubSpot-Request-Timestamp': all['X-HubSpot-Request-Timestamp']! };
  };

  beforeAll(async () => {
    h = await startHarness();
    hubspotApi = new Client({ accessToken: h.hubspot.emulator.issueToken().accessToken, basePath: h.hubspot.info.url });
    accountant = h.qboUser();

    const seeded = h.hubspot.emulator.seed({
      currencies: { additional: ['EUR'] },
      contacts: [
        { email: 'ada@lovelace.dev', firstname: 'Ada', lastname: 'Lovelace' },
        { email: 'grace@hopper.dev', firstname: 'Grace', lastname: 'Hopper' },
        { firstname: 'Nomail', lastname: 'Person' },
      ],
      products: [
        { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1' },
        { name: 'Annual licence', price: '1200', hs_sku: 'LIC-12' },
        { name: 'Widget', price: '19.99', hs_sku: 'WID-1' },
        { name: 'Old gadget', price: '5' },
      ],
      deals: [
        {
          properties: { dealname: 'Engine retrofit', amount: '2605' },
          lineItems: [
            { productIndex: 0, properties: { quantity: '3', hs_discount_percentage: '10' } },
            { productIndex: 1, properties: { quantity: '2', discount: '100' } },
          ],
          contactIndexes: [0],
        },
        { properties: { dealname: 'Expansion' }, lineItems: [{ productIndex: 0, properties: { quantity: '1' } }], contactIndexes: [0] },
        { properties: { dealname: 'Orphan deal' }, lineItems: [{ productIndex: 0 }] },
        { properties: { dealname: 'Nomail deal' }, lineItems: [{ productIndex: 0 }], contactIndexes: [2] },
        { properties: { dealname: 'New customer' }, lineItems: [{ productIndex: 2, properties: { quantity: '4' } }], contactIndexes: [1] },
        { properties: { dealname: 'Euro deal', deal_currency_code: 'EUR' }, lineItems: [{ productIndex: 0 }], contactIndexes: [0] },
        { properties: { dealname: 'Empty deal' }, contactIndexes: [0] },
        { properties: { dealname: 'Gadget deal' }, lineItems: [{ productIndex: 3 }], contactIndexes: [0] },
        { properties: { dealname: 'Numbered deal' }, lineItems: [{ productIndex: 0 }], contactIndexes: [0] },
        { properties: { dealname: 'Mailed deal' }, lineItems: [{ productIndex: 0 }], contactIndexes: [0] },
        { properties: { dealname: 'Outage deal' }, lineItems: [{ productIndex: 0, properties: { quantity: '2' } }], contactIndexes: [0] },
      ],
    });
    const names = ['retrofit', 'expansion', 'orphan', 'nomail', 'newCustomer', 'euro', 'empty', 'gadget', 'numbered', 'mailed', 'outage'];
    seeded.deals.forEach((d, i) => (deals[names[i]!] = d.id));
    [contacts.ada, contacts.grace, contacts.nomail] = seeded.contacts as [string, string, string];

    const created = h.qbo.emulator.seed({
      entities: {
        Customer: [{ DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@lovelace.dev' } }],
        Item: [
          { Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } },
          { Name: 'Annual licence', Sku: 'LIC-12', Type: 'Service', UnitPrice: 1200, IncomeAccountRef: { value: '1' } },
          { Name: 'Old gadget', Type: 'Service', UnitPrice: 5, IncomeAccountRef: { value: '1' } },
        ],
      },
    });
    adaCustomerId = created.Customer![0]!.Id as string;

    connection = await h.connect();
    await ensureAppProperties(h.runtime.clients.hubspot(connection));
    // Ada and the two products are linked by the first syncs; Grace and the widget stay on HubSpot's side only.
    for (const object of ['contacts', 'products'] as const) {
      const { settings } = await h.runtime.sync.settings(connection.id, object);
      await h.runtime.sync.saveSettings(connection.id, object, {
        ...settings,
        createInQbo: false,
        createInHubspot: false,
        ...(object === 'products' ? { incomeAccountId: '1' } : {}),
      });
      await h.runtime.sync.setEnabled(connection.id, object, true);
    }
    await h.runtime.sync.setEnabled(connection.id, 'invoices', true);
    await h.drain();
    expect((await h.runtime.store.links.byHubspotId(connection.id, 'contacts', contacts.ada))?.qboId).toBe(adaCustomerId);
    expect(await h.runtime.store.links.count(connection.id, 'products')).toBe(3);
  });
  afterAll(() => h.stop());

  test('a deal with two products, quantities and discounts becomes one correct QBO invoice, answered at once, and comes back on the deal', async () => {
    const result = await invoke(
      'retrofit',
      { paymentTerms: 'Net 15', invoiceDate: '2026-01-20', customerMessage: 'Thank you for the retrofit.' },
      { signatures: 'v2' },
    );

    expect(result.status).toBe(200);
    const outputs = result.execution.outputFields;
    expect(outputs).toEqual({
      hs_execution_state: 'SUCCESS',
      qboInvoiceId: expect.stringMatching(/^\d+$/),
      qboInvoiceNumber: '1001',
      qboInvoiceLink: `https://app.sandbox.qbo.intuit.com/app/invoice?txnId=${outputs.qboInvoiceId}`,
      qboInvoiceStatus: 'open',
      qboInvoiceTotal: '2605.00',
      qboInvoiceCurrency: 'USD',
    });
    expect(result.execution).toMatchObject({ state: 'SUCCESS', completedVia: 'response' });
    expect(result.execution.executionRule).toBeUndefined();

    const invoice = await qboInvoice(outputs.qboInvoiceId!);
    expect(invoice).toMatchObject({
      CustomerRef: { value: adaCustomerId },
      TxnDate: '2026-01-20',
      DueDate: '2026-02-04',
      SalesTermRef: { value: '2', name: 'Net 15' },
      DocNumber: '1001',
      TotalAmt: 2605,
      Balance: 2605,
      CustomerMemo: { value: 'Thank you for the retrofit.' },
      BillEmail: { Address: 'ada@lovelace.dev' },
      PrivateNote: `Created from HubSpot deal "Engine retrofit" (${deals.retrofit}).`,
      CustomField: [{ DefinitionId: '1', Name: 'HubSpot Deal', Type: 'StringType', StringValue: deals.retrofit }],
    });
    // The 10% and the 100-per-unit discounts are folded into the unit prices; QBO's own arithmetic agrees to the cent.
    expect(
      invoice.Line.filter((l) => l.DetailType === 'SalesItemLineDetail').map((l) => [
        l.SalesItemLineDetail?.ItemRef?.name,
        l.SalesItemLineDetail?.Qty,
        l.SalesItemLineDetail?.UnitPrice,
        l.Amount,
        l.Description,
      ]),
    ).toEqual([
      ['Consulting hour', 3, 135, 405, 'Consulting hour (list price 150, 10% off)'],
      ['Annual licence', 2, 1100, 2200, 'Annual licence (list price 1200, 100 off each)'],
    ]);

    await h.drain();
    const hubspotInvoice = (await h.runtime.store.links.byQboId(connection.id, 'invoices', invoice.Id))!.hubspotId;
    expect((await hubspotApi.crm.associations.v4.basicApi.getPage('invoices', hubspotInvoice, 'deals')).results.map((r) => String(r.toObjectId))).toEqual([
      deals.retrofit,
    ]);
    expect((await hubspotApi.crm.deals.basicApi.getById(deals.retrofit!, DEAL_PROPERTIES)).properties).toMatchObject({
      qbo_invoice_number: '1001',
      qbo_invoice_status: 'open',
      qbo_invoice_amount_billed: '2605.00',
      qbo_invoice_balance_due: '2605.00',
      qbo_invoice_due_date: '2026-02-04',
      qbo_invoice_link: outputs.qboInvoiceLink,
    });
    expect(await syncLog(deals.retrofit!)).toEqual([expect.objectContaining({ outcome: 'succeeded', qboId: invoice.Id, direction: 'to_qbo' })]);
  });

  test('the same execution replayed, and a retry after a lost answer, get the same outputs and create nothing', async () => {
    const first = h.hubspot.emulator.callbacks.find((e) => e.request.object && (e.request.object as { objectId: number }).objectId === Number(deals.retrofit))!;
    const before = (await qboInvoices()).length;

    // A captured execution posted again, as sent (v2 has no timestamp to expire).
    const body = JSON.stringify(first.request);
    const replayed = await post(body, signed('v2', body, h.clock.now().getTime()));
    expect(replayed.status).toBe(200);
    expect(((await replayed.json()) as { outputFields: Record<string, string> }).outputFields).toEqual(first.outputFields);

    // HubSpot never got the answer to a new execution, and sends it again.
    const lost = await invoke('expansion', {}, { loseResponse: true });
    expect(lost.execution).toMatchObject({ state: 'PENDING', httpStatus: 'lost' });
    const created = (await qboInvoices()).length;
    expect(created).toBe(before + 1);
    h.clock.advance(30_000);
    const retried = await h.hubspot.emulator.retryWorkflowAction(lost.callbackId);
    expect(retried.execution).toMatchObject({ state: 'SUCCESS', attempts: 2 });
    expect(retried.execution.outputFields.qboInvoiceId).toBe((await qboInvoices()).at(-1)!.Id);
    expect((await qboInvoices()).length).toBe(created);
  });

  test('forged, stale and unsigned requests are refused and create nothing', async () => {
    const template = h.hubspot.emulator.callbacks[0]!.request;
    const body = JSON.stringify({ ...template, callbackId: 'ap-62515-99999999999-1-0' });
    const now = h.clock.now().getTime();
    const before = (await qboInvoices()).length;

    const forged = await post(body, signed('v2', body, now, 'not-the-client-secret'));
    const tampered = await post(body.replace(deals.retrofit!, deals.expansion!), signed('v2', body, now));
    const stale = await post(body, { ...signed('v2', body, now), ...signed('v3', body, now - 6 * 60_000) });
    const unsigned = await post(body, {});
    for (const res of [forged, tampered, stale, unsigned]) expect(res.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: 'invalid_signature', message: expect.stringContaining('5-minute window') });
    expect(await unsigned.json()).toMatchObject({ message: 'request is not signed' });

    // A valid v3 alone, within its window, is accepted.
    const fresh = await post(body, signed('v3', body, now - 60_000));
    expect(fresh.status).toBe(200);
    expect((await qboInvoices()).length).toBe(before + 1);
    expect(await h.runtime.store.invoiceRequests.get(connection.id, 'workflow:ap-62515-99999999999-1-0')).toMatchObject({ status: 'created' });
  });

  test('each way it can fail ends in its execution rule, with its message in workflow history and in the sync log', async () => {
    const before = (await qboInvoices()).length;
    const expectRule = async (result: Awaited<ReturnType<typeof invoke>>, labelName: string, code: string, message: RegExp) => {
      expect(result.execution).toMatchObject({
        state: 'FAIL_CONTINUE',
        completedVia: 'response',
        outputFields: { errorCode: code },
        executionRule: { labelName },
      });
      expect(result.execution.executionRule!.message).toMatch(message);
      expect(result.execution.outputFields.errorMessage).toBe(result.execution.executionRule!.message);
      const dealId = String((result.execution.request.object as { objectId: number }).objectId);
      expect((await syncLog(dealId))[0]).toMatchObject({ outcome: 'failed', errorCode: code, message: result.execution.executionRule!.message });
    };

    await h.runtime.store.connections.setStatus(connection.id, 'pending', 'QuickBooks is not connected yet');
    await expectRule(await invoke('expansion'), 'qboNotConnected', 'QBO_NOT_CONNECTED', /^QuickBooks Online is not connected to this HubSpot account/);
    await h.runtime.store.connections.setStatus(
      connection.id,
      'reauth_required',
      "QuickBooks refused the saved authorization: reconnect QuickBooks on the app's settings page.",
    );
    await expectRule(await invoke('expansion'), 'qboReconnectRequired', 'QBO_RECONNECT_REQUIRED', /reconnects QuickBooks on the app's settings page/);
    await h.runtime.store.connections.setStatus(connection.id, 'active');

    await expectRule(await invoke('orphan'), 'noContact', 'NO_CONTACT', /^The deal has no associated contact to bill/);
    await expectRule(await invoke('nomail'), 'contactWithoutEmail', 'CONTACT_WITHOUT_EMAIL', /^The deal's contact "Nomail Person" has no e-mail address/);
    await expectRule(
      await invoke('newCustomer', { whenCustomerMissing: 'fail' }),
      'customerNotInQbo',
      'CUSTOMER_NOT_IN_QBO',
      /contact "Grace Hopper" is not a QuickBooks customer yet/,
    );
    await expectRule(await invoke('empty'), 'noLineItems', 'NO_LINE_ITEMS', /no line items/);
    await expectRule(await invoke('euro'), 'currencyMismatch', 'CURRENCY_MISMATCH', /\(the deal is in EUR, and the QuickBooks company bills only in USD\)/);
    await expectRule(
      await invoke('expansion', { paymentTerms: 'Net 31' }),
      'termsUnknown',
      'TERMS_UNKNOWN',
      /no active payment terms "Net 31" \(the company's terms: Due on receipt, Net 15, Net 30, Net 60\)/,
    );
    await expectRule(await invoke('expansion', { taxCode: '20.0% S' }), 'taxCodeUnknown', 'TAX_CODE_UNKNOWN', /this US company calculates sales tax itself/);
    await expectRule(await invoke('expansion', { invoiceDate: 'next Tuesday' }), 'invalidInput', 'INVALID_INPUT', /invoiceDate: "next Tuesday" is not a date/);

    const newCustomer = { whenCustomerMissing: 'create' };
    await expectRule(
      await invoke('newCustomer', { ...newCustomer, whenItemMissing: 'fail' }),
      'productNotInQbo',
      'PRODUCT_NOT_IN_QBO',
      /product is not in QuickBooks: "Widget"/,
    );
    await expectRule(
      await invoke('newCustomer', { ...newCustomer, whenItemMissing: 'default_item' }),
      'defaultItemNotSet',
      'DEFAULT_ITEM_NOT_SET',
      /\("Widget"\) and no default item is chosen/,
    );

    // QBO's own words: the gadget's item was made inactive by an accountant.
    const gadget = (await accountant.query('Item', "Name = 'Old gadget'"))[0]!;
    await accountant.update('Item', { Id: gadget.Id, SyncToken: gadget.SyncToken, sparse: true, Active: false });
    await expectRule(
      await invoke('gadget'),
      'qboValidation',
      'QBO_VALIDATION',
      /^QuickBooks refused the invoice: Object Not Found: Object Not Found : Something you're trying to use has been made inactive/,
    );

    // Replayed failures are the same failures.
    const failed = h.hubspot.emulator.callbacks.find((e) => e.outputFields.errorCode === 'NO_CONTACT')!;
    const body = JSON.stringify(failed.request);
    expect(((await (await post(body, signed('v2', body, h.clock.now().getTime()))).json()) as { outputFields: Record<string, string> }).outputFields).toEqual(
      failed.outputFields,
    );
    expect((await qboInvoices()).length).toBe(before);
  });

  test('a contact not yet in QBO and a product not yet in QBO are created (and linked) when the inputs say so', async () => {
    const result = await invoke('newCustomer', { whenCustomerMissing: 'create', whenItemMissing: 'create' });
    expect(result.execution).toMatchObject({ state: 'SUCCESS', outputFields: { qboInvoiceTotal: '79.96' } });
    const grace = await h.runtime.store.links.byHubspotId(connection.id, 'contacts', contacts.grace!);
    expect((await accountant.get('Customer', grace!.qboId)).PrimaryEmailAddr?.Address).toBe('grace@hopper.dev');
    const invoice = await qboInvoice(result.execution.outputFields.qboInvoiceId!);
    expect(invoice.CustomerRef.value).toBe(grace!.qboId);
    const widget = (await accountant.query('Item', "Name = 'Widget'"))[0]!;
    expect(invoice.Line[0]).toMatchObject({ Amount: 79.96, SalesItemLineDetail: { ItemRef: { value: widget.Id }, Qty: 4, UnitPrice: 19.99 } });
    expect(widget).toMatchObject({ Sku: 'WID-1', UnitPrice: 19.99 });
  });

  test('e-mailing through QBO happens once, however often the execution is replayed', async () => {
    const result = await invoke('mailed', { sendEmail: 'yes' });
    const id = result.execution.outputFields.qboInvoiceId!;
    expect(result.execution.state).toBe('SUCCESS');
    expect(await qboInvoice(id)).toMatchObject({ EmailStatus: 'EmailSent', DeliveryInfo: { DeliveryType: 'Email' } });
    const body = JSON.stringify(result.execution.request);
    await post(body, signed('v2', body, h.clock.now().getTime()));
    expect(h.qbo.emulator.changes.filter((c) => c.entity === 'Invoice' && c.id === id && c.operation === 'Emailed')).toHaveLength(1);
  });

  test('a company with custom transaction numbers gets numbers derived from the deal, unique', async () => {
    h.qbo.emulator.seed({ preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } });
    try {
      const first = await invoke('numbered');
      const second = await invoke('numbered');
      expect([first.execution.outputFields.qboInvoiceNumber, second.execution.outputFields.qboInvoiceNumber]).toEqual([
        `HS-${deals.numbered}`,
        `HS-${deals.numbered}-2`,
      ]);
      expect((await qboInvoice(second.execution.outputFields.qboInvoiceId!)).DocNumber).toBe(`HS-${deals.numbered}-2`);
    } finally {
      h.qbo.emulator.seed({ preferences: { SalesFormsPrefs: { CustomTxnNumbers: false } } });
    }
  });

  test('QBO answering 429 or 503 leads to BLOCK, and the callback is completed once QBO recovers', async () => {
    const before = (await qboInvoices()).length;
    // The request's one attempt meets a 429; the queued job's five attempts meet another and four 503s; its retry, a recovered QBO.
    h.qbo.emulator.injectFault({ kind: '429', method: 'POST', pathIncludes: '/invoice', count: 2, retryAfterSeconds: 3 });
    h.qbo.emulator.injectFault({ kind: '503', method: 'POST', pathIncludes: '/invoice', count: 4 });
    const blocked = await invoke('outage');
    expect(blocked.execution).toMatchObject({ state: 'BLOCK', outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' } });
    expect((await qboInvoices()).length).toBe(before);

    await h.drain();
    expect(execution(blocked.callbackId)).toMatchObject({
      state: 'SUCCESS',
      completedVia: 'callback',
      outputFields: { hs_execution_state: 'SUCCESS', qboInvoiceTotal: '300.00' },
    });
    expect((await qboInvoices()).length).toBe(before + 1);
    expect((await syncLog(deals.outage!))[0]).toMatchObject({ outcome: 'succeeded' });
  });

  test('QBO down for longer than the retries: the callback is completed with the "unavailable" rule, nothing created', async () => {
    const before = (await qboInvoices()).length;
    h.qbo.emulator.injectFault({ kind: '503', method: 'POST', pathIncludes: '/invoice', count: 100_000 });
    try {
      const blocked = await invoke('outage');
      expect(blocked.execution.state).toBe('BLOCK');
      for (let i = 0; i < 30 && execution(blocked.callbackId).state === 'BLOCK'; i++) {
        await h.advance(15 * 60_000);
        await runQueueFor(3);
      }
      expect(execution(blocked.callbackId)).toMatchObject({
        state: 'FAIL_CONTINUE',
        completedVia: 'callback',
        outputFields: { errorCode: 'QBO_UNAVAILABLE' },
        executionRule: { labelName: 'qboUnavailable' },
      });
      expect((await qboInvoices()).length).toBe(before);
    } finally {
      h.qbo.emulator.clearFaults();
    }
  });

  test('a completion that fails every retry is shown in sync health, and "Retry all" completes the workflow step', async () => {
    // QuickBooks down past the retries, and HubSpot refusing the callback when the step is finally answered.
    h.qbo.emulator.injectFault({ kind: '503', method: 'POST', pathIncludes: '/invoice', count: 100_000 });
    h.hubspot.emulator.injectFault({ method: 'POST', path: '/automation/v4/actions/callbacks', status: 503, times: 100_000 });
    const health = async () => (await (await h.appFetch('/api/sync-health')).json()) as SyncHealth;
    const stuck = () => h.jobs.deadLetters(CREATE_INVOICE_QUEUE);
    let callbackId: string;
    try {
      callbackId = (await invoke('outage')).callbackId;
      for (let i = 0; i < 30 && (await stuck()).length === 0; i++) {
        await h.advance(15 * 60_000);
        await runQueueFor(3);
      }
      expect(execution(callbackId).state).toBe('BLOCK');
      expect((await health()).deadLetters).toEqual([{ object: 'invoices', work: 'workflow_action', jobs: 1, oldestFailedAt: expect.any(String) }]);
    } finally {
      h.qbo.emulator.clearFaults();
      h.hubspot.emulator.clearFaults();
    }

    const res = await h.appFetch('/api/sync-log/retry', { method: 'POST' });
    expect(await res.json()).toMatchObject({ jobsRetried: 1 });
    await runQueueFor(60);
    // The execution keeps the outcome it settled on: one answer per execution, however often it is retried.
    expect(execution(callbackId)).toMatchObject({ state: 'FAIL_CONTINUE', completedVia: 'callback', outputFields: { errorCode: 'QBO_UNAVAILABLE' } });
    expect((await health()).deadLetters).toEqual([]);
  });

  test("a create whose QBO response is lost in the request is answered BLOCK; the queued retry gets QBO's first answer, not a second invoice", async () => {
    const before = (await qboInvoices()).length;
    h.qbo.emulator.injectFault({ kind: 'timeout', method: 'POST', pathIncludes: '/invoice', count: 1 });
    const blocked = await invoke('outage');
    expect(blocked.execution.state).toBe('BLOCK');
    h.qbo.emulator.releaseHeldResponses();
    await h.drain();
    expect(execution(blocked.callbackId)).toMatchObject({ state: 'SUCCESS', completedVia: 'callback' });
    expect((await qboInvoices()).length).toBe(before + 1);
    expect(execution(blocked.callbackId).outputFields.qboInvoiceId).toBe((await qboInvoices()).at(-1)!.Id);
  });
});
