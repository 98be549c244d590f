import { createHash } from 'node:crypto';
import type { CallProfile, ProviderClients } from '../connections/provider-clients';
import type { HubSpotClient } from '../hubspot/client';
import type { Logger } from '../log';
import { qboQuote, type QboClient } from '../quickbooks/client';
import { QboApiError } from '../quickbooks/errors';
import { invoicingSettings, qboInvoiceBody, type InvoicingSettings } from '../quickbooks/invoice-draft';
import type { QboInvoice } from '../quickbooks/schemas';
import type { Connection } from '../store/connections';
import type { InvoiceRequest } from '../store/invoice-requests';
import type { Store } from '../store/store';
import { invoiceFacts } from '../sync/invoices/mapping';
import type { InvoiceSettings } from '../sync/invoices/settings';
import { fromCents, type InvoiceStatus } from '../sync/invoices/status';
import type { SyncRunner } from '../sync/runner';
import type { FlowSettings } from '../sync/two-way/settings';
import { byNumericId, companyToday, CONTACT_PROPERTIES, billToOf, LINE_ITEM_PROPERTIES, present, QboBilling } from './billing';
import { buildInvoiceDraft, resolveOptions } from './builder';
import { InvoiceCreationDeferred, InvoiceCreationFailed, invoiceFailure, readFailure, type InvoiceFailure } from './failures';
import { KeyedLock } from './keyed-lock';
import { parseInvoiceOptions, type InvoiceOptions } from './options';

/** The invoice QBO created, as callers show it (workflow outputs, the deal card). */
export interface CreatedInvoice {
  id: string;
  number: string | undefined;
  link: string;
  status: InvoiceStatus;
  /** TotalAmt (tax included), two decimals. */
  total: string;
  currency: string;
  dueDate: string | undefined;
  emailed: boolean;
}

/** The outcome of a request; `replayed` when it is the stored outcome of an earlier request with the same key. */
export type InvoiceCreation =
  | { status: 'created'; invoice: CreatedInvoice; replayed: boolean }
  | { status: 'failed'; failure: InvoiceFailure; invoice: CreatedInvoice | undefined; replayed: boolean };

export interface CreateInvoiceRun {
  /** Who asked, for the sync log: "a workflow", "the deal card". */
  source: string;
  /**
   * Someone waits for the answer: one attempt per provider call, short QBO timeouts and a deadline, and anything
   * that would need waiting (a rate limit, an outage, a busy sync) comes back as InvoiceCreationDeferred at once.
   */
  interactive?: boolean;
  /** The deal's properties when the caller already has them (a workflow execution carries the ones it asked for). */
  dealProperties?: Record<string, string | null>;
}

export interface DealInvoiceDeps {
  store: Store;
  sync: SyncRunner;
  clients: ProviderClients;
  log: Logger;
  now: () => Date;
}

const INTERACTIVE: CallProfile = { maxAttempts: 1, qboTimeoutMs: 4_000 };
/** How long an interactive request may work before it defers: HubSpot's action timeout is unconfirmed (20 s is quoted). */
const ANSWER_BUDGET_MS = 8_000;
const DEAL_PROPERTIES = ['dealname', 'deal_currency_code'];
/** QBO's DocNumber holds 21 characters (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice); leave room for a "-N" suffix. */
const DOC_NUMBER_BASE_LENGTH = 17;

/**
 * Creates a QBO invoice from a HubSpot deal, exactly once per idempotency key: the "Create invoice" workflow action
 * and the deal card's button call this. The deal's contact is the customer (through the Contacts sync's link, or
 * matched or created as the Contacts sync would), each line item's product its QBO item (likewise, or the default
 * item); the invoice is built by `builder.ts` and written by `quickbooks/invoice-draft.ts`; its deal is recorded so
 * the invoice flow brings it back to that deal in HubSpot.
 *
 * Exactly once: the request is recorded by key before any write and settled with its outcome, which a repeat gets
 * back; QBO's create carries a request id derived from the key, so a retry after a lost response gets QBO's first
 * answer instead of a second invoice; the invoice id is stored as soon as QBO returns it, so a retry after a crash
 * only finishes what is left (the e-mail). One request per key runs at a time in a process.
 */
export class DealInvoiceService {
  readonly #deps: DealInvoiceDeps;
  readonly #lock = new KeyedLock();

  constructor(deps: DealInvoiceDeps) {
    this.#deps = deps;
  }

  /**
   * `rawOptions` are the caller's inputs as a form or a workflow sends them (see options.ts). Resolves with the
   * outcome; throws InvoiceCreationDeferred when QBO or HubSpot cannot answer now (retry later with the same key).
   */
  async createInvoiceFromDeal(
    connectionId: string,
    dealId: string,
    rawOptions: Record<string, unknown>,
    idempotencyKey: string,
    run: CreateInvoiceRun,
  ): Promise<InvoiceCreation> {
    return this.#lock.run(`${connectionId}:${idempotencyKey}`, async () => {
      const prior = await this.#deps.store.invoiceRequests.get(connectionId, idempotencyKey);
      if (prior !== undefined && prior.status !== 'pending') return replay(prior);
      try {
        const options = parseInvoiceOptions(rawOptions);
        const connection = await this.#usableConnection(connectionId);
        const request = await this.#deps.store.invoiceRequests.begin(connectionId, idempotencyKey, dealId);
        return await new InvoiceRun(this.#deps, connection, request, options, run).create();
      } catch (err) {
        const read = readFailure(err);
        if (read.defer) throw err instanceof InvoiceCreationDeferred ? err : new InvoiceCreationDeferred(read.reason, { cause: err });
        if (read.failure.code === 'INTERNAL_ERROR') this.#deps.log.error({ err, connectionId, dealId }, 'creating an invoice from a deal failed unexpectedly');
        return this.#settleFailure(connectionId, idempotencyKey, dealId, read.failure, run.source);
      }
    });
  }

  /** Ends a request whose deferral ran out of retries: QBO stayed unreachable. */
  async abandon(connectionId: string, idempotencyKey: string, dealId: string, source: string, reason: string): Promise<InvoiceCreation> {
    return this.#lock.run(`${connectionId}:${idempotencyKey}`, async () => {
      const prior = await this.#deps.store.invoiceRequests.get(connectionId, idempotencyKey);
      if (prior !== undefined && prior.status !== 'pending') return replay(prior);
      return this.#settleFailure(connectionId, idempotencyKey, dealId, invoiceFailure('QBO_UNAVAILABLE', reason), source);
    });
  }

  async #usableConnection(connectionId: string): Promise<Connection> {
    const connection = await this.#deps.store.connections.get(connectionId);
    if (connection?.qboRealmId === undefined || connection.qboTokens === undefined) throw new InvoiceCreationFailed('QBO_NOT_CONNECTED');
    if (connection.status === 'reauth_required') {
      // The token keeper names the provider whose grant died (connections/token-keeper.ts).
      throw new InvoiceCreationFailed(connection.statusReason?.startsWith('HubSpot') ? 'HUBSPOT_RECONNECT_REQUIRED' : 'QBO_RECONNECT_REQUIRED');
    }
    if (connection.status !== 'active') throw new InvoiceCreationFailed('QBO_NOT_CONNECTED');
    return connection;
  }

  async #settleFailure(connectionId: string, idempotencyKey: string, dealId: string, failure: InvoiceFailure, source: string): Promise<InvoiceCreation> {
    this.#deps.log.info({ connectionId, dealId, code: failure.code, detail: failure.detail }, 'invoice from deal not created');
    const outcome: InvoiceCreation = { status: 'failed', failure, invoice: undefined, replayed: false };
    // A portal with no connection has no request to record nor log to write to.
    if ((await this.#deps.store.connections.get(connectionId)) === undefined) return outcome;
    const request = await this.#deps.store.invoiceRequests.begin(connectionId, idempotencyKey, dealId);
    return settle(this.#deps.store, request, outcome, source);
  }
}

/**
 * Stores a request's outcome for replays and writes it to the sync log, where the settings page shows it: a failure
 * with its rule's message, and the invoice when one was created before a later step (the e-mail) failed.
 */
async function settle(store: Store, request: InvoiceRequest, outcome: InvoiceCreation, source: string): Promise<InvoiceCreation> {
  const { connectionId, idempotencyKey, dealId } = request;
  const qboId = outcome.invoice?.id ?? request.qboInvoiceId;
  await store.invoiceRequests.settle(connectionId, idempotencyKey, outcome.status, stored(outcome));
  const where = {
    connectionId,
    object: 'invoices' as const,
    direction: 'to_qbo' as const,
    hubspotId: dealId,
    ...(qboId !== undefined ? { qboId } : {}),
    action: 'create_from_deal',
  };
  if (outcome.status === 'created') {
    const { invoice } = outcome;
    await store.syncLog.record({
      ...where,
      outcome: 'succeeded',
      message: `Invoice ${invoice.number ?? invoice.id} (${invoice.total} ${invoice.currency}) created in QuickBooks from the deal, as ${source} asked${invoice.emailed ? ', and e-mailed' : ''}.`,
      details: { requestedBy: source },
    });
  } else {
    await store.syncLog.record({
      ...where,
      outcome: 'failed',
      errorCode: outcome.failure.code,
      message: outcome.failure.message,
      details: { requestedBy: source, detail: outcome.failure.detail },
    });
  }
  return outcome;
}

/** What is kept of an outcome for replays. */
const stored = (outcome: InvoiceCreation): Record<string, unknown> => {
  const { replayed: _replayed, ...rest } = outcome;
  return rest;
};

const replay = (request: InvoiceRequest): InvoiceCreation => ({ ...(request.outcome as Omit<InvoiceCreation, 'replayed'>), replayed: true }) as InvoiceCreation;

/** One attempt at one request: reads, links, builds, creates, e-mails, settles. */
class InvoiceRun {
  readonly #deps: DealInvoiceDeps;
  readonly #connection: Connection;
  readonly #request: InvoiceRequest;
  readonly #options: InvoiceOptions;
  readonly #run: CreateInvoiceRun;
  readonly #profile: CallProfile | undefined;
  readonly #hubspot: HubSpotClient;
  readonly #qbo: QboClient;
  readonly #deadline: number | undefined;
  readonly #billing: QboBilling;

  constructor(deps: DealInvoiceDeps, connection: Connection, request: InvoiceRequest, options: InvoiceOptions, run: CreateInvoiceRun) {
    this.#deps = deps;
    this.#connection = connection;
    this.#request = request;
    this.#options = options;
    this.#run = run;
    this.#profile = run.interactive ? INTERACTIVE : undefined;
    this.#hubspot = deps.clients.hubspot(connection, this.#profile);
    this.#qbo = deps.clients.qbo(connection, this.#profile);
    this.#deadline = run.interactive ? deps.now().getTime() + ANSWER_BUDGET_MS : undefined;
    const profile = this.#profile;
    this.#billing = new QboBilling({
      connectionId: connection.id,
      store: deps.store,
      hubspot: this.#hubspot,
      qbo: this.#qbo,
      // Through the sync runner, under the flow's lease: a busy flow comes back as RetryLater, and the request is deferred.
      syncNow: async (object, changes, adjust) => {
        await deps.sync.syncNow<FlowSettings>(connection.id, object, changes, { adjust, ...(profile === undefined ? {} : { profile }) });
      },
      step: () => this.#step(),
    });
  }

  get #connectionId(): string {
    return this.#connection.id;
  }

  get #dealId(): string {
    return this.#request.dealId;
  }

  /** Before each remote step of an interactive request: past the budget, the rest is finished later. */
  #step(): void {
    if (this.#deadline !== undefined && this.#deps.now().getTime() > this.#deadline) throw new InvoiceCreationDeferred('answering now would take too long');
  }

  async create(): Promise<InvoiceCreation> {
    const { store, sync } = this.#deps;
    this.#step();
    const [companyInfo, preferences, { settings }] = await Promise.all([
      this.#qbo.companyInfo(),
      this.#qbo.preferences(),
      sync.settings<InvoiceSettings>(this.#connectionId, 'invoices'),
    ]);
    const company = invoicingSettings(companyInfo, preferences);
    const today = companyToday(this.#deps.now(), company.timeZone);

    let invoice: QboInvoice;
    if (this.#request.qboInvoiceId !== undefined) {
      // An earlier attempt created it and stopped before the end: finish, never create again.
      invoice = await this.#qbo.get('Invoice', this.#request.qboInvoiceId);
    } else {
      invoice = await this.#createInQbo(company, settings, today);
      await store.invoiceRequests.setInvoice(this.#connectionId, this.#request.idempotencyKey, invoice.Id);
      await store.invoices.recordOrigin(this.#connectionId, invoice.Id, this.#dealId);
      // The invoice flow brings it to the deal in HubSpot, whether or not QBO's webhook arrives.
      await sync.enqueueChanges(this.#connectionId, 'invoices', { qbo: { Invoice: [invoice.Id] } });
    }

    let emailFailure: InvoiceFailure | undefined;
    if (this.#options.sendEmail && !this.#request.emailed) {
      ({ invoice, emailFailure } = await this.#email(invoice));
      if (emailFailure === undefined) await store.invoiceRequests.setEmailed(this.#connectionId, this.#request.idempotencyKey);
    }
    const created = createdInvoice(invoice, today, company, this.#deps.clients.settings.quickbooks.environment);
    this.#deps.log.info({ connectionId: this.#connectionId, dealId: this.#dealId, qboInvoiceId: invoice.Id }, 'invoice created from deal');
    const outcome: InvoiceCreation =
      emailFailure === undefined
        ? { status: 'created', invoice: created, replayed: false }
        : { status: 'failed', failure: emailFailure, invoice: created, replayed: false };
    return settle(store, this.#request, outcome, this.#run.source);
  }

  async #createInQbo(company: InvoicingSettings, settings: InvoiceSettings, today: string): Promise<QboInvoice> {
    const { dealProperties } = this.#run;
    this.#step();
    const deal =
      dealProperties !== undefined && DEAL_PROPERTIES.every((p) => p in dealProperties)
        ? dealProperties
        : (await this.#hubspot.read('deals', [this.#dealId], DEAL_PROPERTIES))[0]?.properties;
    if (deal === undefined) throw new InvoiceCreationFailed('DEAL_NOT_FOUND');
    const [lineItemIds, contactIds] = await Promise.all([
      this.#hubspot.associations('deals', this.#dealId, 'line_items'),
      this.#hubspot.associations('deals', this.#dealId, 'contacts'),
    ]);
    // A deal with several contacts bills the first associated one (the lowest id: HubSpot marks no primary contact).
    const contactId = [...contactIds].sort((a, b) => byNumericId({ id: a }, { id: b }))[0];
    if (contactId === undefined) throw new InvoiceCreationFailed('NO_CONTACT');
    if (lineItemIds.length === 0) throw new InvoiceCreationFailed('NO_LINE_ITEMS');
    this.#step();
    const [[contact], lineItems, facts] = await Promise.all([
      this.#hubspot.read('contacts', [contactId], CONTACT_PROPERTIES),
      this.#hubspot.read('line_items', lineItemIds, LINE_ITEM_PROPERTIES),
      this.#billing.companyFacts(company, settings.dealFieldName, today, {
        terms: this.#options.paymentTerms !== undefined,
        taxCodes: this.#options.taxCode !== undefined,
      }),
    ]);
    if (contact === undefined) throw new InvoiceCreationFailed('NO_CONTACT');
    // Refuse unknown terms or tax codes before a customer or item is created for an invoice that cannot be made.
    resolveOptions(facts, this.#options);

    const customerId = await this.#billing.customerFor(contact, this.#options.whenCustomerMissing);
    const itemOf = await this.#billing.itemsFor(lineItems.sort(byNumericId), this.#options.whenItemMissing, settings.defaultItemId);
    this.#step();
    const [customer, lines] = await Promise.all([this.#qbo.get('Customer', customerId), this.#billing.lines(lineItems, itemOf, company)]);
    const dealCurrency =
      present(deal['deal_currency_code']) ?? lineItems.map((li) => present(li.properties['hs_line_item_currency_code'])).find((c) => c !== undefined);
    const docNumber = company.customNumbers ? await this.#nextDocNumber() : undefined;
    this.#step();
    const draft = buildInvoiceDraft({
      deal: { id: this.#dealId, name: present(deal['dealname']), currency: dealCurrency },
      lines,
      billTo: billToOf(customerId, customer, contact),
      company: facts,
      options: this.#options,
      docNumber,
    });
    return this.#qbo.create('Invoice', qboInvoiceBody(draft), { requestId: qboRequestId(this.#connectionId, this.#request.idempotencyKey) });
  }

  /** A company that numbers its own invoices gets "HS-<deal id>", then "HS-<deal id>-2"… for the deal's next ones. */
  async #nextDocNumber(): Promise<string> {
    const base = `HS-${this.#dealId}`.slice(0, DOC_NUMBER_BASE_LENGTH);
    this.#step();
    const taken = new Set((await this.#qbo.query('Invoice', `DocNumber LIKE ${qboQuote(`${base}%`)}`)).map((i) => i.DocNumber));
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  /** Sent at most once: an invoice QBO already marks as e-mailed is not sent again. */
  async #email(invoice: QboInvoice): Promise<{ invoice: QboInvoice; emailFailure: InvoiceFailure | undefined }> {
    if (invoice.EmailStatus === 'EmailSent') return { invoice, emailFailure: undefined };
    const to = present(invoice.BillEmail?.Address);
    if (to === undefined) return { invoice, emailFailure: invoiceFailure('EMAIL_NOT_SENT', 'the invoice has no billing e-mail address') };
    this.#step();
    try {
      return { invoice: await this.#qbo.sendInvoice(invoice.Id, to), emailFailure: undefined };
    } catch (err) {
      if (err instanceof QboApiError && !err.retryable && err.kind !== 'reauth_required')
        return { invoice, emailFailure: invoiceFailure('EMAIL_NOT_SENT', err.detail) };
      throw err;
    }
  }
}

/**
 * QBO's request id (at most 50 characters, unique per company; a repeat returns the first response,
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features): one per request key, so retries replay.
 */
const qboRequestId = (connectionId: string, idempotencyKey: string): string =>
  createHash('sha256').update(`${connectionId}:invoice-from-deal:${idempotencyKey}`).digest('hex').slice(0, 36);

function createdInvoice(invoice: QboInvoice, today: string, company: InvoicingSettings, environment: Parameters<typeof invoiceFacts>[2]): CreatedInvoice {
  const facts = invoiceFacts(invoice, today, environment);
  return {
    id: invoice.Id,
    number: invoice.DocNumber,
    link: facts.link,
    status: facts.status,
    total: fromCents(facts.amountBilledCents),
    currency: facts.currency ?? company.homeCurrency,
    dueDate: invoice.DueDate,
    emailed: invoice.EmailStatus === 'EmailSent',
  };
}
