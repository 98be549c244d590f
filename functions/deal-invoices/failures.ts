import { executionRules } from '../hubspot/action-definition';
import { HubSpotApiError } from '../hubspot/errors';
import { QboApiError } from '../quickbooks/errors';
import { ReconnectRequired, RetryLater } from '../sync/shared/failures';

/**
 * Every way creating an invoice from a deal can end without one. Each code has an execution rule in the "Create
 * invoice" action's definition, whose label is the message an admin reads, in workflow history and in the sync log.
 */
export const INVOICE_FAILURE_CODES = [
  'QBO_NOT_CONNECTED',
  'QBO_RECONNECT_REQUIRED',
  'HUBSPOT_RECONNECT_REQUIRED',
  'DEAL_NOT_FOUND',
  'NO_CONTACT',
  'CONTACT_WITHOUT_EMAIL',
  'CUSTOMER_NOT_IN_QBO',
  'CUSTOMER_NOT_CREATED',
  'NO_LINE_ITEMS',
  'PRODUCT_NOT_IN_QBO',
  'ITEM_NOT_CREATED',
  'DEFAULT_ITEM_NOT_SET',
  'CURRENCY_MISMATCH',
  'TAX_CODE_UNKNOWN',
  'TAX_CODE_MISSING',
  'TERMS_UNKNOWN',
  'INVALID_INPUT',
  'QBO_VALIDATION',
  'QBO_UNAVAILABLE',
  'EMAIL_NOT_SENT',
  'INTERNAL_ERROR',
] as const;

export type InvoiceFailureCode = (typeof INVOICE_FAILURE_CODES)[number];

export interface InvoiceFailure {
  code: InvoiceFailureCode;
  /** The specifics: which contact, product, currencies, or QuickBooks' own words. */
  detail: string;
  /** The whole message for an admin: the code's rule label with the detail filled in. */
  message: string;
}

const rules = executionRules('create-invoice-hsmeta.json');

export function invoiceFailure(code: InvoiceFailureCode, detail = ''): InvoiceFailure {
  const message = rules.message({ errorCode: code, errorDetail: detail });
  if (message === undefined) throw new Error(`create-invoice-hsmeta.json has no execution rule for ${code}`);
  return { code, detail, message };
}

/** A reason the invoice cannot be created that another attempt would not change. */
export class InvoiceCreationFailed extends Error {
  override readonly name = 'InvoiceCreationFailed';
  constructor(
    readonly code: InvoiceFailureCode,
    readonly detail = '',
  ) {
    super(`${code}: ${detail}`);
  }
}

/** QuickBooks or HubSpot is slow, limiting or down, or the answer would take too long: finish later. */
export class InvoiceCreationDeferred extends Error {
  override readonly name = 'InvoiceCreationDeferred';
}

/** One reading of whatever creating the invoice threw: defer it, or the failure it is. */
export function readFailure(err: unknown): { defer: true; reason: string } | { defer: false; failure: InvoiceFailure } {
  if (err instanceof InvoiceCreationDeferred || err instanceof RetryLater) return { defer: true, reason: err.message };
  if (err instanceof ReconnectRequired) return readFailure(err.cause ?? new InvoiceCreationFailed('QBO_RECONNECT_REQUIRED'));
  if (err instanceof InvoiceCreationFailed) return { defer: false, failure: invoiceFailure(err.code, err.detail) };
  if (err instanceof QboApiError) {
    if (err.retryable) return { defer: true, reason: err.message };
    if (err.kind === 'reauth_required') return { defer: false, failure: invoiceFailure('QBO_RECONNECT_REQUIRED') };
    return { defer: false, failure: invoiceFailure('QBO_VALIDATION', err.code ? `${err.detail} (code ${err.code})` : err.detail) };
  }
  if (err instanceof HubSpotApiError) {
    if (err.retryable) return { defer: true, reason: err.message };
    if (err.kind === 'reauth_required' || err.kind === 'forbidden') return { defer: false, failure: invoiceFailure('HUBSPOT_RECONNECT_REQUIRED') };
    if (err.kind === 'not_found') return { defer: false, failure: invoiceFailure('DEAL_NOT_FOUND') };
  }
  return { defer: false, failure: invoiceFailure('INTERNAL_ERROR') };
}
