import { daysOverdue, deriveInvoiceStatus, hubspotInvoiceStatus, localDate, toCents } from './status';

const invoice = (TotalAmt: number, Balance: number, DueDate = '2026-01-31', PrivateNote?: string) => ({
  TotalAmt,
  Balance,
  DueDate,
  ...(PrivateNote ? { PrivateNote } : {}),
});

describe('invoice status', () => {
  const today = '2026-01-15';

  test.each([
    ['open: nothing paid, not yet due', invoice(300, 300), 'open'],
    ['partially paid', invoice(300, 100), 'partially_paid'],
    ['partially paid wins over overdue (rule order)', invoice(300, 100, '2026-01-01'), 'partially_paid'],
    ['paid', invoice(300, 0), 'paid'],
    ['overdue: balance left, due date before today', invoice(300, 300, '2026-01-14'), 'overdue'],
    ['due today is not overdue', invoice(300, 300, '2026-01-15'), 'open'],
    ['voided: the marker and a zero total', invoice(0, 0, '2026-01-01', 'Voided - was HS-1'), 'voided'],
    ['"Voided" typed into a memo of a live invoice is not a void', invoice(300, 300, '2026-01-31', 'Voided by mistake?'), 'open'],
    ['a zero-total invoice owes nothing', invoice(0, 0), 'paid'],
  ] as const)('%s', (_, inv, expected) => {
    expect(deriveInvoiceStatus(inv, today)).toBe(expected);
  });

  test('money is compared in cents: float noise does not leave a balance', () => {
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(deriveInvoiceStatus(invoice(0.3, 0.1 + 0.2 - 0.3), today)).toBe('paid');
    expect(deriveInvoiceStatus(invoice(100.1, 100.1 - 0.000001), today)).toBe('open');
  });

  test('"today" is the company\'s: 03:00 UTC on the 15th is still the 14th in Los Angeles', () => {
    const now = new Date('2026-01-15T03:00:00Z');
    expect(localDate(now, 'America/Los_Angeles')).toBe('2026-01-14');
    expect(localDate(now, 'Europe/London')).toBe('2026-01-15');
    const dueOn14th = invoice(300, 300, '2026-01-14');
    expect(deriveInvoiceStatus(dueOn14th, localDate(now, 'America/Los_Angeles'))).toBe('open');
    expect(deriveInvoiceStatus(dueOn14th, localDate(now, 'Europe/London'))).toBe('overdue');
  });

  test('days overdue count calendar days while money is owed', () => {
    expect(daysOverdue(invoice(300, 300, '2026-01-01'), today)).toBe(14);
    expect(daysOverdue(invoice(300, 120, '2025-12-16'), today)).toBe(30);
    expect(daysOverdue(invoice(300, 0, '2026-01-01'), today)).toBe(0);
    expect(daysOverdue(invoice(300, 300, '2026-02-01'), today)).toBe(0);
  });

  test("HubSpot's four invoice statuses", () => {
    expect(['open', 'partially_paid', 'overdue', 'paid', 'voided', 'deleted'].map((s) => hubspotInvoiceStatus(s as never))).toEqual([
      'open',
      'open',
      'open',
      'paid',
      'voided',
      'voided',
    ]);
  });
});
