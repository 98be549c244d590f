import { Hono } from 'hono';
import type { Connection } from '../../store/connections';
import type { InvoiceStore } from '../../store/invoices';
import { fromCents, toCents } from '../../sync/invoices/status';
import { fail, providerFailure, reply, type ApiEnv } from '../api/access';
import { CreatedInvoiceSchema, DealInvoicesSchema, type CreatedInvoice, type DealInvoices } from '../api/contract';
import { connectionState } from './settings-api';

/**
 * Creates the QBO invoice for a deal, with the same builder as the "Create invoice" workflow action. Wired at the
 * composition root once that action exists; until then the card shows no button.
 */
export type InvoiceCreator = (connection: Connection, dealId: string) => Promise<CreatedInvoice>;

export interface DealCardApiDeps {
  invoiceStore: InvoiceStore;
  createInvoice?: InvoiceCreator;
}

const VOID = new Set(['voided', 'deleted']);

/**
 * The deal card's backend: the deal's invoices and payments as the invoice sync last wrote them to our database
 * (never a QBO call, so the card opens fast and works while QBO is slow or disconnected), and, once wired, Create
 * invoice. Any user of the portal may read; `dealId` comes from the card and only selects within that portal.
 */
export function dealCardApiRoutes(deps: DealCardApiDeps): Hono<ApiEnv> {
  const { invoiceStore, createInvoice } = deps;

  return new Hono<ApiEnv>()
    .get('/api/deals/:dealId{[0-9]+}/invoices', async (c) => {
      const connection = c.get('connection');
      const dealId = c.req.param('dealId');
      const state = connectionState(connection);
      const states = await invoiceStore.forDeal(connection.id, dealId);
      const invoices: DealInvoices['invoices'] = states.map((s) => ({
        qboInvoiceId: s.qboInvoiceId,
        number: s.dealValues['qbo_invoice_number'] || null,
        invoiceDate: s.invoiceDate ?? null,
        dueDate: s.dueDate ?? null,
        currency: s.dealValues['qbo_invoice_currency'] || null,
        amount: s.dealValues['qbo_invoice_amount_billed'] || '0.00',
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
      const sums = new Map<string | null, { billed: number; outstanding: number }>();
      for (const i of invoices) {
        if (VOID.has(i.status)) continue;
        const sum = sums.get(i.currency) ?? { billed: 0, outstanding: 0 };
        sum.billed += toCents(Number(i.amount));
        sum.outstanding += toCents(Number(i.balance));
        sums.set(i.currency, sum);
      }
      const totals = [...sums].map(([currency, s]) => ({ currency, billed: fromCents(s.billed), paid: fromCents(s.billed - s.outstanding), outstanding: fromCents(s.outstanding) }));
      const available = createInvoice !== undefined;
      const connected = state === 'connected';
      return reply(c, DealInvoicesSchema, {
        connection: { state, companyName: connection.qboCompanyName ?? null },
        invoices,
        payments,
        totals,
        createInvoice: {
          available,
          enabled: available && connected,
          reason: available && !connected ? 'QuickBooks is not connected: an admin can connect it on the app’s settings page.' : null,
        },
      });
    })
    .post('/api/deals/:dealId{[0-9]+}/invoices', async (c) => {
      if (!createInvoice) return fail(c, 404, 'not_available', 'Creating invoices from a deal is not available in this version of the app.');
      const connection = c.get('connection');
      if (connectionState(connection) !== 'connected') return fail(c, 409, 'not_connected', 'QuickBooks is not connected: an admin can connect it on the app’s settings page.');
      try {
        return reply(c, CreatedInvoiceSchema, await createInvoice(connection, c.req.param('dealId')), 201);
      } catch (err) {
        return providerFailure(c, err);
      }
    });
}
