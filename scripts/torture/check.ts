import { judgeField, show, type Mapping } from './oracle';
import type { Users } from './users';
import { PERSON_FIELDS, type World } from './world';

export interface Findings {
  pairsChecked: number;
  fieldsChecked: number;
  invoicesChecked: number;
  paymentsChecked: number;
  duplicates: number;
  lostUpdates: number;
  mismatches: number;
  invoiceErrors: number;
  /** Each wrong thing, naming the records. */
  problems: string[];
}

type Json = Record<string, unknown>;
const norm = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const at = (entity: Json, path: readonly string[]): unknown => path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k], entity);
const toCents = (n: unknown) => Math.round(Number(n) * 100);
const money = (c: number) => `${c < 0 ? '-' : ''}${Math.trunc(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

/**
 * Everything the torture checks once the run has settled, from both sides' final state (read straight from the
 * emulators) and the settings (the mappings the admin saved):
 * - the connection is still active (no fault made it wait for a reconnect);
 * - no record twice: one live HubSpot contact and one active QBO customer per e-mail;
 * - every person alive on both sides is one linked pair, and each mapped field holds what the rules allow given every
 *   accepted edit (oracle.ts);
 * - every QBO invoice is in HubSpot exactly once, with its amount, balance and status, on the deal it names;
 * - every payment on an invoice with a deal is on that deal's timeline once, and a voided one is reversed once;
 * - each "Create invoice" execution made exactly one invoice.
 */
export async function checkConvergence(w: World, users: Users): Promise<Findings> {
  const f: Findings = {
    pairsChecked: 0,
    fieldsChecked: 0,
    invoicesChecked: 0,
    paymentsChecked: 0,
    duplicates: 0,
    lostUpdates: 0,
    mismatches: 0,
    invoiceErrors: 0,
    problems: [],
  };
  const contacts = [...w.hubspot.emulator.state.records.contacts.values()].filter((r) => !r.archived);
  const customers = [...w.qbo.emulator.state.entities.get('Customer')!.values()].filter((c) => c['Active'] !== false);

  const byEmail = <T>(rows: T[], email: (r: T) => string | undefined) => {
    const out = new Map<string, T[]>();
    for (const r of rows) {
      const e = email(r)?.toLowerCase();
      if (e !== undefined) out.set(e, [...(out.get(e) ?? []), r]);
    }
    return out;
  };
  const contactsByEmail = byEmail(contacts, (r) => norm(r.properties['email']));
  const customersByEmail = byEmail(customers, (c) => norm(at(c, ['PrimaryEmailAddr', 'Address'])));
  for (const [email, rows] of contactsByEmail)
    if (rows.length > 1) {
      f.duplicates++;
      f.problems.push(`duplicate: ${rows.length} HubSpot contacts with e-mail ${email} (${rows.map((r) => r.id).join(', ')})`);
    }
  for (const [email, rows] of customersByEmail)
    if (rows.length > 1) {
      f.duplicates++;
      f.problems.push(`duplicate: ${rows.length} QBO customers with e-mail ${email} (${rows.map((c) => String(c['Id'])).join(', ')})`);
    }

  // Faults are passing trouble: none may leave the connection waiting for the admin to reconnect.
  const connection = await w.product.store.connections.get(w.connectionId);
  if (connection?.status !== 'active') f.problems.push(`the connection is ${connection?.status ?? 'gone'}: ${connection?.statusReason ?? ''}`);

  const links = await w.product.store.links.list(w.connectionId, 'contacts');
  const linkOf = new Map(links.map((l) => [l.hubspotId, l.qboId]));
  const mappings = new Map<string, Mapping>(w.mappings.map((m) => [m.hubspotProperty, m]));
  for (const p of users.people) {
    if (p.goneOn !== undefined) continue;
    const contact = contactsByEmail.get(p.email)?.[0];
    const customer = customersByEmail.get(p.email)?.[0];
    if (!contact || !customer) {
      f.mismatches++;
      f.problems.push(
        `person ${p.index} (${p.email}, made in ${p.origin}): ${contact ? `HubSpot contact ${contact.id}` : 'no HubSpot contact'}, ${customer ? `QBO customer ${String(customer['Id'])}` : 'no QBO customer'}`,
      );
      continue;
    }
    const customerId = String(customer['Id']);
    if (linkOf.get(contact.id) !== customerId) {
      f.mismatches++;
      f.problems.push(`person ${p.index}: HubSpot contact ${contact.id} is linked to QBO customer ${linkOf.get(contact.id) ?? '(none)'}, not ${customerId}`);
      continue;
    }
    f.pairsChecked++;
    for (const field of PERSON_FIELDS) {
      f.fieldsChecked++;
      const hubspot = norm(contact.properties[field.property]);
      const qbo = norm(at(customer, field.path));
      const verdict = judgeField(mappings.get(field.property)!, p.edits.get(field.property) ?? [], hubspot, qbo);
      if (verdict.ok) continue;
      if (verdict.kind === 'mismatch') f.mismatches++;
      else f.lostUpdates++;
      const m = mappings.get(field.property)!;
      const history = (p.edits.get(field.property) ?? []).map((e) => `${e.side}:${show(e.value)}@${e.seq}/e${e.epoch}`).join(' ');
      f.problems.push(
        `${verdict.kind === 'mismatch' ? 'mismatch' : 'lost update'}: person ${p.index} ${field.property} (${m.direction}, ${m.winner} wins) — HubSpot contact ${contact.id} holds ${show(hubspot)}, QBO customer ${customerId} holds ${show(qbo)}; allowed: ${verdict.allowed}; edits: ${history || 'none'}`,
      );
    }
  }

  checkInvoices(w, users, f);
  return f;
}

function checkInvoices(w: World, users: Users, f: Findings): void {
  const hubspotInvoices = [...w.hubspot.emulator.state.records.invoices.values()].filter((r) => !r.archived);
  const twins = new Map<string, typeof hubspotInvoices>();
  for (const r of hubspotInvoices) {
    const id = norm(r.properties['qbo_invoice_id']);
    if (id !== undefined) twins.set(id, [...(twins.get(id) ?? []), r]);
  }
  const dealsOf = (invoiceId: string) =>
    [...w.hubspot.emulator.state.associations.values()]
      .filter((a) => a.fromType === 'invoices' && a.fromId === invoiceId && a.toType === 'deals')
      .map((a) => a.toId);
  const invoiceError = (message: string) => {
    f.invoiceErrors++;
    f.problems.push(message);
  };

  const qboInvoices = [...w.qbo.emulator.state.entities.get('Invoice')!.values()];
  const byAction = checkActions(w, users, qboInvoices, invoiceError);
  const dealOfInvoice = new Map<string, string | undefined>();
  for (const invoice of qboInvoices) {
    f.invoicesChecked++;
    const id = String(invoice['Id']);
    const field = byAction.get(id) ?? (invoice['CustomField'] as { StringValue?: string }[] | undefined)?.[0]?.StringValue;
    dealOfInvoice.set(id, field);
    const found = twins.get(id) ?? [];
    if (found.length !== 1) {
      if (found.length > 1) f.duplicates++;
      invoiceError(`QBO invoice ${id} is in HubSpot ${found.length} times${found.length > 0 ? ` (${found.map((r) => r.id).join(', ')})` : ''}`);
      continue;
    }
    const twin = found[0]!;
    const total = toCents(invoice['TotalAmt']);
    const balance = toCents(invoice['Balance']);
    const voided = String(invoice['PrivateNote'] ?? '').startsWith('Voided') && total === 0;
    const status = voided ? 'voided' : balance <= 0 ? 'paid' : balance < total ? 'partially_paid' : 'open';
    const expected = { qbo_amount_billed: money(total), qbo_balance_due: money(balance), qbo_invoice_status: status };
    for (const [property, value] of Object.entries(expected))
      if (twin.properties[property] !== value)
        invoiceError(`QBO invoice ${id}: HubSpot invoice ${twin.id} ${property} is ${show(twin.properties[property])}, QBO says ${value}`);
    const deals = dealsOf(twin.id);
    const wanted = field === undefined ? [] : [field];
    if (deals.join(',') !== wanted.join(','))
      invoiceError(`QBO invoice ${id}: HubSpot invoice ${twin.id} is on deal(s) [${deals.join(', ')}], expected [${wanted.join(', ')}]`);
  }
  const known = new Set(qboInvoices.map((i) => String(i['Id'])));
  for (const inv of users.invoices) if (!known.has(inv.qboId)) invoiceError(`QBO invoice ${inv.qboId}, made by the accountant, is gone from QBO`);

  for (const payment of w.qbo.emulator.state.entities.get('Payment')!.values()) {
    const paymentId = String(payment['Id']);
    const voided = String(payment['PrivateNote'] ?? '').startsWith('Voided');
    for (const line of (payment['Line'] as { LinkedTxn?: { TxnId: string; TxnType: string }[] }[] | undefined) ?? []) {
      for (const txn of line.LinkedTxn ?? []) {
        if (txn.TxnType !== 'Invoice') continue;
        const dealId = dealOfInvoice.get(txn.TxnId);
        if (dealId === undefined) continue;
        f.paymentsChecked++;
        const events = w.hubspot.emulator.timelineEvents('deals', dealId).filter((e) => e.properties['qboPaymentId'] === paymentId);
        // Stored under the type's fully qualified name, ae<appId>_<uid>.
        const received = events.filter((e) => e.eventTypeName.endsWith('_payment_received')).length;
        const reversed = events.filter((e) => e.eventTypeName.endsWith('_payment_reversed')).length;
        const ok = voided ? received <= 1 && reversed === received : received === 1 && reversed === 0;
        if (!ok)
          invoiceError(
            `payment ${paymentId}${voided ? ' (voided)' : ''} on QBO invoice ${txn.TxnId}: deal ${dealId}'s timeline has ${received} received and ${reversed} reversed event(s)`,
          );
      }
    }
  }
}

/**
 * Each "Create invoice" execution that succeeded names one invoice of its own, made for its deal; every invoice the
 * accountant did not make is one of those; none failed. Returns invoice id → the deal its action ran on.
 */
function checkActions(w: World, users: Users, qboInvoices: Json[], invoiceError: (message: string) => void): Map<string, string> {
  const byAccountant = new Set(users.invoices.map((i) => i.qboId));
  const made = new Set(qboInvoices.map((i) => String(i['Id'])).filter((id) => !byAccountant.has(id)));
  const claimed = new Map<string, string>();
  const executions = new Map(w.hubspot.emulator.callbacks.map((e) => [e.callbackId, e]));
  for (const action of users.actions) {
    const e = executions.get(action.callbackId)!;
    const invoiceId = e.outputFields['qboInvoiceId'];
    if (e.state !== 'SUCCESS' || invoiceId === undefined) {
      invoiceError(
        `"Create invoice" on deal ${action.dealId} (${action.callbackId}) ended ${e.state}: ${e.outputFields['errorCode'] ?? ''} ${e.outputFields['errorMessage'] ?? ''}`,
      );
      continue;
    }
    if (claimed.has(invoiceId))
      invoiceError(`"Create invoice" executions ${claimed.get(invoiceId)} and ${action.callbackId} both answered QBO invoice ${invoiceId}`);
    else if (!made.has(invoiceId))
      invoiceError(`"Create invoice" on deal ${action.dealId} (${action.callbackId}) answered QBO invoice ${invoiceId}, which QBO does not have`);
    claimed.set(invoiceId, action.callbackId);
  }
  for (const id of made)
    if (!claimed.has(id))
      invoiceError(`QBO invoice ${id} was made by the app, but no "Create invoice" execution answered it (an action created two invoices?)`);
  const dealOf = new Map(users.actions.map((a) => [a.callbackId, a.dealId]));
  return new Map([...claimed].map(([invoiceId, callbackId]) => [invoiceId, dealOf.get(callbackId)!]));
}
