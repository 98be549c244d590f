import { createHubSpotEmulator } from '../../emulators/hubspot/emulator';
import { createQuickBooksEmulator } from '../../emulators/quickbooks/emulator';
import { table } from '../../emulators/quickbooks/state/store';
import { ManualClock } from '../../emulators/shared/clock';
import { qboInvoiceSchema } from '../quickbooks/schemas';
import { invoiceFacts } from '../sync/invoices/mapping';
import { seedSandbox } from './seed';

test('the sandbox company has an invoice of every status, payments, and deals named in the custom field', () => {
  const clock = new ManualClock('2026-03-02T18:00:00.000Z');
  const hubspot = createHubSpotEmulator({ clock });
  const qbo = createQuickBooksEmulator({ clock });
  seedSandbox(hubspot, qbo);

  const invoices = [...table(qbo.state, 'Invoice').values()].map((raw) => qboInvoiceSchema.parse(raw));
  const facts = invoices.map((i) => invoiceFacts(i, '2026-03-02', 'sandbox'));
  expect(Object.fromEntries(facts.map((f) => [f.number, f.status]))).toEqual({
    'SBX-1001': 'partially_paid',
    'SBX-1002': 'open',
    'SBX-1003': 'paid',
    'SBX-1004': 'overdue',
    'SBX-1005': 'voided',
  });
  expect(table(qbo.state, 'Payment').size).toBe(2);
  const dealIds = new Set(hubspot.records.list('deals').map((d) => d.id));
  // Every invoice carries the company's "HubSpot Deal" field; four of them fill it in.
  const named = invoices.flatMap((i) => i.CustomField?.flatMap((f) => f.StringValue ?? []) ?? []);
  expect(named.length).toBe(4);
  for (const id of named) expect(dealIds.has(id)).toBe(true);
});
