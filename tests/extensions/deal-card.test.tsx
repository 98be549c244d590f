import { jest } from '@jest/globals';
import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Link,
  LoadingSpinner,
  StatisticsItem,
  Statistics,
  StatusTag,
  Table,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { DealInvoices } from '../../src/app/cards/DealInvoices';
import type { DealInvoices as DealInvoicesData } from '../../src/app/cards/types';
import { answer, BACKEND_URL, fakeBackend } from './fake-backend';
import { textOf } from './text';

const DEAL_ID = 4242;

const data = (over: Partial<DealInvoicesData> = {}): DealInvoicesData => ({
  connection: { state: 'connected', companyName: 'Craig’s Design and Landscaping' },
  invoices: [
    {
      qboInvoiceId: '130',
      number: '1003',
      invoiceDate: '2026-01-10',
      dueDate: '2026-02-09',
      currency: 'USD',
      amount: '49.50',
      balance: '49.50',
      status: 'open',
      daysOverdue: 0,
      qboUrl: 'https://app.qbo.intuit.com/app/invoice?txnId=130',
    },
    {
      qboInvoiceId: '129',
      number: '1002',
      invoiceDate: '2026-01-02',
      dueDate: '2026-02-01',
      currency: 'USD',
      amount: '250.50',
      balance: '0.00',
      status: 'paid',
      daysOverdue: 0,
      qboUrl: 'https://app.qbo.intuit.com/app/invoice?txnId=129',
    },
    {
      qboInvoiceId: '128',
      number: '1001',
      invoiceDate: '2025-12-01',
      dueDate: '2025-12-31',
      currency: 'USD',
      amount: '1000.00',
      balance: '600.00',
      status: 'partially_paid',
      daysOverdue: 15,
      qboUrl: 'https://app.qbo.intuit.com/app/invoice?txnId=128',
    },
    {
      qboInvoiceId: '127',
      number: '0999',
      invoiceDate: '2025-11-01',
      dueDate: '2025-11-30',
      currency: 'USD',
      amount: '80.00',
      balance: '80.00',
      status: 'overdue',
      daysOverdue: 1,
      qboUrl: null,
    },
    {
      qboInvoiceId: '126',
      number: '0998',
      invoiceDate: '2025-10-01',
      dueDate: null,
      currency: 'USD',
      amount: '0.00',
      balance: '0.00',
      status: 'voided',
      daysOverdue: 0,
      qboUrl: null,
    },
  ],
  payments: [
    {
      qboPaymentId: '140',
      qboInvoiceId: '129',
      invoiceNumber: '1002',
      paidOn: '2026-01-14',
      amount: '250.50',
      currency: 'USD',
      method: 'Visa',
      reference: 'V-99',
      state: 'applied',
    },
    {
      qboPaymentId: '139',
      qboInvoiceId: '128',
      invoiceNumber: '1001',
      paidOn: '2026-01-12',
      amount: '400.00',
      currency: 'USD',
      method: 'Check',
      reference: 'CHK-7',
      state: 'applied',
    },
    {
      qboPaymentId: '138',
      qboInvoiceId: '128',
      invoiceNumber: '1001',
      paidOn: '2026-01-05',
      amount: '50.00',
      currency: 'USD',
      method: null,
      reference: null,
      state: 'voided',
    },
    {
      qboPaymentId: '137',
      qboInvoiceId: '128',
      invoiceNumber: '1001',
      paidOn: '2026-01-04',
      amount: '20.00',
      currency: 'USD',
      method: null,
      reference: 'CHK-41',
      state: 'applied',
    },
  ],
  totals: [{ currency: 'USD', billed: '1380.00', paid: '650.50', outstanding: '729.50' }],
  createInvoice: { available: false, enabled: false, reason: null },
  ...over,
});

type Renderer = ReturnType<typeof createRenderer<'crm.record.tab'>>;

/** The deal card on a deal record (the renderer's default context is a contact: this one is a deal). */
function renderCard(routes: Parameters<typeof fakeBackend>[0], variables: Record<string, string> | null = { BACKEND_URL }) {
  const backend = fakeBackend(routes);
  const r = createRenderer('crm.record.tab');
  const context = {
    ...r.mocks.context,
    crm: { objectId: DEAL_ID, objectTypeId: '0-3' },
    user: { ...r.mocks.context.user, locale: 'en-US' },
    ...(variables ? { variables } : {}),
  };
  r.render(<DealInvoices context={context} actions={r.mocks.actions} />);
  return { r, backend };
}
const loaded = (r: Renderer) => r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());
const cells = (row: { childNodes: object[] }) => row.childNodes.map((c) => textOf(c));
const ROUTE = `GET /api/deals/${DEAL_ID}/invoices`;

afterEach(() => jest.restoreAllMocks());

describe('deal card', () => {
  test('loads this deal’s invoices: rows, dates, amounts, status tags, days overdue and links to QuickBooks', async () => {
    const { r, backend } = renderCard({ [ROUTE]: data() });
    expect(r.find(LoadingSpinner).props.label).toBe('Loading invoices');
    await loaded(r);
    expect(backend.calls[0]).toMatchObject({ method: 'GET', path: `/api/deals/${DEAL_ID}/invoices`, query: { portalId: '123', userId: '1' } });
    const rows = r.findByTestId(Table, 'invoices').findAll(TableRow).slice(1);
    expect(rows.map(cells)).toEqual([
      ['1003', 'Jan 10, 2026', 'Feb 9, 2026', '$49.50', '$49.50', 'Open'],
      ['1002', 'Jan 2, 2026', 'Feb 1, 2026', '$250.50', '$0.00', 'Paid'],
      ['1001', 'Dec 1, 2025', 'Dec 31, 2025', '$1,000.00', '$600.00', 'Partially paid 15 days overdue'],
      ['0999', 'Nov 1, 2025', 'Nov 30, 2025', '$80.00', '$80.00', 'Overdue 1 day overdue'],
      ['0998', 'Oct 1, 2025', '—', '$0.00', '$0.00', 'Voided'],
    ]);
    expect(r.findAll(StatusTag).map((t) => t.props.variant)).toEqual(['info', 'success', 'warning', 'danger', 'default']);
    expect(r.findAll(Tag, { variant: 'error' }).map((t) => t.text)).toEqual(['15 days overdue', '1 day overdue']);
    expect(r.find(Link, (l) => l.text === '1003').props.href).toEqual({ url: 'https://app.qbo.intuit.com/app/invoice?txnId=130', external: true });
    expect(r.maybeFind(Link, (l) => l.text === '0999')).toBeNull();
  });

  test('totals billed, paid and outstanding in the invoice currency, one set per currency', async () => {
    const { r } = renderCard({
      [ROUTE]: data({
        totals: [
          { currency: 'USD', billed: '1380.00', paid: '650.50', outstanding: '729.50' },
          { currency: 'EUR', billed: '80.00', paid: '30.00', outstanding: '50.00' },
        ],
      }),
    });
    await loaded(r);
    expect(r.findAll(Statistics).map((s) => s.findAll(StatisticsItem).map((i) => [i.props.label, i.props.number]))).toEqual([
      [
        ['Billed', '$1,380.00'],
        ['Paid', '$650.50'],
        ['Outstanding', '$729.50'],
      ],
      [
        ['Billed', '€80.00'],
        ['Paid', '€30.00'],
        ['Outstanding', '€50.00'],
      ],
    ]);
  });

  test('payments: date, amount, method and reference, invoice; a reversed one is marked', async () => {
    const { r } = renderCard({ [ROUTE]: data() });
    await loaded(r);
    const rows = r.findByTestId(Table, 'payments').findAll(TableRow).slice(1);
    expect(rows.map(cells)).toEqual([
      ['Jan 14, 2026', '$250.50', 'Visa #V-99', '1002'],
      ['Jan 12, 2026', '$400.00', 'Check #CHK-7', '1001'],
      ['Jan 5, 2026', '$50.00 Voided', '—', '1001'],
      ['Jan 4, 2026', '$20.00', 'Ref. CHK-41', '1001'],
    ]);
  });

  test('a deal without invoices shows the empty state', async () => {
    const { r } = renderCard({ [ROUTE]: data({ invoices: [], payments: [], totals: [] }) });
    await loaded(r);
    expect(r.find(EmptyState).props.title).toBe('No QuickBooks invoices for this deal yet');
    expect(r.maybeFindByTestId(Table, 'invoices')).toBeNull();
  });

  test('invoices without payments say so', async () => {
    const { r } = renderCard({ [ROUTE]: data({ payments: [] }) });
    await loaded(r);
    expect(r.findByTestId(Text, 'no-payments').text).toBe('No payments yet.');
  });

  test('QuickBooks not connected: the card says so, and still shows what was synced', async () => {
    const { r } = renderCard({ [ROUTE]: data({ connection: { state: 'not_connected', companyName: null } }) });
    await loaded(r);
    expect(r.findByTestId(Alert, 'not-connected').props.title).toBe('QuickBooks is not connected');
    expect(textOf(r.findByTestId(Alert, 'not-connected'))).toContain('These are the invoices as they were last synced.');
    expect(r.findByTestId(Table, 'invoices')).toBeDefined();
  });

  test('QuickBooks not connected and nothing synced: no empty "no invoices" promise, just the facts', async () => {
    const { r } = renderCard({ [ROUTE]: data({ connection: { state: 'needs_reconnect', companyName: 'Craig’s' }, invoices: [], payments: [], totals: [] }) });
    await loaded(r);
    expect(r.findByTestId(Alert, 'not-connected').props.title).toBe('QuickBooks needs to be reconnected');
    expect(r.maybeFind(EmptyState)).toBeNull();
    expect(r.findByTestId(Text, 'empty-not-connected').text).toBe('No invoices were synced for this deal.');
  });

  test('an error is shown with the backend’s words, and "Try again" loads the card', async () => {
    let fail = true;
    const { r } = renderCard({
      [ROUTE]: () => (fail ? answer(403, { error: 'not_a_member', message: 'HubSpot does not know this user in this HubSpot account.' }) : data()),
    });
    await r.waitFor(() => expect(r.find(ErrorState).props.title).toBe("Couldn't load the QuickBooks invoices"));
    expect(textOf(r.find(ErrorState))).toContain('HubSpot does not know this user in this HubSpot account.');
    fail = false;
    r.find(Button, (b) => b.text === 'Try again').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Table, 'invoices')).toBeDefined());
  });

  test('the proxy’s error wrapper and a failed fetch are errors too', async () => {
    for (const [reply, message] of [
      [answer(200, { status: 'error', category: 'BAD_GATEWAY', context: { appServerStatusCode: 500 } }), /HTTP 500/],
      [new Error('timeout'), /Couldn't reach the app's server/],
    ] as const) {
      const { r, backend } = renderCard({ [ROUTE]: () => reply });
      await r.waitFor(() => expect(textOf(r.find(ErrorState))).toMatch(message));
      backend.restore();
    }
  });

  test('without BACKEND_URL the card says the app is not set up', () => {
    const { r, backend } = renderCard({}, null);
    expect(r.find(ErrorState).props.title).toBe('The app is not set up');
    expect(backend.calls).toEqual([]);
  });

  test('no Create invoice button when the backend does not offer it', async () => {
    const { r } = renderCard({ [ROUTE]: data() });
    await loaded(r);
    expect(r.maybeFindByTestId(Button, 'create-invoice')).toBeNull();
  });

  test('Create invoice, once available: creates the invoice, says so and reloads the card', async () => {
    let created = false;
    const { r, backend } = renderCard({
      [ROUTE]: () => data({ createInvoice: { available: true, enabled: true, reason: null }, ...(created ? {} : { invoices: [], payments: [], totals: [] }) }),
      [`POST /api/deals/${DEAL_ID}/invoices`]: () => {
        created = true;
        return answer(201, { qboInvoiceId: '131', number: '1004', qboUrl: null });
      },
    });
    await loaded(r);
    r.findByTestId(Button, 'create-invoice').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Table, 'invoices')).toBeDefined());
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'Invoice 1004 was created in QuickBooks.' });
    const [post] = backend.callsTo(`POST /api/deals/${DEAL_ID}/invoices`);
    expect(post!.body).toEqual({ requestId: expect.stringMatching(/^[A-Za-z0-9-]{8,64}$/) });
  });

  test('Create invoice is disabled with the reason when QuickBooks is not connected; a failure is shown', async () => {
    const { r } = renderCard({
      [ROUTE]: data({
        connection: { state: 'not_connected', companyName: null },
        createInvoice: { available: true, enabled: false, reason: 'QuickBooks is not connected: an admin can connect it on the app’s settings page.' },
      }),
    });
    await loaded(r);
    expect(r.findByTestId(Button, 'create-invoice').props.disabled).toBe(true);
    expect(textOf(r.getRootNode())).toContain('QuickBooks is not connected: an admin can connect it on the app’s settings page.');

    const { r: failing, backend: failingBackend } = renderCard({
      [ROUTE]: data({ createInvoice: { available: true, enabled: true, reason: null } }),
      [`POST /api/deals/${DEAL_ID}/invoices`]: () =>
        answer(422, { error: 'qbo_validation', message: 'QuickBooks rejected the invoice: the customer is inactive.' }),
    });
    await loaded(failing);
    failing.findByTestId(Button, 'create-invoice').trigger('onClick');
    await failing.waitFor(() =>
      expect(textOf(failing.find(Alert, { title: 'The invoice was not created' }))).toBe('QuickBooks rejected the invoice: the customer is inactive.'),
    );
    // Clicking again retries the same request: the backend makes one invoice of it at most.
    failing.findByTestId(Button, 'create-invoice').trigger('onClick');
    await failing.waitFor(() => expect(failingBackend.callsTo(`POST /api/deals/${DEAL_ID}/invoices`)).toHaveLength(2));
    const [first, second] = failingBackend.callsTo(`POST /api/deals/${DEAL_ID}/invoices`);
    expect(second!.body).toEqual(first!.body);
  });
});
