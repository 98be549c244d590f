/**
 * A minimal, valid PDF 1.4 of an invoice (GET /invoice/{id}/pdf): one page of Helvetica text.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { isObject, type JsonObject } from './state/store';

const escape = (s: string): string => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');

export function invoicePdf(invoice: JsonObject, company: JsonObject | undefined): Buffer {
  const currency = isObject(invoice.CurrencyRef) ? String(invoice.CurrencyRef.value) : '';
  const text: string[] = [
    String(company?.CompanyName ?? 'QuickBooks company'),
    `Invoice ${String(invoice.DocNumber ?? invoice.Id)}`,
    `Date: ${String(invoice.TxnDate ?? '')}    Due: ${String(invoice.DueDate ?? '')}`,
    `Bill to: ${isObject(invoice.CustomerRef) ? String(invoice.CustomerRef.name ?? invoice.CustomerRef.value) : ''}`,
    '',
  ];
  for (const l of Array.isArray(invoice.Line) ? invoice.Line : []) {
    if (!isObject(l) || l.DetailType === 'SubTotalLineDetail') continue;
    text.push(`${String(l.Description ?? l.DetailType)}    ${Number(l.Amount ?? 0).toFixed(2)}`);
  }
  text.push('', `Total: ${Number(invoice.TotalAmt ?? 0).toFixed(2)} ${currency}`, `Balance due: ${Number(invoice.Balance ?? 0).toFixed(2)} ${currency}`);
  const stream = ['BT', '/F1 12 Tf', '14 TL', '72 740 Td', ...text.map((t) => `(${escape(t)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
