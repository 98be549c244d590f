import { Button, Flex, Input, Select, Text } from '@hubspot/ui-extensions';
import type { InvoiceSettings, TaxMapping } from './types';

export const DIRECTIONS = [
  { label: 'QuickBooks → HubSpot', value: 'to_hubspot' },
  { label: 'HubSpot → QuickBooks', value: 'to_qbo' },
  { label: 'Both ways', value: 'both' },
];

const STATUSES = [
  { label: 'When finalized (open)', value: 'open' },
  { label: 'When finalized or paid', value: 'open,paid' },
];

const OWNED_EDIT = [
  { label: 'Keep it and flag it in sync health', value: 'flag' },
  { label: "Put HubSpot's lines back in QuickBooks", value: 'revert' },
];

const CUSTOMER_MISSING = [
  { label: 'Create the QuickBooks customer', value: 'create' },
  { label: 'Do not send the invoice', value: 'fail' },
];

interface Props {
  draft: InvoiceSettings;
  setDraft: (next: InvoiceSettings) => void;
}

/** A copy of the settings without one optional key: what clearing a field sends (the key absent, not empty). */
function without<K extends keyof InvoiceSettings>(settings: InvoiceSettings, key: K): InvoiceSettings {
  const copy = { ...settings };
  delete copy[key];
  return copy;
}

/**
 * The HubSpot → QuickBooks direction of the invoice sync: which HubSpot invoices go (status, minimum amount, a property
 * condition), how HubSpot taxes become QuickBooks tax codes, and what a QuickBooks edit of HubSpot's lines does.
 */
export function InvoiceExportOptions({ draft, setDraft }: Props) {
  const mapping = draft.taxMapping ?? [];
  const setMapping = (next: TaxMapping[]) => setDraft({ ...draft, taxMapping: next });
  const condition = draft.exportCondition ?? { property: '', value: '' };
  const setCondition = (next: { property: string; value: string }) =>
    setDraft(next.property.trim() === '' ? without(draft, 'exportCondition') : { ...draft, exportCondition: next });
  return (
    <Flex direction="column" gap="small" testId="invoice-export-options">
      <Select
        label="Send HubSpot invoices to QuickBooks"
        name="exportStatuses"
        options={STATUSES}
        value={(draft.exportStatuses ?? ['open']).join(',')}
        onChange={(v) => setDraft({ ...draft, exportStatuses: String(v).split(',') as ('open' | 'paid')[] })}
      />
      <Input
        label="Minimum amount"
        name="exportMinimumAmount"
        description="Invoices billing less stay in HubSpot. Leave empty to send every amount."
        value={draft.exportMinimumAmount ?? ''}
        onChange={(v) => setDraft(v.trim() === '' ? without(draft, 'exportMinimumAmount') : { ...draft, exportMinimumAmount: v.trim() })}
      />
      <Flex gap="small">
        <Input
          label="Only invoices whose property"
          name="exportConditionProperty"
          description="Optional: an invoice property's internal name."
          value={condition.property}
          onChange={(v) => setCondition({ ...condition, property: v })}
        />
        <Input label="has the value" name="exportConditionValue" value={condition.value} onChange={(v) => setCondition({ ...condition, value: v })} />
      </Flex>
      <Select
        label="When the contact has no QuickBooks customer"
        name="whenCustomerMissing"
        options={CUSTOMER_MISSING}
        value={draft.whenCustomerMissing ?? 'create'}
        onChange={(v) => setDraft({ ...draft, whenCustomerMissing: v as 'create' | 'fail' })}
      />
      <Text format={{ fontWeight: 'bold' }}>Tax mapping</Text>
      <Text variant="microcopy">
        Each HubSpot tax (its label, or a line item&apos;s tax rate ID) and the QuickBooks tax code it becomes, by name or ID. A HubSpot tax with no mapping
        stops the invoice with a clear error rather than billing the wrong rate.
      </Text>
      {mapping.map((m, i) => (
        <Flex gap="small" align="end" key={i}>
          <Input
            label="HubSpot tax"
            name={`taxMapping.${i}.hubspotTax`}
            value={m.hubspotTax}
            onChange={(v) => setMapping(mapping.map((x, j) => (j === i ? { ...x, hubspotTax: v } : x)))}
          />
          <Input
            label="QuickBooks tax code"
            name={`taxMapping.${i}.qboTaxCode`}
            value={m.qboTaxCode}
            onChange={(v) => setMapping(mapping.map((x, j) => (j === i ? { ...x, qboTaxCode: v } : x)))}
          />
          <Button variant="secondary" onClick={() => setMapping(mapping.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </Flex>
      ))}
      <Button onClick={() => setMapping([...mapping, { hubspotTax: '', qboTaxCode: '' }])}>Add a tax</Button>
      <Input
        label="Default QuickBooks tax code"
        name="defaultTaxCode"
        description="For lines no mapping covers; each product's own tax code in QuickBooks when empty."
        value={draft.defaultTaxCode ?? ''}
        onChange={(v) => setDraft(v.trim() === '' ? without(draft, 'defaultTaxCode') : { ...draft, defaultTaxCode: v.trim() })}
      />
      <Select
        label="When someone edits the lines of a HubSpot invoice in QuickBooks"
        name="onOwnedFieldEdit"
        description="Lines, prices and tax belong to HubSpot, where the invoice was made."
        options={OWNED_EDIT}
        value={draft.onOwnedFieldEdit ?? 'flag'}
        onChange={(v) => setDraft({ ...draft, onOwnedFieldEdit: v as 'flag' | 'revert' })}
      />
    </Flex>
  );
}

/** The invoice sync's direction, filters and tax mapping in one line each, as its panel shows them. */
export function invoiceSummary(settings: InvoiceSettings): string[] {
  const direction = settings.direction ?? 'to_hubspot';
  const lines = [`Direction: ${DIRECTIONS.find((d) => d.value === direction)!.label}`];
  if (direction === 'to_hubspot') return lines;
  const statuses = (settings.exportStatuses ?? ['open']).join(' or ');
  const minimum = settings.exportMinimumAmount === undefined ? '' : `, billing at least ${settings.exportMinimumAmount}`;
  const condition = settings.exportCondition === undefined ? '' : `, where ${settings.exportCondition.property} is "${settings.exportCondition.value}"`;
  lines.push(`HubSpot invoices go to QuickBooks when ${statuses}${minimum}${condition}`);
  const mapping = settings.taxMapping ?? [];
  lines.push(
    `Tax mapping: ${mapping.length === 0 ? 'none' : mapping.map((m) => `${m.hubspotTax} → ${m.qboTaxCode}`).join(', ')}${
      settings.defaultTaxCode === undefined ? '' : `; default ${settings.defaultTaxCode}`
    }`,
  );
  return lines;
}
