import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { invoiceBody, startHarness, type Harness } from './harness';

/** A US company (home currency USD) with multicurrency on (https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-multiple-currencies). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ multicurrency: true });
});
beforeEach(() => {
  h.emulator.reset();
  h.qbo.token = h.emulator.info().accessToken;
});
afterAll(() => h.close());

const eur = { value: 'EUR' };
const customer = (name: string, extra: Record<string, unknown> = {}) => h.call('createCustomer', { DisplayName: name, ...extra });
const payment = (customerId: string, invoiceId: string, amount: number, extra: Record<string, unknown> = {}) => ({
  CustomerRef: { value: customerId },
  TotalAmt: amount,
  Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
  ...extra,
});

describe('multicurrency company', () => {
  it('Preferences say so; a customer takes an ISO currency code, defaults to the home currency, and an unknown code is 2500', async () => {
    expect((await h.call('getPreferences')).CurrencyPrefs).toEqual({ MultiCurrencyEnabled: true, HomeCurrency: { value: 'USD' } });
    expect((await customer('Home Co')).CurrencyRef).toEqual({ value: 'USD', name: 'United States Dollar' });
    expect((await customer('Euro GmbH', { CurrencyRef: eur })).CurrencyRef).toEqual({ value: 'EUR', name: 'Euro' });
    const f = await h.fault('createCustomer', { DisplayName: 'Nowhere Co', CurrencyRef: { value: 'XYZ' } });
    expect(f.status).toBe(400);
    expect(f.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '2500', element: 'CurrencyRef' }] });
  });

  it("an invoice needs CurrencyRef in its customer's currency; amounts stay in it, with home amounts at the exchange rate", async () => {
    const c = await customer('Euro GmbH', { CurrencyRef: eur });
    const missing = await h.fault('createInvoice', invoiceBody(c.Id, 300));
    expect(missing.body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'CurrencyRef' });
    const mismatch = await h.fault('createInvoice', invoiceBody(c.Id, 300, { CurrencyRef: { value: 'USD' } }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ code: '6000', Detail: expect.stringContaining('must match the currency of customer Euro GmbH (EUR)') }],
    });

    const inv = await h.call('createInvoice', invoiceBody(c.Id, 300, { CurrencyRef: eur, ExchangeRate: 1.1 }));
    expect(inv).toMatchObject({
      CurrencyRef: { value: 'EUR', name: 'Euro' },
      ExchangeRate: 1.1,
      TotalAmt: 300,
      Balance: 300,
      HomeTotalAmt: 330,
      HomeBalance: 330,
    });
    // Without a rate a foreign-currency transaction gets 1 (https://github.com/intuit/quickbooks-online-mcp-server/issues/75).
    expect(await h.call('createInvoice', invoiceBody(c.Id, 50, { CurrencyRef: eur }))).toMatchObject({ ExchangeRate: 1, HomeTotalAmt: 50 });
    // A sparse update keeps the currency and the rate; home amounts follow the new total.
    expect(await h.call('updateInvoice', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, Line: invoiceBody(c.Id, 400).Line })).toMatchObject({
      CurrencyRef: { value: 'EUR' },
      ExchangeRate: 1.1,
      TotalAmt: 400,
      HomeTotalAmt: 440,
    });
  });

  it('a home-currency invoice has rate 1 whatever is sent', async () => {
    const c = await customer('Home Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 300, { CurrencyRef: { value: 'USD' }, ExchangeRate: 2 }));
    expect(inv).toMatchObject({ CurrencyRef: { value: 'USD' }, ExchangeRate: 1, TotalAmt: 300, HomeTotalAmt: 300, HomeBalance: 300 });
  });

  it("a payment is in its customer's currency; a part payment lowers Balance and HomeBalance; void zeroes both", async () => {
    const c = await customer('Euro GmbH', { CurrencyRef: eur });
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 300, { CurrencyRef: eur, ExchangeRate: 1.1 }));
    expect((await h.fault('createPayment', payment(c.Id, inv.Id, 100))).body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'CurrencyRef' });
    expect((await h.fault('createPayment', payment(c.Id, inv.Id, 100, { CurrencyRef: { value: 'USD' } }))).body.Fault.Error[0]).toMatchObject({ code: '6000' });

    const p = await h.call('createPayment', payment(c.Id, inv.Id, 100, { CurrencyRef: eur, ExchangeRate: 1.1 }));
    expect(p).toMatchObject({ CurrencyRef: { value: 'EUR', name: 'Euro' }, ExchangeRate: 1.1, TotalAmt: 100, UnappliedAmt: 0 });
    expect(await h.call('getInvoice', inv.Id)).toMatchObject({
      TotalAmt: 300,
      Balance: 200,
      HomeTotalAmt: 330,
      HomeBalance: 220,
      LinkedTxn: [{ TxnId: p.Id, TxnType: 'Payment' }],
    });
    expect((await h.call('getCustomer', c.Id)).Balance).toBe(200);

    const paid = await h.call('getInvoice', inv.Id);
    const voided = (await h.call('voidInvoice', { Id: paid.Id, SyncToken: paid.SyncToken })).Invoice;
    expect(voided).toMatchObject({ TotalAmt: 0, Balance: 0, HomeTotalAmt: 0, HomeBalance: 0, CurrencyRef: { value: 'EUR' } });
  });

  it("a customer's currency is fixed once it has transactions", async () => {
    const c = await customer('Euro GmbH', { CurrencyRef: eur });
    const changed = await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, CurrencyRef: { value: 'GBP' } });
    expect(changed.CurrencyRef).toEqual({ value: 'GBP', name: 'British Pound Sterling' });
    await h.call('createInvoice', invoiceBody(c.Id, 10, { CurrencyRef: { value: 'GBP' } }));
    const f = await h.fault('updateCustomer', { Id: c.Id, SyncToken: changed.SyncToken, sparse: true, CurrencyRef: eur });
    expect(f.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '6000' }] });
    // Edits that leave the currency alone still work, sparse or full.
    const renamed = await h.call('updateCustomer', { Id: c.Id, SyncToken: changed.SyncToken, sparse: true, Notes: 'still GBP' });
    expect(renamed.CurrencyRef.value).toBe('GBP');
    const full = await h.call('updateCustomer', { Id: c.Id, SyncToken: renamed.SyncToken, sparse: false, DisplayName: 'Euro GmbH' });
    expect(full.CurrencyRef.value).toBe('GBP');
  });

  it('is a seed option: the control plane turns it on and off, and reset keeps it', async () => {
    const control = (body: unknown) => axios.post(`${h.info.url}/__emulator/seed`, body, { validateStatus: () => true });
    expect((await control({ multicurrency: false })).status).toBe(200);
    h.qbo.token = h.emulator.info().accessToken;
    expect((await h.call('getPreferences')).CurrencyPrefs.MultiCurrencyEnabled).toBe(false);
    // Off, as in the US and non-US seeds: everything is in the home currency and CurrencyRef is not required.
    const c = await customer('Euro GmbH', { CurrencyRef: eur });
    expect(c.CurrencyRef.value).toBe('USD');
    expect((await h.call('createInvoice', invoiceBody(c.Id, 300))).CurrencyRef.value).toBe('USD');

    expect((await control({ kind: 'non-us', multicurrency: true })).status).toBe(200);
    h.emulator.reset();
    h.qbo.token = h.emulator.info().accessToken;
    expect((await h.call('getPreferences')).CurrencyPrefs).toEqual({ MultiCurrencyEnabled: true, HomeCurrency: { value: 'GBP' } });
    // Back to this file's company for whatever test comes after.
    h.emulator.seed({ kind: 'us', multicurrency: true });
  });
});
