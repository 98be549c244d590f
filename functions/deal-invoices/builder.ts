import { divide, formatDecimal, isPositive, multiply, parseDecimal, subtract, toCents, decimalOf, type Decimal } from './decimal';
import { InvoiceCreationFailed } from './failures';
import type { InvoiceOptions } from './options';

/**
 * A deal turned into the invoice to create: what is billed, to whom, in which currency, with which tax codes, terms
 * and number. Provider-neutral; `quickbooks/invoice-body.ts` writes it in QBO's vocabulary. Reused by every way an
 * invoice is made from HubSpot data (the workflow action, the deal card, HubSpot invoices).
 */
export interface InvoiceDraft {
  customerId: string;
  /** Set in multicurrency companies, where QBO requires it: the customer's currency. */
  currency: string | undefined;
  txnDate: string;
  dueDate: string | undefined;
  termId: string | undefined;
  /** Only when the company numbers its own invoices; QBO numbers them otherwise. */
  docNumber: string | undefined;
  customerMemo: string | undefined;
  privateNote: string;
  billEmail: string | undefined;
  /** The company's sales-form custom field that names the HubSpot deal, filled in. */
  dealField: { definitionId: string; value: string } | undefined;
  /** Global (non-US) companies: amounts exclude tax, each line carries its tax code. */
  taxExcluded: boolean;
  lines: DraftLine[];
}

export interface DraftLine {
  itemId: string;
  description: string | undefined;
  quantity: Decimal;
  /** Net of the line's discount. */
  unitPrice: Decimal;
  /** What the line bills: HubSpot's net price; QBO requires it to equal quantity × unit price to the cent. */
  amountCents: number;
  taxCodeId: string | undefined;
}

export interface DealFacts {
  id: string;
  name: string | undefined;
  /** `deal_currency_code`, else the line items' currency; unknown when neither is set. */
  currency: string | undefined;
}

/** A deal's line item with the QBO item it is billed as. Numbers are HubSpot's decimal strings. */
export interface DealLine {
  lineItemId: string;
  name: string;
  description: string | undefined;
  quantity: string;
  unitPrice: string;
  /** HubSpot `discount`: an amount off each unit. */
  unitDiscount: string | undefined;
  /** HubSpot `hs_discount_percentage`: a percentage off the line. */
  discountPercent: string | undefined;
  /** HubSpot `amount` ("Net price"), the line total the deal shows. */
  netAmount: string | undefined;
  itemId: string;
  /** The QBO item's default sales tax code (global companies). */
  itemTaxCodeId: string | undefined;
  /** The line's own QBO tax code (a HubSpot invoice's tax mapped by the invoice sync's settings); outranks the item's. */
  mappedTaxCodeId?: string | undefined;
}

export interface CompanyFacts {
  /** Global (non-US) companies put a tax code on every line; US companies leave tax to QBO (TAX/NON at most). */
  usesTaxCodes: boolean;
  multicurrency: boolean;
  homeCurrency: string;
  /** Today in the company's time zone, `YYYY-MM-DD`. */
  today: string;
  terms: { id: string; name: string }[];
  taxCodes: { id: string; name: string }[];
  /** The sales-form custom field labelled with the invoice sync's deal field name, when the company has one. */
  dealFieldId: string | undefined;
}

export interface BillTo {
  customerId: string;
  customerName: string;
  customerCurrency: string | undefined;
  customerEmail: string | undefined;
  contactName: string;
  contactEmail: string | undefined;
}

export interface BuildInput {
  deal: DealFacts;
  lines: DealLine[];
  billTo: BillTo;
  company: CompanyFacts;
  options: InvoiceOptions;
  docNumber: string | undefined;
  /** What the invoice's statement memo says it was made from; "Created from HubSpot deal …" when absent. */
  privateNote?: string;
}

/** QBO's limits on the strings an invoice carries (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice). */
const MAX_DESCRIPTION = 4000;
const MAX_PRIVATE_NOTE = 4000;
const MAX_CUSTOM_FIELD = 31;
/** The US pseudo tax codes: US companies leave the rates to QBO's automated sales tax. */
const US_TAX_CODES = ['TAX', 'NON'];

const byNameOrId = <T extends { id: string; name: string }>(list: T[], wanted: string): T | undefined => {
  const w = wanted.trim().toLowerCase();
  return list.find((x) => x.id === wanted.trim()) ?? list.find((x) => x.name.trim().toLowerCase() === w);
};

export function buildInvoiceDraft({ deal, lines, billTo, company, options, docNumber, privateNote }: BuildInput): InvoiceDraft {
  if (lines.length === 0) throw new InvoiceCreationFailed('NO_LINE_ITEMS');

  // A customer is billed only in its own currency; a single-currency company bills in its home currency.
  const invoiceCurrency = company.multicurrency ? (billTo.customerCurrency ?? company.homeCurrency) : company.homeCurrency;
  if (deal.currency !== undefined && deal.currency !== invoiceCurrency) {
    throw new InvoiceCreationFailed(
      'CURRENCY_MISMATCH',
      company.multicurrency
        ? `the deal is in ${deal.currency}, QuickBooks customer ${billTo.customerName} in ${invoiceCurrency}`
        : `the deal is in ${deal.currency}, and the QuickBooks company bills only in ${invoiceCurrency}`,
    );
  }

  const { termId, taxCodeId: lineTaxCode } = resolveOptions(company, options);
  const draftLines = lines.map((line) => {
    const own = lineTaxCode ?? line.mappedTaxCodeId;
    const taxCodeId = company.usesTaxCodes ? (own ?? line.itemTaxCodeId) : own;
    if (company.usesTaxCodes && taxCodeId === undefined) throw new InvoiceCreationFailed('TAX_CODE_MISSING', `line item "${line.name}"`);
    return { ...priceLine(line), itemId: line.itemId, taxCodeId };
  });

  const billEmail = billTo.customerEmail ?? billTo.contactEmail;
  if (options.sendEmail && billEmail === undefined) throw new InvoiceCreationFailed('CONTACT_WITHOUT_EMAIL', billTo.contactName);

  const dealLabel = deal.name ? `"${deal.name}" (${deal.id})` : deal.id;
  return {
    customerId: billTo.customerId,
    currency: company.multicurrency ? invoiceCurrency : undefined,
    txnDate: options.invoiceDate ?? company.today,
    dueDate: options.dueDate,
    termId,
    docNumber,
    customerMemo: options.customerMessage,
    privateNote: (privateNote ?? `Created from HubSpot deal ${dealLabel}.`).slice(0, MAX_PRIVATE_NOTE),
    billEmail,
    dealField: company.dealFieldId !== undefined && deal.id.length <= MAX_CUSTOM_FIELD ? { definitionId: company.dealFieldId, value: deal.id } : undefined,
    taxExcluded: company.usesTaxCodes,
    lines: draftLines,
  };
}

/**
 * The QBO payment term and tax code the options name, checked against the company's lists: what can be refused
 * before anything is written (a customer or item created for an invoice that then fails).
 */
export function resolveOptions(company: CompanyFacts, options: InvoiceOptions): { termId: string | undefined; taxCodeId: string | undefined } {
  const term = options.paymentTerms === undefined ? undefined : byNameOrId(company.terms, options.paymentTerms);
  if (options.paymentTerms !== undefined && term === undefined) {
    throw new InvoiceCreationFailed(
      'TERMS_UNKNOWN',
      `"${options.paymentTerms}" (the company's terms: ${company.terms.map((t) => t.name).join(', ') || 'none'})`,
    );
  }
  return { termId: term?.id, taxCodeId: taxCodeFor(company, options.taxCode) };
}

/** The tax code the options put on every line: a global company's code by name or id; in the US only TAX or NON. */
function taxCodeFor(company: CompanyFacts, wanted: string | undefined): string | undefined {
  if (wanted === undefined) return undefined;
  if (!company.usesTaxCodes) {
    const code = wanted.trim().toUpperCase();
    if (!US_TAX_CODES.includes(code)) {
      throw new InvoiceCreationFailed(
        'TAX_CODE_UNKNOWN',
        `"${wanted}" (this US company calculates sales tax itself: leave the tax code empty, or use TAX or NON)`,
      );
    }
    return code;
  }
  const found = byNameOrId(company.taxCodes, wanted);
  if (!found)
    throw new InvoiceCreationFailed('TAX_CODE_UNKNOWN', `"${wanted}" (the company's tax codes: ${company.taxCodes.map((t) => t.name).join(', ') || 'none'})`);
  return found.id;
}

/**
 * A line as QBO takes it. QBO has no line discount on an invoice line (a discount line applies to the whole invoice,
 * and would spread over lines with different tax codes), so the discount is folded into the unit price:
 * quantity × (price − discount each) or quantity × price × (1 − percentage). The amount billed is HubSpot's net
 * price, to the cent; QBO rejects a line whose Amount is not Qty × UnitPrice rounded half up (error 6070), so when
 * HubSpot rounded its discount differently the unit price is derived from the amount instead, and as a last resort
 * the line bills one unit of the whole amount and says the quantity in its description.
 */
function priceLine(line: DealLine): Omit<DraftLine, 'itemId' | 'taxCodeId'> {
  const read = (what: string, value: string | undefined, fallback: string): Decimal => {
    try {
      return parseDecimal(value === undefined || value.trim() === '' ? fallback : value);
    } catch {
      throw new InvoiceCreationFailed('INVALID_INPUT', `line item "${line.name}" has ${what} "${value}", which is not a number`);
    }
  };
  const quantity = read('quantity', line.quantity, '1');
  const price = read('unit price', line.unitPrice, '0');
  const unitDiscount = read('unit discount', line.unitDiscount, '0');
  const percent = read('discount percentage', line.discountPercent, '0');
  const hundred = decimalOf(100n);
  let unitPrice = price;
  let note: string | undefined;
  if (isPositive(unitDiscount)) {
    unitPrice = subtract(price, unitDiscount);
    note = `list price ${formatDecimal(price)}, ${formatDecimal(unitDiscount)} off each`;
  } else if (isPositive(percent)) {
    unitPrice = divide(multiply(price, subtract(hundred, percent)), hundred, price.scale + percent.scale + 2);
    note = `list price ${formatDecimal(price)}, ${formatDecimal(percent)}% off`;
  }
  const amountCents =
    line.netAmount !== undefined && line.netAmount.trim() !== '' ? toCents(read('net price', line.netAmount, '0')) : toCents(multiply(quantity, unitPrice));
  const base = line.description?.trim() || line.name;
  const describe = (extra: string | undefined) => (extra === undefined ? base : `${base} (${extra})`).slice(0, MAX_DESCRIPTION);

  const billsRight = (u: Decimal) => toCents(multiply(quantity, u)) === amountCents;
  if (billsRight(unitPrice)) return { description: describe(note), quantity, unitPrice, amountCents };
  if (isPositive(quantity)) {
    for (let scale = 2; scale <= 10; scale++) {
      const derived = divide(decimalOf(BigInt(amountCents), 2), quantity, scale);
      if (billsRight(derived)) return { description: describe(note), quantity, unitPrice: derived, amountCents };
    }
  }
  const whole = decimalOf(BigInt(amountCents), 2);
  return {
    description: describe([`${formatDecimal(quantity)} × ${formatDecimal(unitPrice)}`, note].filter(Boolean).join(', ')),
    quantity: decimalOf(1n),
    unitPrice: whole,
    amountCents,
  };
}
