import type { HubSpotClient } from '../../hubspot/client';
import { HubSpotApiError } from '../../hubspot/errors';
import type { Logger } from '../../log';
import { CDC_LOOKBACK_MS, CDC_MAX_OBJECTS, qboQuote, type QboClient } from '../../quickbooks/client';
import type { QboEnvironment } from '../../quickbooks/endpoints';
import type { QboInvoice, QboPayment } from '../../quickbooks/schemas';
import type { InvoiceStore, PaymentApplication } from '../../store/invoices';
import type { Link } from '../../store/links';
import type { Store } from '../../store/store';
import type { SyncLogEntry } from '../../store/sync-log';
import { describeFailure, ReconnectRequired, RetryLater } from '../shared/failures';
import { chunk } from '../shared/pool';
import { contentHash } from '../shared/values';
import {
  DELETED_INVOICE,
  EMPTY_DEAL_ROLLUP,
  dealIdFromCustomField,
  invoiceFacts,
  isVoidedPayment,
  paymentApplications,
  toDealRollup,
  toDealTotals,
  toHubspotInvoice,
  type InvoiceFacts,
} from './mapping';
import type { InvoiceSettings } from './settings';
import { localDate, type InvoiceStatus } from './status';
import { paymentChanged, paymentReceived, paymentReversed } from './timeline';

export interface InvoiceSyncDeps {
  store: Store;
  invoices: InvoiceStore;
  hubspot: HubSpotClient;
  qbo: QboClient;
  log: Logger;
  now: () => Date;
  environment: QboEnvironment;
}

export interface InvoiceCounts {
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  dealsUpdated: number;
  paymentEvents: number;
  skipped: number;
  failed: number;
}

export interface InvoicePreview {
  counts: { invoices: number; create: number; update: number; withDeal: number; withoutContact: number; payments: number; byStatus: Partial<Record<InvoiceStatus, number>> };
  samples: { qboId: string; number: string | undefined; status: InvoiceStatus; amountBilled: string; balanceDue: string; currency: string | undefined; dealId: string | undefined; contactId: string | undefined }[];
}

const OBJECT = 'invoices';
const SAMPLE_SIZE = 5;
/** HubSpot's invoice association types (hubspot-api.md §4, §6): invoice→deal 175, invoice→contact 177. */
const INVOICE_TO_DEAL = 175;
const INVOICE_TO_CONTACT = 177;
/** The link's HubSpot hash once the HubSpot invoice has been archived: a repeated delete notification is a no-op. */
const ARCHIVED = 'archived';

/** The timeline event a payment application is owed next, if any. */
function nextPaymentEvent(a: PaymentApplication): 'received' | 'changed' | 'reversal' | undefined {
  if (a.state !== 'applied') return a.receivedSent && !a.reversalSent ? 'reversal' : undefined;
  if (!a.receivedSent) return a.amountCents > 0 ? 'received' : undefined;
  return a.reportedCents !== a.amountCents ? 'changed' : undefined;
}

/** A read of changed entities: the entity, or undefined when QBO no longer has it (deleted, §1.6 rule 1). */
type Reads<T> = Map<string, T | undefined>;

const emptyCounts = (): InvoiceCounts => ({ created: 0, updated: 0, unchanged: 0, archived: 0, dealsUpdated: 0, paymentEvents: 0, skipped: 0, failed: 0 });

/**
 * QBO invoices and payments → HubSpot invoices, deal roll-up properties and deal timeline events, for one
 * connection. One way: HubSpot never writes back.
 *
 * - Change sources: QBO webhooks for Invoice and Payment (ids only), and reconciliation by CDC on both entities
 *   (qbo-api.md §2.5) from the `invoices`/`qbo` checkpoint, which advances to the newest LastUpdatedTime seen;
 *   past CDC's 30-day window, a LastUpdatedTime query. Reconciliation also re-reads invoices whose days overdue
 *   moved with the calendar, since turning overdue changes nothing in QBO.
 * - Deletes: an invoice QBO no longer returns (or a CDC tombstone) is archived in HubSpot or kept marked deleted
 *   (settings.onDelete). A deleted payment is known from what it had applied (`payment_applications`).
 * - Idempotence: the link's hash skips writes that change nothing; a missing link is searched by `qbo_invoice_id`
 *   before creating; timeline occurrences carry a stable id and are flagged once sent.
 */
export class InvoiceSync {
  readonly #deps: InvoiceSyncDeps;
  readonly #connectionId: string;
  readonly #settings: InvoiceSettings;
  readonly #counts = emptyCounts();
  readonly #affectedDeals = new Set<string>();
  readonly #dealExists = new Map<string, boolean>();
  #today: string | undefined;
  #retryLater: unknown;

  constructor(deps: InvoiceSyncDeps, connectionId: string, settings: InvoiceSettings) {
    this.#deps = deps;
    this.#connectionId = connectionId;
    this.#settings = settings;
  }

  /** Syncs the invoices and payments a notification named. */
  async syncChanged(changed: { invoiceIds?: readonly string[]; paymentIds?: readonly string[] }): Promise<InvoiceCounts> {
    const payments = await this.#read('Payment', changed.paymentIds ?? []);
    return this.#run(new Map(), payments, changed.invoiceIds ?? []);
  }

  /** Everything changed in QBO since the checkpoint, whether or not a webhook said so. */
  async reconcile(): Promise<InvoiceCounts> {
    const { store, invoices, now } = this.#deps;
    const cursor = await store.checkpoints.get(this.#connectionId, OBJECT, 'qbo');
    const since = cursor ? new Date(cursor) : now();
    const { invoiceReads, paymentReads, newest } = await this.#changedSince(since);
    const drifted = await invoices.overdueDrift(this.#connectionId, await this.#companyToday());
    const counts = await this.#run(invoiceReads, paymentReads, drifted);
    await store.checkpoints.set(this.#connectionId, OBJECT, 'qbo', new Date(Math.max(newest, since.getTime())).toISOString());
    return counts;
  }

  /** Every invoice (from `firstSyncFrom` on) and every payment applied to them; reconciliation starts from here. */
  async firstSync(): Promise<InvoiceCounts> {
    const startedAt = this.#deps.now().toISOString();
    const { invoices, payments } = await this.#readAll();
    const counts = await this.#run(new Map(invoices.map((i) => [i.Id, i])), new Map(payments.map((p) => [p.Id, p])), []);
    await this.#deps.store.checkpoints.set(this.#connectionId, OBJECT, 'qbo', startedAt);
    return counts;
  }

  /** What the first sync would do, without writing anything. */
  async preview(): Promise<InvoicePreview> {
    const { invoices, payments } = await this.#readAll();
    const today = await this.#companyToday();
    const preview: InvoicePreview = { counts: { invoices: invoices.length, create: 0, update: 0, withDeal: 0, withoutContact: 0, payments: payments.length, byStatus: {} }, samples: [] };
    for (const invoice of invoices) {
      const facts = invoiceFacts(invoice, today, this.#deps.environment);
      const linked = await this.#deps.store.links.byQboId(this.#connectionId, OBJECT, invoice.Id);
      const dealId = await this.#dealOf(invoice, false);
      const contactId = await this.#contactOf(facts);
      preview.counts[linked ? 'update' : 'create']++;
      if (dealId) preview.counts.withDeal++;
      if (!contactId) preview.counts.withoutContact++;
      preview.counts.byStatus[facts.status] = (preview.counts.byStatus[facts.status] ?? 0) + 1;
      if (preview.samples.length < SAMPLE_SIZE) {
        const rollup = toDealRollup(facts);
        preview.samples.push({
          qboId: invoice.Id,
          number: facts.number,
          status: facts.status,
          amountBilled: rollup.qbo_invoice_amount_billed!,
          balanceDue: rollup.qbo_invoice_balance_due!,
          currency: facts.currency,
          dealId,
          contactId,
        });
      }
    }
    return preview;
  }

  // ── one run ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Payments first (they name the invoices they touch), then every touched invoice, then the deals whose
   * latest invoice or totals may have changed, then the timeline events (which need the invoice's deal and number).
   */
  async #run(invoiceReads: Reads<QboInvoice>, paymentReads: Reads<QboPayment>, moreInvoiceIds: readonly string[]): Promise<InvoiceCounts> {
    const invoiceIds = new Set([...invoiceReads.keys(), ...moreInvoiceIds]);
    const moneyMoved = new Set<string>();
    for (const [paymentId, payment] of paymentReads) {
      await this.#guard({ qboId: paymentId, action: 'payment' }, async () => {
        const { touched, moved } = await this.#recordPayment(paymentId, payment);
        for (const id of touched) invoiceIds.add(id);
        for (const id of moved) moneyMoved.add(id);
      });
    }
    const toRead = [...invoiceIds].filter((id) => !invoiceReads.has(id));
    for (const [id, invoice] of await this.#read('Invoice', toRead)) invoiceReads.set(id, invoice);

    for (const id of invoiceIds) {
      await this.#guard({ qboId: id, action: invoiceReads.get(id) ? 'upsert' : 'delete' }, () => this.#syncInvoice(id, invoiceReads.get(id)));
    }
    // Money received counts in the deal's totals even when the invoice's balance did not move (credit swapped for money).
    for (const id of moneyMoved) {
      const dealId = (await this.#deps.invoices.state(this.#connectionId, id))?.dealId;
      if (dealId) this.#affectedDeals.add(dealId);
    }
    for (const dealId of this.#affectedDeals) {
      await this.#guard({ hubspotId: dealId, action: 'deal_rollup' }, () => this.#rollUp(dealId));
    }
    for (const paymentId of paymentReads.keys()) {
      await this.#guard({ qboId: paymentId, action: 'payment_event' }, () => this.#sendPaymentEvents(paymentId));
    }
    return this.#finish();
  }

  // ── payments ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records the money the payment received for each invoice now (credit it uses is not money); what it applied before
   * and no longer does is voided or deleted. Returns the invoices touched, and those whose money received changed.
   */
  async #recordPayment(paymentId: string, payment: QboPayment | undefined): Promise<{ touched: string[]; moved: string[] }> {
    const { invoices } = this.#deps;
    const prior = await invoices.payments(this.#connectionId, paymentId);
    const voided = payment !== undefined && isVoidedPayment(payment);
    const current = payment && !voided ? paymentApplications(payment) : new Map<string, number>();
    for (const [invoiceId, amountCents] of current) {
      await invoices.savePayment(this.#connectionId, {
        qboPaymentId: paymentId,
        qboInvoiceId: invoiceId,
        amountCents,
        currency: payment?.CurrencyRef?.value,
        method: payment?.PaymentMethodRef?.name,
        reference: payment?.PaymentRefNum,
        paidOn: payment?.TxnDate,
        state: 'applied',
      });
    }
    for (const a of prior) {
      if (a.state === 'applied' && !current.has(a.qboInvoiceId)) await invoices.setPaymentState(this.#connectionId, paymentId, a.qboInvoiceId, voided ? 'voided' : 'deleted');
    }
    const before = new Map(prior.filter((a) => a.state === 'applied').map((a) => [a.qboInvoiceId, a.amountCents]));
    const touched = [...new Set([...current.keys(), ...prior.map((a) => a.qboInvoiceId)])];
    return { touched, moved: touched.filter((id) => before.get(id) !== current.get(id)) };
  }

  /**
   * The deal's timeline follows the money: one event when a payment's money lands on an invoice of a deal, one more
   * each time its amount is edited in QBO, and one if it is voided or deleted. A payment that only uses credit
   * received no money and adds nothing.
   */
  async #sendPaymentEvents(paymentId: string): Promise<void> {
    const { invoices, now } = this.#deps;
    for (const a of await invoices.payments(this.#connectionId, paymentId)) {
      const event = nextPaymentEvent(a);
      if (event === undefined) continue;
      const state = await invoices.state(this.#connectionId, a.qboInvoiceId);
      if (!state?.dealId) continue;
      const number = state.dealValues['qbo_invoice_number'] || a.qboInvoiceId;
      const at = event === 'received' && a.paidOn ? this.#eventTime(a) : now();
      const occurrence = { received: paymentReceived, changed: paymentChanged, reversal: paymentReversed }[event](a, state.dealId, number, at);
      await this.#sendOnce(occurrence);
      await invoices.markEventSent(this.#connectionId, paymentId, a.qboInvoiceId, event, event === 'reversal' ? 0 : a.amountCents);
      this.#counts.paymentEvents++;
    }
  }

  /** The payment's own date, at noon UTC so it reads as that day in any time zone; never in the future. */
  #eventTime(a: PaymentApplication): Date {
    const noon = new Date(`${a.paidOn}T12:00:00Z`);
    return noon.getTime() > this.#deps.now().getTime() ? this.#deps.now() : noon;
  }

  async #sendOnce(occurrence: Parameters<HubSpotClient['sendAppEvent']>[0]): Promise<void> {
    try {
      await this.#deps.hubspot.sendAppEvent(occurrence);
    } catch (err) {
      // Occurrences are immutable (hubspot-api.md §12): a 409 for our id means an earlier attempt already landed.
      if (!(err instanceof HubSpotApiError && err.kind === 'conflict')) throw err;
    }
  }

  // ── invoices ──────────────────────────────────────────────────────────────────────────────────────────

  async #syncInvoice(qboId: string, invoice: QboInvoice | undefined): Promise<void> {
    const { store, invoices, hubspot, now } = this.#deps;
    const link = await store.links.byQboId(this.#connectionId, OBJECT, qboId);
    const prior = await invoices.state(this.#connectionId, qboId);
    if (invoice === undefined) return this.#deleteInvoice(qboId, link, prior?.dealId);

    const facts = invoiceFacts(invoice, await this.#companyToday(), this.#deps.environment);
    const dealId = await this.#dealOf(invoice);
    const contactId = await this.#contactOf(facts);
    const properties = toHubspotInvoice(facts);
    const associated = { deal: dealId ?? '', contact: contactId ?? '' };
    const hash = contentHash({ ...properties, '@deal': associated.deal, '@contact': associated.contact });

    if (link?.hubspotHash === hash) {
      this.#counts.unchanged++;
    } else {
      let hubspotId = link && link.hubspotHash !== ARCHIVED ? link.hubspotId : await this.#findHubspotInvoice(qboId);
      if (hubspotId === undefined) {
        const associations = [
          ...(contactId ? [{ toId: contactId, associationTypeId: INVOICE_TO_CONTACT }] : []),
          ...(dealId ? [{ toId: dealId, associationTypeId: INVOICE_TO_DEAL }] : []),
        ];
        const [created] = await hubspot.create(OBJECT, [{ properties, associations }]);
        hubspotId = created!.id;
        this.#counts.created++;
      } else {
        await hubspot.update(OBJECT, [{ id: hubspotId, properties }]);
        // Only the record the link names carries what syncedValues says; one found by search starts from nothing known.
        const before = link && link.hubspotHash !== ARCHIVED ? link.syncedValues : undefined;
        await this.#reassociate(hubspotId, 'contacts', before?.['contact'], contactId);
        await this.#reassociate(hubspotId, 'deals', before?.['deal'], dealId);
        this.#counts.updated++;
      }
      await store.links.save(
        { connectionId: this.#connectionId, object: OBJECT, hubspotId, qboId, hubspotHash: hash, qboHash: undefined, qboSyncToken: invoice.SyncToken, syncedValues: associated },
        now(),
      );
    }

    const dealValues = toDealRollup(facts);
    await invoices.saveState(this.#connectionId, {
      qboInvoiceId: qboId,
      dealId,
      qboUpdatedAt: facts.updatedAt,
      invoiceDate: facts.invoiceDate,
      dueDate: facts.dueDate,
      billedCents: facts.amountBilledCents,
      balanceCents: facts.balanceDueCents,
      currency: facts.currency,
      daysOverdue: facts.daysOverdue,
      dealValues,
    });
    const rollupChanged = !prior || prior.dealId !== dealId || prior.qboUpdatedAt.getTime() !== facts.updatedAt.getTime() || contentHash(prior.dealValues) !== contentHash(dealValues);
    if (rollupChanged && dealId) this.#affectedDeals.add(dealId);
    if (prior?.dealId && prior.dealId !== dealId) this.#affectedDeals.add(prior.dealId);
  }

  /**
   * Follows a changed contact or deal: the new one is associated (unlabeled default, hubspot-api.md §6; PUT is
   * idempotent, so only a change costs a call) and the old one dissociated, so the invoice shows on one deal only.
   */
  async #reassociate(hubspotId: string, toType: 'contacts' | 'deals', before: string | undefined, now: string | undefined): Promise<void> {
    // syncedValues records "none" as ''.
    const previous = before === '' ? undefined : before;
    if (now === previous) return;
    if (now) await this.#deps.hubspot.associate(OBJECT, hubspotId, toType, now);
    if (previous) await this.#deps.hubspot.dissociate(OBJECT, hubspotId, toType, previous);
  }

  /** Deleted in QBO: dropped from its deal's roll-up; archived in HubSpot, or kept and marked deleted (settings.onDelete). */
  async #deleteInvoice(qboId: string, link: Link | undefined, priorDealId: string | undefined): Promise<void> {
    const { store, invoices, hubspot, now } = this.#deps;
    await invoices.removeState(this.#connectionId, qboId);
    if (priorDealId) this.#affectedDeals.add(priorDealId);
    if (link?.hubspotHash === ARCHIVED) return;
    const hubspotId = link?.hubspotId ?? (await this.#findHubspotInvoice(qboId));
    if (hubspotId === undefined) return;
    let hash: string;
    if (this.#settings.onDelete === 'archive') {
      // Only draft invoices can be deleted (hubspot-api.md §4): back to draft, then archive.
      await hubspot.update(OBJECT, [{ id: hubspotId, properties: { hs_invoice_status: 'draft' } }]);
      await hubspot.archive(OBJECT, [hubspotId]);
      this.#counts.archived++;
      hash = ARCHIVED;
    } else {
      await hubspot.update(OBJECT, [{ id: hubspotId, properties: DELETED_INVOICE }]);
      this.#counts.updated++;
      hash = contentHash(DELETED_INVOICE);
    }
    await store.links.save(
      { connectionId: this.#connectionId, object: OBJECT, hubspotId, qboId, hubspotHash: hash, qboHash: undefined, qboSyncToken: undefined, syncedValues: link?.syncedValues },
      now(),
    );
    await this.#log({ qboId, hubspotId, action: 'delete', outcome: 'succeeded', message: `The invoice was deleted in QuickBooks; its HubSpot invoice was ${hash === ARCHIVED ? 'archived' : 'marked deleted'}.` });
  }

  /** Our own earlier create carries the QBO id: a create retried after a lost response finds it instead of duplicating. */
  async #findHubspotInvoice(qboId: string): Promise<string | undefined> {
    const [found] = await this.#deps.hubspot.search(OBJECT, { filters: [{ propertyName: 'qbo_invoice_id', operator: 'EQ', value: qboId }], properties: ['qbo_invoice_id'], limit: 1 });
    return found?.id;
  }

  /** The deal the "Create invoice" action made it from, else the one its custom field names, if that deal exists. */
  async #dealOf(invoice: QboInvoice, logMissing = true): Promise<string | undefined> {
    const dealId = (await this.#deps.invoices.originOf(this.#connectionId, invoice.Id)) ?? dealIdFromCustomField(invoice, this.#settings.dealFieldName);
    if (dealId === undefined) return undefined;
    if (!this.#dealExists.has(dealId)) {
      const [deal] = await this.#deps.hubspot.read('deals', [dealId], ['dealname']);
      this.#dealExists.set(dealId, deal !== undefined && !deal.archived);
      if (!this.#dealExists.get(dealId) && logMissing) {
        await this.#log({ qboId: invoice.Id, action: 'associate_deal', outcome: 'skipped', message: `QuickBooks invoice ${invoice.DocNumber ?? invoice.Id} names HubSpot deal ${dealId}, which does not exist; the invoice is linked to its contact only.` });
      }
    }
    return this.#dealExists.get(dealId) ? dealId : undefined;
  }

  /** The HubSpot contact linked to the invoice's customer by the Contacts ⇄ Customers sync. */
  async #contactOf(facts: InvoiceFacts): Promise<string | undefined> {
    return (await this.#deps.store.links.byQboId(this.#connectionId, 'contacts', facts.customerId))?.hubspotId;
  }

  /**
   * The deal shows its most recently updated invoice, and its totals across all of its invoices; with none left, its
   * invoice properties are cleared.
   */
  async #rollUp(dealId: string): Promise<void> {
    const latest = await this.#deps.invoices.latestForDeal(this.#connectionId, dealId);
    const totals = await this.#deps.invoices.dealTotals(this.#connectionId, dealId);
    await this.#deps.hubspot.update('deals', [{ id: dealId, properties: { ...(latest?.dealValues ?? EMPTY_DEAL_ROLLUP), ...toDealTotals(totals) } }]);
    if (totals.length > 1) {
      await this.#log({
        hubspotId: dealId,
        action: 'deal_rollup',
        outcome: 'skipped',
        message: `Deal ${dealId} has invoices in ${totals.map((t) => t.currency).join(' and ')}; amounts in different currencies do not add up, so its invoice totals show counts only.`,
      });
    }
    this.#counts.dealsUpdated++;
  }

  // ── reading QBO ───────────────────────────────────────────────────────────────────────────────────────

  /** By id, 100 per query; an id QBO does not return is deleted (§1.6 rule 1). */
  async #read<E extends 'Invoice' | 'Payment'>(entity: E, ids: readonly string[]): Promise<Reads<E extends 'Invoice' ? QboInvoice : QboPayment>> {
    const found: Reads<E extends 'Invoice' ? QboInvoice : QboPayment> = new Map();
    for (const part of chunk([...new Set(ids)], 100)) {
      const rows = (await this.#deps.qbo.query(entity, `Id IN (${part.map(qboQuote).join(', ')})`)) as (E extends 'Invoice' ? QboInvoice : QboPayment)[];
      for (const id of part) found.set(id, rows.find((r) => r.Id === id));
    }
    return found;
  }

  async #readAll(): Promise<{ invoices: QboInvoice[]; payments: QboPayment[] }> {
    const where = this.#settings.firstSyncFrom === undefined ? undefined : `TxnDate >= ${qboQuote(this.#settings.firstSyncFrom)}`;
    return { invoices: await this.#deps.qbo.query('Invoice', where), payments: await this.#deps.qbo.query('Payment', where) };
  }

  /** CDC within its 30-day window while its answer is complete (tombstones mean deleted), else a LastUpdatedTime query (qbo-api.md §2.5). */
  async #changedSince(since: Date): Promise<{ invoiceReads: Reads<QboInvoice>; paymentReads: Reads<QboPayment>; newest: number }> {
    const { qbo, now } = this.#deps;
    const invoiceReads: Reads<QboInvoice> = new Map();
    const paymentReads: Reads<QboPayment> = new Map();
    let newest = since.getTime();
    const seen = (updated: string | undefined) => {
      if (updated) newest = Math.max(newest, Date.parse(updated));
    };
    // A full CDC answer (1,000 objects across both entities, §2.5) may have left changes out: then query.
    const changes = now().getTime() - since.getTime() < CDC_LOOKBACK_MS - 60_000 ? await qbo.cdc(['Invoice', 'Payment'], since) : undefined;
    if (changes && changes.Invoice.length + changes.Payment.length < CDC_MAX_OBJECTS) {
      for (const row of changes.Invoice) {
        invoiceReads.set(row.Id, 'status' in row && row.status === 'Deleted' ? undefined : (row as QboInvoice));
        seen(row.MetaData?.LastUpdatedTime);
      }
      for (const row of changes.Payment) {
        paymentReads.set(row.Id, 'status' in row && row.status === 'Deleted' ? undefined : (row as QboPayment));
        seen(row.MetaData?.LastUpdatedTime);
      }
    } else {
      const when = `MetaData.LastUpdatedTime >= ${qboQuote(since.toISOString())}`;
      for (const i of await qbo.query('Invoice', when, { orderBy: 'MetaData.LastUpdatedTime' })) {
        invoiceReads.set(i.Id, i);
        seen(i.MetaData?.LastUpdatedTime);
      }
      for (const p of await qbo.query('Payment', when, { orderBy: 'MetaData.LastUpdatedTime' })) {
        paymentReads.set(p.Id, p);
        seen(p.MetaData?.LastUpdatedTime);
      }
    }
    return { invoiceReads, paymentReads, newest };
  }

  /** Today in the company's time zone (CompanyInfo.DefaultTimeZone, qbo-api.md §1.8), read once per run. */
  async #companyToday(): Promise<string> {
    if (this.#today === undefined) {
      const timeZone = (await this.#deps.qbo.companyInfo()).DefaultTimeZone;
      try {
        this.#today = localDate(this.#deps.now(), timeZone ?? 'UTC');
      } catch {
        this.#deps.log.warn({ connectionId: this.#connectionId, timeZone }, 'QuickBooks company time zone not recognised; using UTC');
        this.#today = localDate(this.#deps.now(), 'UTC');
      }
    }
    return this.#today;
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────────────

  /** As in the two-way engine: a record's validation fault is logged and the run goes on; outages end it for a retry. */
  async #guard(where: Omit<SyncLogEntry, 'connectionId' | 'object' | 'outcome' | 'direction'>, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      const failure = describeFailure(err);
      if (failure.reauth) throw new ReconnectRequired(failure.message);
      if (failure.retryable) {
        this.#retryLater ??= err;
        return;
      }
      this.#counts.failed++;
      this.#deps.log.warn({ err, connectionId: this.#connectionId, object: OBJECT, ...where }, 'invoice record failed to sync');
      await this.#log({ ...where, outcome: 'failed', errorCode: failure.code, message: failure.message });
    }
  }

  async #log(entry: Omit<SyncLogEntry, 'connectionId' | 'object' | 'direction'>): Promise<void> {
    if (entry.outcome === 'skipped') this.#counts.skipped++;
    await this.#deps.store.syncLog.record({ connectionId: this.#connectionId, object: OBJECT, direction: 'to_hubspot', at: this.#deps.now(), ...entry });
  }

  #finish(): InvoiceCounts {
    if (this.#retryLater !== undefined) {
      throw new RetryLater(`${describeFailure(this.#retryLater).message} The sync will be retried.`, { cause: this.#retryLater });
    }
    return { ...this.#counts };
  }
}
