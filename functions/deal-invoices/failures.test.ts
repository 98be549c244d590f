import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HubSpotApiError } from '../hubspot/errors';
import { QboApiError } from '../quickbooks/errors';
import { ReconnectRequired, RetryLater } from '../sync/shared/failures';
import { INVOICE_FAILURE_CODES, invoiceFailure, readFailure } from './failures';

const definition = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../src/app/workflow-actions/create-invoice-hsmeta.json'), 'utf8')) as {
  config: { executionRules: { labelName: string; conditions: { errorCode: string } }[]; labels: { en: { executionRules: Record<string, string> } } };
};

describe('failures and their execution rules', () => {
  test("every failure code has an execution rule in the action's definition, and every rule is for a failure code", () => {
    expect(definition.config.executionRules.map((r) => r.conditions.errorCode).sort()).toEqual([...INVOICE_FAILURE_CODES].sort());
  });

  test("a failure's message is its rule's label with the detail filled in", () => {
    expect(invoiceFailure('QBO_VALIDATION', 'Duplicate Document Number Error (code 6140)').message).toBe(
      'QuickBooks refused the invoice: Duplicate Document Number Error (code 6140)',
    );
    expect(invoiceFailure('NO_CONTACT').message).toBe(definition.config.labels.en.executionRules['noContact']);
  });

  test('outages defer; dead grants, refusals and bugs are failures', () => {
    expect(readFailure(new QboApiError({ kind: 'rate_limited', detail: 'slow down' }))).toMatchObject({ defer: true });
    expect(readFailure(new HubSpotApiError({ kind: 'unavailable', detail: '503' }))).toMatchObject({ defer: true });
    expect(readFailure(new RetryLater('busy'))).toMatchObject({ defer: true });
    expect(readFailure(new ReconnectRequired('x', { cause: new QboApiError({ kind: 'reauth_required', detail: 'gone' }) }))).toMatchObject({
      failure: { code: 'QBO_RECONNECT_REQUIRED' },
    });
    expect(readFailure(new ReconnectRequired('x', { cause: new HubSpotApiError({ kind: 'reauth_required', detail: 'gone' }) }))).toMatchObject({
      failure: { code: 'HUBSPOT_RECONNECT_REQUIRED' },
    });
    expect(readFailure(new QboApiError({ kind: 'validation', code: '6000', detail: 'Business Validation Error' }))).toMatchObject({
      failure: { code: 'QBO_VALIDATION', detail: 'Business Validation Error (code 6000)' },
    });
    expect(readFailure(new HubSpotApiError({ kind: 'not_found', detail: 'no deal' }))).toMatchObject({ failure: { code: 'DEAL_NOT_FOUND' } });
    expect(readFailure(new TypeError('bug'))).toMatchObject({ failure: { code: 'INTERNAL_ERROR' } });
  });
});
