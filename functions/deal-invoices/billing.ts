import type { HsObject, HubSpotClient } from '../hubspot/client';
import { qboQuote, type QboClient } from '../quickbooks/client';
import type { InvoicingSettings } from '../quickbooks/invoice-draft';
import type { QboCustomer } from '../quickbooks/schemas';
import type { Store } from '../store/store';
import type { SyncObject } from '../store/sync-settings';
import type { ChangeSet } from '../sync/flow';
import type { FlowSettings } from '../sync/two-way/settings';
import { localDate } from '../sync/invoices/status';
import type { BillTo, CompanyFacts, DealLine } from './builder';
import { InvoiceCreationFailed } from './failures';

export const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname'];
export const LINE_ITEM_PROPERTIES = [
  'name',
  'description',
  'quantity',
  'price',
  'amount',
  'discount',
  'hs_discount_percentage',
  'hs_product_id',
  'hs_line_item_currency_code',
  'hs_tax_rate_group_id',
];

export const byNumericId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);
export const present = (v: string | null | undefined): string | undefined => (v === null || v === undefined || v.trim() === '' ? undefined : v.trim());

export function contactName(contact: HsObject): string {
  const person = [present(contact.properties['firstname']), present(contact.properties['lastname'])].filter(Boolean).join(' ');
  return person || present(contact.properties['email']) || `contact ${contact.id}`;
}

/** Who an invoice bills: the QBO customer (its name, currency and e-mail) and the HubSpot contact behind it. */
export function billToOf(customerId: string, customer: QboCustomer, contact: HsObject): BillTo {
  return {
    customerId,
    customerName: customer.DisplayName,
    customerCurrency: customer.CurrencyRef?.value,
    customerEmail: present(customer.PrimaryEmailAddr?.Address),
    contactName: contactName(contact),
    contactEmail: present(contact.properties['email']),
  };
}

/** Today in the company's time zone; UTC when QBO names a zone this runtime does not know. */
export function companyToday(now: Date, timeZone: string): string {
  try {
    return localDate(now, timeZone);
  } catch {
    return localDate(now, 'UTC');
  }
}

/** What billing HubSpot records in QBO works with: one connection's clients and how it links records first. */
export interface BillingContext {
  connectionId: string;
  store: Store;
  hubspot: HubSpotClient;
  qbo: QboClient;
  /** Syncs these records now through their flow (contacts or products), with the flow's settings adjusted. */
  syncNow(object: 'contacts' | 'products', changes: ChangeSet, adjust: (settings: FlowSettings) => FlowSettings): Promise<void>;
  /** Called before each remote step: an interactive caller defers past its deadline. */
  step(): void;
}

/**
 * The pieces every invoice made from HubSpot data needs in QBO, shared by the "Create invoice" action (deals) and the
 * HubSpot → QuickBooks invoice flow (HubSpot invoices): the customer for a contact, the item for each line item, the
 * company's lists an invoice may name, and the lines to bill.
 */
export class QboBilling {
  readonly #ctx: BillingContext;

  constructor(ctx: BillingContext) {
    this.#ctx = ctx;
  }

  /** The company's lists the options may name (terms, tax codes), read only when asked for. */
  async companyFacts(company: InvoicingSettings, dealFieldName: string, today: string, wanted: { terms: boolean; taxCodes: boolean }): Promise<CompanyFacts> {
    const named = (list: { Id: string; Name: string }[]) => list.map((x) => ({ id: x.Id, name: x.Name }));
    const [terms, taxCodes] = await Promise.all([
      wanted.terms ? this.#ctx.qbo.query('Term') : [],
      wanted.taxCodes && company.usesTaxCodes ? this.#ctx.qbo.query('TaxCode') : [],
    ]);
    const dealField = company.customFields.find((f) => f.name.trim().toLowerCase() === dealFieldName.trim().toLowerCase());
    return {
      usesTaxCodes: company.usesTaxCodes,
      multicurrency: company.multicurrency,
      homeCurrency: company.homeCurrency,
      today,
      terms: named(terms),
      taxCodes: named(taxCodes),
      dealFieldId: dealField?.id,
    };
  }

  /** The QBO customer the contact is linked to; missing, it is matched by e-mail or created, as `whenMissing` says. */
  async customerFor(contact: HsObject, whenMissing: 'create' | 'fail'): Promise<string> {
    const link = await this.#ctx.store.links.byHubspotId(this.#ctx.connectionId, 'contacts', contact.id);
    if (link !== undefined) return link.qboId;
    const name = `"${contactName(contact)}"`;
    if (whenMissing === 'fail') throw new InvoiceCreationFailed('CUSTOMER_NOT_IN_QBO', name);
    if (present(contact.properties['email']) === undefined) throw new InvoiceCreationFailed('CONTACT_WITHOUT_EMAIL', name);
    this.#ctx.step();
    const placed = (await this.#placeInQbo('contacts', [contact.id])).get(contact.id);
    if (placed === undefined) throw new InvoiceCreationFailed('CUSTOMER_NOT_CREATED', await this.#lastFailure('contacts', contact.id));
    return placed;
  }

  /** Line item id → QBO item id: the product's linked item; missing, created, the default item, or a failure. */
  async itemsFor(lineItems: HsObject[], whenMissing: 'create' | 'default_item' | 'fail', defaultItemId: string | undefined): Promise<Map<string, string>> {
    const productOf = (li: HsObject) => present(li.properties['hs_product_id']);
    const named = (li: HsObject) => `"${present(li.properties['name']) ?? `line item ${li.id}`}"`;
    const productIds = [...new Set(lineItems.flatMap((li) => productOf(li) ?? []))];
    const links = new Map((await this.#ctx.store.links.forIds(this.#ctx.connectionId, 'products', 'hubspot', productIds)).map((l) => [l.hubspotId, l.qboId]));
    const itemOf = new Map<string, string>();
    const missing: HsObject[] = [];
    for (const li of lineItems) {
      const itemId = links.get(productOf(li) ?? '');
      if (itemId === undefined) missing.push(li);
      else itemOf.set(li.id, itemId);
    }
    if (missing.length === 0) return itemOf;

    const withoutProduct = (li: HsObject) => `${named(li)}${productOf(li) === undefined ? ' (not from a HubSpot product)' : ''}`;
    switch (whenMissing) {
      case 'fail':
        throw new InvoiceCreationFailed('PRODUCT_NOT_IN_QBO', missing.map(withoutProduct).join(', '));
      case 'default_item':
        if (defaultItemId === undefined) throw new InvoiceCreationFailed('DEFAULT_ITEM_NOT_SET', missing.map(named).join(', '));
        for (const li of missing) itemOf.set(li.id, defaultItemId);
        return itemOf;
      case 'create': {
        const orphan = missing.find((li) => productOf(li) === undefined);
        if (orphan !== undefined) throw new InvoiceCreationFailed('PRODUCT_NOT_IN_QBO', withoutProduct(orphan));
        this.#ctx.step();
        const placed = await this.#placeInQbo('products', [...new Set(missing.map((li) => productOf(li)!))]);
        for (const li of missing) {
          const itemId = placed.get(productOf(li)!);
          if (itemId === undefined) throw new InvoiceCreationFailed('ITEM_NOT_CREATED', `${named(li)}: ${await this.#lastFailure('products', productOf(li)!)}`);
          itemOf.set(li.id, itemId);
        }
        return itemOf;
      }
    }
  }

  /**
   * The line items as lines to bill, in line item order, each with its QBO item and that item's default sales tax
   * code (read only where lines carry tax codes); `mappedTaxCode` gives a line's own code, when it has one.
   */
  async lines(
    lineItems: HsObject[],
    itemOf: Map<string, string>,
    company: InvoicingSettings,
    mappedTaxCode: (li: HsObject) => string | undefined = () => undefined,
  ): Promise<DealLine[]> {
    const itemIds = [...new Set(itemOf.values())];
    const items = company.usesTaxCodes ? await this.#ctx.qbo.query('Item', `Id IN (${itemIds.map(qboQuote).join(', ')})`, { includeInactive: true }) : [];
    const taxCodeOf = new Map(items.map((i) => [i.Id, i.SalesTaxCodeRef?.value]));
    return [...lineItems].sort(byNumericId).map((li) => ({
      lineItemId: li.id,
      name: present(li.properties['name']) ?? `line item ${li.id}`,
      description: present(li.properties['description']),
      quantity: present(li.properties['quantity']) ?? '1',
      unitPrice: present(li.properties['price']) ?? '0',
      unitDiscount: present(li.properties['discount']),
      discountPercent: present(li.properties['hs_discount_percentage']),
      netAmount: present(li.properties['amount']),
      itemId: itemOf.get(li.id)!,
      itemTaxCodeId: taxCodeOf.get(itemOf.get(li.id)!),
      mappedTaxCodeId: mappedTaxCode(li),
    }));
  }

  /**
   * Links HubSpot records to their QBO twins (matched as the sync matches them), creating the missing ones, whether or
   * not the sync is on. Returns HubSpot id → QBO id for the links that exist afterwards; a record that could not be
   * placed has its reason in the sync log.
   */
  async #placeInQbo(object: 'contacts' | 'products', hubspotIds: string[]): Promise<Map<string, string>> {
    await this.#ctx.syncNow(object, { hubspot: { [object]: hubspotIds } }, (settings) => ({ ...settings, createInQbo: true }));
    const links = await this.#ctx.store.links.forIds(this.#ctx.connectionId, object, 'hubspot', hubspotIds);
    return new Map(links.map((l) => [l.hubspotId, l.qboId]));
  }

  /** Why the sync could not place a record: its newest failure in the sync log. */
  async #lastFailure(object: SyncObject, hubspotId: string): Promise<string> {
    const failures = await this.#ctx.store.syncLog.recent(this.#ctx.connectionId, { object, outcome: 'failed', limit: 50 });
    return failures.find((f) => f.hubspotId === hubspotId)?.message ?? 'QuickBooks did not say why';
  }
}
