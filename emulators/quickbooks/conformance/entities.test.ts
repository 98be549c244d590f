import axios from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { invoiceBody, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => {
  h.emulator.reset();
  h.qbo.token = h.emulator.info().accessToken;
});
afterAll(() => h.close());

const customer = (name: string, extra: Record<string, unknown> = {}) => h.call('createCustomer', { DisplayName: name, ...extra });

describe('Customer', () => {
  it('creates with string Id, SyncToken 0, system fields, and omits empty fields', async () => {
    const c = await customer('Acme Corp', { GivenName: 'Jane', PrimaryEmailAddr: { Address: 'jane@acme.example' }, CompanyName: '' });
    expect(c).toMatchObject({
      DisplayName: 'Acme Corp',
      SyncToken: '0',
      domain: 'QBO',
      sparse: false,
      Active: true,
      Balance: 0,
      FullyQualifiedName: 'Acme Corp',
      CurrencyRef: { value: 'USD' },
    });
    expect(typeof c.Id).toBe('string');
    expect(c.MetaData.CreateTime).toMatch(/^2026-03-02T09:00:00-08:00$/);
    expect('CompanyName' in c).toBe(false);
  });

  it('builds DisplayName from the name parts; none at all is 2020', async () => {
    expect((await h.call('createCustomer', { GivenName: 'Ada', FamilyName: 'Lovelace' })).DisplayName).toBe('Ada Lovelace');
    const f = await h.fault('createCustomer', { CompanyName: 'x' });
    expect(f.status).toBe(400);
    expect(f.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '2020' }] });
    expect(typeof f.body.time).toBe('string');
  });

  it('DisplayName is unique across the list, inactive customers included (6240)', async () => {
    const c = await customer('Dup Co');
    await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Active: false });
    const f = await h.fault('createCustomer', { DisplayName: 'dup co' });
    expect(f.body.Fault.Error[0]).toMatchObject({ code: '6240', Message: 'Duplicate Name Exists Error' });
  });

  it('sparse update changes only what is sent; full update clears omitted writable fields', async () => {
    const c = await customer('Sparse Co', { PrimaryEmailAddr: { Address: 'a@x.example' }, Notes: 'keep me' });
    const s = await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, PrimaryEmailAddr: { Address: 'b@x.example' } });
    expect(s).toMatchObject({ SyncToken: '1', Notes: 'keep me', PrimaryEmailAddr: { Address: 'b@x.example' } });
    const full = await h.call('updateCustomer', { Id: c.Id, SyncToken: s.SyncToken, sparse: false, DisplayName: 'Sparse Co' });
    expect(full.SyncToken).toBe('2');
    expect(full.Notes).toBeUndefined();
    expect(full.PrimaryEmailAddr).toBeUndefined();
  });

  it('a stale SyncToken is 5010', async () => {
    const c = await customer('Stale Co');
    await h.call('updateCustomer', { Id: c.Id, SyncToken: '0', Notes: 'first' });
    const f = await h.fault('updateCustomer', { Id: c.Id, SyncToken: '0', Notes: 'second' });
    expect(f.body.Fault.Error[0]).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
  });

  it('name lists cannot be deleted: deactivate instead, and queries hide inactive ones', async () => {
    const c = await customer('Gone Co');
    const del = await axios.post(
      `${h.info.url}/v3/company/${h.info.realmId}/customer?operation=delete`,
      { Id: c.Id, SyncToken: c.SyncToken },
      { headers: { Authorization: `Bearer ${h.qbo.token}` }, validateStatus: () => true },
    );
    expect(del.status).toBe(400);
    expect(del.data.Fault.type).toBe('ValidationFault');
    await h.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Active: false });
    expect((await h.call('findCustomers', { DisplayName: 'Gone Co' })).QueryResponse).toEqual({});
    const all = await h.call('findCustomers', [
      { field: 'DisplayName', value: 'Gone Co' },
      { field: 'Active', value: [true, false], operator: 'IN' },
    ]);
    expect(all.QueryResponse.Customer).toHaveLength(1);
    expect((await h.call('getCustomer', c.Id)).Active).toBe(false);
  });

  it('reading a missing id is 610', async () => {
    const f = await h.fault('getCustomer', '9999');
    expect(f.body.Fault.Error[0].code).toBe('610');
  });

  it('an unknown property is 2010; a wrongly shaped value is rejected too', async () => {
    expect((await h.fault('createCustomer', { DisplayName: 'X', Colour: 'red' })).body.Fault.Error[0].code).toBe('2010');
    expect((await h.fault('createCustomer', { DisplayName: 'Y', PrimaryEmailAddr: 'y@x.example' })).body.Fault.Error[0].code).toBe('2010');
  });
});

describe('Item', () => {
  it('requires Name, Type and IncomeAccountRef; Name is unique (6240); refs to missing accounts are 2500', async () => {
    expect((await h.fault('createItem', { Type: 'Service', IncomeAccountRef: { value: '1' } })).body.Fault.Error[0].code).toBe('2020');
    expect((await h.fault('createItem', { Name: 'Widget', IncomeAccountRef: { value: '1' } })).body.Fault.Error[0]).toMatchObject({
      code: '2020',
      element: 'Type',
    });
    expect((await h.fault('createItem', { Name: 'Widget', Type: 'Service' })).body.Fault.Error[0].element).toBe('IncomeAccountRef');
    expect((await h.fault('createItem', { Name: 'Widget', Type: 'Service', IncomeAccountRef: { value: '999' } })).body.Fault.Error[0].code).toBe('2500');
    expect((await h.fault('createItem', { Name: 'services', Type: 'Service', IncomeAccountRef: { value: '1' } })).body.Fault.Error[0].code).toBe('6240');
    const i = await h.call('createItem', { Name: 'Widget', Type: 'NonInventory', IncomeAccountRef: { value: '1' }, UnitPrice: '12.50', Sku: 'W-1' });
    expect(i).toMatchObject({ Name: 'Widget', UnitPrice: 12.5, IncomeAccountRef: { value: '1', name: 'Services' }, Active: true });
    expect((await h.fault('createItem', { Name: 'Stock', Type: 'Inventory', IncomeAccountRef: { value: '1' } })).body.Fault.Error[0].code).toBe('2020');
  });

  it('a Category groups items: a name, no price or accounts; items of every type come back from a query', async () => {
    const cat = await h.call('createItem', { Name: 'Hardware', Type: 'Category' });
    expect(cat).toMatchObject({ Name: 'Hardware', Type: 'Category', Active: true });
    expect(cat).not.toHaveProperty('UnitPrice');
    expect((await h.fault('createItem', { Name: 'Tools', Type: 'Category', UnitPrice: 5 })).body.Fault.Error[0].code).toBe('2010');
    expect((await h.fault('createItem', { Name: 'hardware', Type: 'Service', IncomeAccountRef: { value: '1' } })).body.Fault.Error[0].code).toBe('6240');
    expect((await h.call('findItems', { Type: 'Category' })).QueryResponse.Item.map((i: { Name: string }) => i.Name)).toEqual(['Hardware']);
  });

  it('an inactive item referenced on an invoice is 610', async () => {
    const c = await customer('Ref Co');
    const i = await h.call('createItem', { Name: 'Old', Type: 'Service', IncomeAccountRef: { value: '1' } });
    await h.call('updateItem', { Id: i.Id, SyncToken: i.SyncToken, Active: false });
    const body = invoiceBody(c.Id);
    body.Line[0]!.SalesItemLineDetail.ItemRef.value = i.Id;
    expect((await h.fault('createInvoice', body)).body.Fault.Error[0].code).toBe('610');
  });
});

describe('Invoice', () => {
  it('computes TotalAmt, Balance, a SubTotal line, DueDate from terms, and auto-numbers', async () => {
    const c = await customer('Inv Co', { PrimaryEmailAddr: { Address: 'ap@inv.example' } });
    const inv = await h.call('createInvoice', {
      ...invoiceBody(c.Id, 300),
      TxnDate: '2026-03-01',
      CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: '123456' }],
      TotalAmt: 1,
    });
    expect(inv).toMatchObject({
      TotalAmt: 300,
      Balance: 300,
      DueDate: '2026-03-31',
      DocNumber: '1001',
      EmailStatus: 'NotSet',
      BillEmail: { Address: 'ap@inv.example' },
    });
    expect(inv.CustomField[0]).toMatchObject({ Name: 'HubSpot Deal', StringValue: '123456' });
    expect(inv.Line.at(-1)).toEqual({ Amount: 300, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
    expect(inv.Line[0]).toMatchObject({
      Id: '1',
      LineNum: 1,
      SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' }, TaxCodeRef: { value: 'NON' } },
    });
    expect(inv.LinkedTxn).toEqual([]);
    expect((await h.call('createInvoice', invoiceBody(c.Id))).DocNumber).toBe('1002');
  });

  it('requires CustomerRef and Line (2020); a missing customer is 2500', async () => {
    const c = await customer('Req Co');
    expect((await h.fault('createInvoice', { Line: invoiceBody(c.Id).Line })).body.Fault.Error[0].element).toBe('CustomerRef');
    expect((await h.fault('createInvoice', { CustomerRef: { value: c.Id } })).body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'Line' });
    expect((await h.fault('createInvoice', invoiceBody('4242'))).body.Fault.Error[0].code).toBe('2500');
  });

  it('a duplicate DocNumber is 6140 unless include=allowduplicatedocnum', async () => {
    const c = await customer('Doc Co');
    await h.call('createInvoice', invoiceBody(c.Id, 10, { DocNumber: 'HS-1' }));
    expect((await h.fault('createInvoice', invoiceBody(c.Id, 10, { DocNumber: 'HS-1' }))).body.Fault.Error[0].code).toBe('6140');
    const dup = await h.call('createInvoice', invoiceBody(c.Id, 10, { DocNumber: 'HS-1', allowDuplicateDocNum: true }));
    expect(dup.DocNumber).toBe('HS-1');
  });

  it("every invoice carries the company's sales-form custom fields, set or not, as recorded responses do", async () => {
    const c = await customer('Custom Co');
    const plain = await h.call('createInvoice', invoiceBody(c.Id));
    expect(plain.CustomField).toEqual([{ DefinitionId: '1', Name: 'HubSpot Deal', Type: 'StringType' }]);
    const set = await h.call('updateInvoice', {
      Id: plain.Id,
      SyncToken: plain.SyncToken,
      sparse: true,
      CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: '77' }],
    });
    expect(set.CustomField).toEqual([{ DefinitionId: '1', Name: 'HubSpot Deal', Type: 'StringType', StringValue: '77' }]);
    const other = await h.call('updateInvoice', { Id: set.Id, SyncToken: set.SyncToken, sparse: true, PrivateNote: 'kept' });
    expect(other.CustomField[0].StringValue).toBe('77');
    // Field 2 is not turned on in the company's settings.
    expect(
      (await h.fault('createInvoice', invoiceBody(c.Id, 300, { CustomField: [{ DefinitionId: '2', Type: 'StringType', StringValue: 'x' }] }))).body.Fault
        .Error[0],
    ).toMatchObject({ code: '2500', element: 'CustomField.DefinitionId' });
  });

  it('a line whose Amount is not Qty × UnitPrice (rounded half up to the cent) is 6070', async () => {
    const c = await customer('Math Co');
    const line = (amount: number, qty: number, price: number) => ({
      CustomerRef: { value: c.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: qty, UnitPrice: price } }],
    });
    expect((await h.fault('createInvoice', line(1000, 7, 225))).body.Fault.Error[0]).toMatchObject({
      code: '6070',
      Message: 'Amount is not equal to UnitPrice * Qty',
      Detail: 'Amount is not equal to UnitPrice * Qty. Supplied value:1000',
    });
    // 128.35 × 14.5 = 1861.075 exactly: QBO expects 1861.08, though binary floating point computes 1861.0749….
    expect((await h.fault('createInvoice', line(1861.07, 128.35, 14.5))).body.Fault.Error[0].code).toBe('6070');
    expect((await h.call('createInvoice', line(1861.08, 128.35, 14.5))).TotalAmt).toBe(1861.08);
    expect((await h.call('createInvoice', line(250, 3, 83.33333))).TotalAmt).toBe(250);
  });

  it('with custom transaction numbers on, QBO numbers nothing: the DocNumber sent is kept, none sent means none', async () => {
    const c = await customer('Numbers Co');
    h.emulator.seed({ preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } });
    try {
      const prefs = await h.call('getPreferences');
      expect(prefs.SalesFormsPrefs).toMatchObject({ CustomTxnNumbers: true, DefaultTerms: { value: '3' } });
      expect((await h.call('createInvoice', invoiceBody(c.Id))).DocNumber).toBeUndefined();
      expect((await h.call('createInvoice', invoiceBody(c.Id, 300, { DocNumber: 'HS-42' }))).DocNumber).toBe('HS-42');
    } finally {
      h.emulator.seed({ preferences: { SalesFormsPrefs: { CustomTxnNumbers: false } } });
    }
    expect((await h.call('createInvoice', invoiceBody(c.Id))).DocNumber).toMatch(/^\d+$/);
  });

  it('full update replaces lines; lines keep their Id when sent back', async () => {
    const c = await customer('Lines Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 100));
    const updated = await h.call('updateInvoice', {
      Id: inv.Id,
      SyncToken: inv.SyncToken,
      sparse: false,
      CustomerRef: { value: c.Id },
      Line: [inv.Line[0], { DetailType: 'SalesItemLineDetail', Amount: 50, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    expect(updated.Line.map((l: any) => l.Id)).toEqual(['1', '2', undefined]);
    expect(updated).toMatchObject({ TotalAmt: 150, Balance: 150, SyncToken: '1' });
  });

  it('void zeroes amounts and prefixes PrivateNote with "Voided"; delete leaves a tombstone and 610 on read', async () => {
    const c = await customer('Void Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 120, { PrivateNote: 'hubspot:deal:1' }));
    const voided = (await h.call('voidInvoice', { Id: inv.Id, SyncToken: inv.SyncToken })).Invoice;
    expect(voided).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided - hubspot:deal:1', SyncToken: '1' });
    expect(voided.Line[0]).toMatchObject({ Amount: 0, SalesItemLineDetail: { Qty: 0 } });
    const other = await h.call('createInvoice', invoiceBody(c.Id, 5));
    const deleted = await h.call('deleteInvoice', { Id: other.Id, SyncToken: other.SyncToken });
    expect(deleted).toEqual({ Invoice: { Id: other.Id, status: 'Deleted', domain: 'QBO' }, time: expect.any(String) });
    expect((await h.fault('getInvoice', other.Id)).body.Fault.Error[0].code).toBe('610');
  });
});

describe('Payment', () => {
  it('applied payments reduce Balance and link both ways; void and delete restore the balance', async () => {
    const c = await customer('Pay Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 300));
    const p = await h.call('createPayment', {
      CustomerRef: { value: c.Id },
      TotalAmt: 120,
      PaymentMethodRef: { value: '2' },
      Line: [{ Amount: 100, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    });
    expect(p).toMatchObject({ UnappliedAmt: 20, DepositToAccountRef: { value: '4' }, TotalAmt: 120 });
    let after = await h.call('getInvoice', inv.Id);
    expect(after).toMatchObject({ Balance: 200, SyncToken: '1', LinkedTxn: [{ TxnId: p.Id, TxnType: 'Payment' }] });
    expect((await h.call('getCustomer', c.Id)).Balance).toBe(180);
    expect((await h.fault('deleteInvoice', { Id: inv.Id, SyncToken: after.SyncToken })).body.Fault.Error[0].code).toBe('6000');
    expect(
      (
        await h.fault('createPayment', {
          CustomerRef: { value: c.Id },
          TotalAmt: 500,
          Line: [{ Amount: 500, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
        })
      ).body.Fault.Error[0].code,
    ).toBe('6000');
    expect((await h.fault('createPayment', { CustomerRef: { value: c.Id } })).body.Fault.Error[0].element).toBe('TotalAmt');

    const voided = await h.call('voidPayment', { Id: p.Id, SyncToken: p.SyncToken });
    expect(voided).toMatchObject({ TotalAmt: 0, PrivateNote: 'Voided' });
    after = await h.call('getInvoice', inv.Id);
    expect(after.Balance).toBe(300);

    const p2 = await h.call('createPayment', {
      CustomerRef: { value: c.Id },
      TotalAmt: 300,
      Line: [{ Amount: 300, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    });
    expect((await h.call('getInvoice', inv.Id)).Balance).toBe(0);
    await h.call('deletePayment', { Id: p2.Id, SyncToken: p2.SyncToken });
    expect((await h.call('getInvoice', inv.Id)).Balance).toBe(300);
  });
});

describe('CreditMemo', () => {
  it('a payment uses a credit memo towards an invoice: TotalAmt is the money received, the credit is used up', async () => {
    const c = await customer('Credit Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 300));
    const memo = await h.call('createCreditMemo', { CustomerRef: { value: c.Id }, Line: invoiceBody(c.Id, 50).Line });
    expect(memo).toMatchObject({ TotalAmt: 50, Balance: 50, RemainingCredit: 50, CustomerRef: { value: c.Id } });
    expect((await h.call('getCustomer', c.Id)).Balance).toBe(250);

    // $300 invoice: $50 of credit and $250 of money.
    const p = await h.call('createPayment', {
      CustomerRef: { value: c.Id },
      TotalAmt: 250,
      Line: [
        { Amount: 300, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] },
        { Amount: 50, LinkedTxn: [{ TxnId: memo.Id, TxnType: 'CreditMemo' }] },
      ],
    });
    expect(p).toMatchObject({ TotalAmt: 250, UnappliedAmt: 0 });
    expect((await h.call('getInvoice', inv.Id)).Balance).toBe(0);
    expect(await h.call('getCreditMemo', memo.Id)).toMatchObject({ Balance: 0, RemainingCredit: 0, SyncToken: '1' });
    expect((await h.call('getCustomer', c.Id)).Balance).toBe(0);

    const tooMuchCredit = { CustomerRef: { value: c.Id }, TotalAmt: 0, Line: [{ Amount: 10, LinkedTxn: [{ TxnId: memo.Id, TxnType: 'CreditMemo' }] }] };
    expect((await h.fault('createPayment', tooMuchCredit)).body.Fault.Error[0].code).toBe('6000');
    expect((await h.fault('deleteCreditMemo', { Id: memo.Id, SyncToken: '1' })).body.Fault.Error[0].code).toBe('6000');
    await h.call('deletePayment', { Id: p.Id, SyncToken: p.SyncToken });
    expect((await h.call('getCreditMemo', memo.Id)).Balance).toBe(50);
  });
});

describe('Protocol', () => {
  it('a repeated requestid returns the original response without re-executing', async () => {
    const first = await h.call('createCustomer', { DisplayName: 'Once Co', requestId: 'req-1' });
    const again = await h.call('createCustomer', { DisplayName: 'Once Co', requestId: 'req-1' });
    expect(again).toEqual(first);
    expect((await h.call('findCustomers', { DisplayName: 'Once Co', count: true })).QueryResponse.totalCount).toBe(1);
  });

  it('every response has an intuit_tid header and a time; minorversion is accepted', async () => {
    const res = await axios.get(`${h.info.url}/v3/company/${h.info.realmId}/preferences?minorversion=40`, {
      headers: { Authorization: `Bearer ${h.qbo.token}` },
    });
    expect(res.headers.intuit_tid).toMatch(/^1-/);
    expect(res.data.time).toMatch(/^2026-03-02T09:00:00\.000-08:00$/);
    expect(res.data.Preferences.SalesFormsPrefs.DefaultTerms).toEqual({ value: '3' });
  });

  it('the seeded company is ready for invoices: income account, AR, Undeposited Funds, a service item, terms', async () => {
    const accounts = (await h.call('findAccounts', { AccountType: 'Income' })).QueryResponse.Account;
    expect(accounts.length).toBeGreaterThan(0);
    expect((await h.call('findAccounts', { AccountType: 'Accounts Receivable' })).QueryResponse.Account).toHaveLength(1);
    expect((await h.call('findAccounts', { AccountSubType: 'UndepositedFunds' })).QueryResponse.Account).toHaveLength(1);
    expect((await h.call('findItems', { Type: 'Service' })).QueryResponse.Item[0].Name).toBe('Services');
    expect((await h.call('findTerms')).QueryResponse.Term.length).toBe(4);
    expect((await h.call('findPaymentMethods')).QueryResponse.PaymentMethod.length).toBe(4);
    expect((await h.call('findTaxCodes')).QueryResponse.TaxCode.map((t: any) => t.Id)).toEqual(['NON', 'TAX']);
  });

  it('invoice send sets EmailStatus and DeliveryInfo; pdf is a real PDF', async () => {
    const c = await customer('Send Co');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 42, { DocNumber: 'PDF-1' }));
    const sent = await h.call('sendInvoicePdf', inv.Id, 'billing@send.example');
    expect(sent).toMatchObject({
      EmailStatus: 'EmailSent',
      BillEmail: { Address: 'billing@send.example' },
      DeliveryInfo: { DeliveryType: 'Email' },
      SyncToken: '1',
    });
    const pdf: ArrayBuffer | Buffer = await h.call('getInvoicePdf', inv.Id);
    const text = Buffer.from(pdf as ArrayBuffer).toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain('Invoice PDF-1');
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
  });
});

describe('non-US company', () => {
  it('requires a tax code per line and computes VAT into TotalAmt', async () => {
    h.emulator.reset('non-us');
    h.qbo.token = h.emulator.info().accessToken;
    const c = await customer('Ltd Co');
    expect(c.CurrencyRef.value).toBe('GBP');
    const inv = await h.call('createInvoice', invoiceBody(c.Id, 100));
    expect(inv).toMatchObject({ TotalAmt: 120, Balance: 120, GlobalTaxCalculation: 'TaxExcluded', TxnTaxDetail: { TotalTax: 20 } });
    const noTax = await h.call('createItem', { Name: 'Untaxed', Type: 'Service', IncomeAccountRef: { value: '1' } });
    const body = invoiceBody(c.Id);
    body.Line[0]!.SalesItemLineDetail.ItemRef.value = noTax.Id;
    expect((await h.fault('createInvoice', body)).body.Fault.Error[0].code).toBe('6000');
    h.emulator.reset('us');
  });
});
