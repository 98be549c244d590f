import { Hono } from 'hono';
import { InvoiceCreationDeferred } from '../../deal-invoices/failures';
import type { DealInvoiceService } from '../../deal-invoices/service';
import type { Store } from '../../store/store';
import { fromCents } from '../../sync/invoices/status';
import { fail, reply, type ApiEnv } from '../api/access';
import { CreatedInvoiceSchema, CreateInvoiceRequestSchema, DealInvoicesSchema, type DealInvoices } from '../api/contract';
import { connectionState } from './settings-api';

export interface DealCardApiDeps {
  store: Store;
  /** The "Create invoice" workflow action's engine: the card's button creates invoices with the same builder. */
  dealInvoices: DealInvoiceService;
}

const NOT_CONNECTED = 'QuickBooks is not connected: an admin can connect it on the app’s settings page.';

/**
 * The deal card's backend: the deal's invoices, payments and totals as the invoice sync last wrote them to our
 * database (never a QBO call, so the card opens fast and works while QBO is slow or disconnected), and Create invoice.
 * Any user of the portal may read and create; `dealId` comes from the card and only selects within that portal.
 */
export function dealCardApiRoutes(deps: DealCardApiDeps): Hono<ApiEnv> {
  const { store, dealInvoices } = deps;
  const invoiceStore = store.invoices;

  return new Hono<ApiEnv>()
    .get('/api/deals/:dealId{[0-9]+}/invoices', async (c) => {
      const connection = c.get('connection');
      const dealId = c.req.param('dealId');
      const state = connectionState(connection);
      const invoices: DealInvoices['invoices'] = (await invoiceStore.forDeal(connection.id, dealId)).map((s) => ({
        qboInvoiceId: s.qboInvoiceId,
        number: s.dealValues['qbo_invoice_number'] || null,
        invoiceDate: s.invoiceDate ?? null,
        dueDate: s.dueDate ?? null,
        currency: s.currency ?? null,
        amount: fromCents(s.billedCents),
        balance: fromCents(s.balanceCents),
        status: s.dealValues['qbo_invoice_status'] as DealInvoices['invoices'][number]['status'],
        daysOverdue: s.daysOverdue,
        qboUrl: s.dealValues['qbo_invoice_link'] || null,
      }));
      const numbers = new Map(invoices.map((i) => [i.qboInvoiceId, i.number]));
      const payments = (await invoiceStore.paymentsForDeal(connection.id, dealId)).map((p) => ({
        qboPaymentId: p.qboPaymentId,
        qboInvoiceId: p.qboInvoiceId,
        invoiceNumber: numbers.get(p.qboInvoiceId) ?? null,
        paidOn: p.paidOn ?? null,
        amount: fromCents(p.amountCents),
        currency: p.currency ?? null,
        method: p.method ?? null,
        reference: p.reference ?? null,
        state: p.state,
      }));
      // The same sums as the deal's total properties: paid is money received by payments (credit used is not money).
      const totals = (await invoiceStore.dealTotals(connection.id, dealId)).map((t) => ({
        currency: t.currency ?? null,
        billed: fromCents(t.billedCents),
        paid: fromCents(t.paidCents),
        outstanding: fromCents(t.outstandingCents),
      }));
      const connected = state === 'connected';
      return reply(c, DealInvoicesSchema, {
        connection: { state, companyName: connection.qboCompanyName ?? null },
        invoices,
        payments,
        totals,
        createInvoice: { available: true, enabled: connected, reason: connected ? null : NOT_CONNECTED },
      });
    })
    .post('/api/deals/:dealId{[0-9]+}/invoices', async (c) => {
      const connection = c.get('connection');
      if (connectionState(connection) !== 'connected') return fail(c, 409, 'not_connected', NOT_CONNECTED);
      const body = CreateInvoiceRequestSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return fail(c, 400, 'invalid_request', 'Send {"requestId"}: an id for this click, the same when the click is retried.');
      try {
        // One invoice per click however often it arrives (HubSpot's proxy retries a failed request once).
        const outcome = await dealInvoices.createInvoiceFromDeal(connection.id, c.req.param('dealId'), {}, `card:${body.data.requestId}`, {
          source: 'the deal card',
          interactive: true,
        });
        if (outcome.status === 'failed') return fail(c, 422, outcome.failure.code.toLowerCase(), outcome.failure.message);
        const { invoice } = outcome;
        return reply(c, CreatedInvoiceSchema, { qboInvoiceId: invoice.id, number: invoice.number ?? null, qboUrl: invoice.link }, 201);
      } catch (err) {
        if (!(err instanceof InvoiceCreationDeferred)) throw err;
        return fail(c, 503, 'try_again', 'QuickBooks or HubSpot is busy right now. Click Create invoice again in a minute: no invoice is created twice.');
      }
    });
}
