import { DateInput, Flex, Input, LoadingSpinner, Select, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Backend } from './backend';
import { LoadFailed, SaveBar } from './Feedback';
import { useAction, useResource } from './resource';
import { DIRECTIONS, InvoiceExportOptions } from './InvoiceExportOptions';
import type { FieldCatalog, InvoiceDirection, InvoiceSettings, SyncSummary } from './types';

type InvoiceSync = Extract<SyncSummary, { object: 'invoices' }>;

interface Props {
  backend: Backend;
  sync: InvoiceSync;
  onSaved: (sync: SyncSummary) => void;
  onCancel: () => void;
}

const ON_DELETE = [
  { label: 'Archive its HubSpot invoice', value: 'archive' },
  { label: 'Keep its HubSpot invoice, marked deleted', value: 'keep' },
];

/** `YYYY-MM-DD` ⇄ the DateInput's `{year, month (0-based), date}`. */
const toDate = (iso: string) => ({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)) - 1, date: Number(iso.slice(8, 10)) });
const fromDate = (d: { year: number; month: number; date: number }) => `${d.year}-${String(d.month + 1).padStart(2, '0')}-${String(d.date).padStart(2, '0')}`;

const NO_ITEM = '';

/**
 * The invoice sync's options: its direction (and, HubSpot → QuickBooks, which invoices go and how tax maps), which QuickBooks field names the deal, what a deleted invoice becomes, where the first
 * sync starts, and the product or service "Create invoice" uses for a line item whose product is not in QuickBooks.
 */
export function InvoiceOptions(props: Props) {
  const catalog = useResource(() => props.backend.get<FieldCatalog>('/api/settings/invoices/fields'));
  if (catalog.state.status === 'loading') return <LoadingSpinner label="Loading QuickBooks products and services" />;
  if (catalog.state.status === 'error')
    return (
      <LoadFailed title="Couldn't load the QuickBooks products and services" error={catalog.state.error} onRetry={catalog.reload} onClose={props.onCancel} />
    );
  return <Editor {...props} items={catalog.state.data.items} />;
}

function Editor({ backend, sync, onSaved, onCancel, items }: Props & { items: FieldCatalog['items'] }) {
  const [draft, setDraft] = useState<InvoiceSettings>(sync.settings);
  const save = useAction((settings: InvoiceSettings) => backend.send<SyncSummary>('PUT', '/api/settings/invoices', { ...settings }));
  const submit = async () => {
    const saved = await save.perform(draft);
    if (saved) onSaved(saved);
  };
  const { firstSyncFrom, ...rest } = draft;
  const { defaultItemId, ...withoutItem } = draft;
  return (
    <Flex direction="column" gap="small" testId="invoice-options">
      <Select
        label="Direction"
        name="direction"
        description="QuickBooks payments and voids reach every linked invoice, whichever way it was made."
        options={DIRECTIONS}
        value={draft.direction ?? 'to_hubspot'}
        onChange={(v) => setDraft({ ...draft, direction: v as InvoiceDirection })}
      />
      <Input
        label="QuickBooks field that names the HubSpot deal"
        name="dealFieldName"
        description="The label of the custom field on QuickBooks invoices that holds the HubSpot deal's record ID."
        value={draft.dealFieldName}
        onChange={(v) => setDraft({ ...draft, dealFieldName: v })}
      />
      <Select
        label="When an invoice is deleted in QuickBooks"
        name="onDelete"
        options={ON_DELETE}
        value={draft.onDelete}
        onChange={(v) => setDraft({ ...draft, onDelete: v as InvoiceSettings['onDelete'] })}
      />
      <DateInput
        label="Bring invoices dated on or after"
        name="firstSyncFrom"
        description={sync.firstSyncCompletedAt ? 'The first sync has run; this only applies to a first sync.' : 'Leave empty to bring every invoice.'}
        readOnly={sync.firstSyncCompletedAt !== null}
        format="YYYY-MM-DD"
        {...(firstSyncFrom === undefined ? {} : { value: toDate(firstSyncFrom) })}
        onChange={(d) => setDraft(d ? { ...rest, firstSyncFrom: fromDate(d) } : rest)}
      />
      {items ? (
        <Select
          label="Product or service for line items without one in QuickBooks"
          name="defaultItemId"
          description={'"Create invoice" uses it when a line item\'s product is not in QuickBooks.'}
          options={[{ label: 'None: such a deal is not invoiced', value: NO_ITEM }, ...items.map((i) => ({ label: i.name, value: i.id }))]}
          value={defaultItemId ?? NO_ITEM}
          onChange={(v) => setDraft(v === NO_ITEM ? withoutItem : { ...draft, defaultItemId: String(v) })}
        />
      ) : (
        <Text variant="microcopy">Connect QuickBooks to choose the product or service for line items without one there.</Text>
      )}
      {(draft.direction ?? 'to_hubspot') !== 'to_hubspot' && <InvoiceExportOptions draft={draft} setDraft={setDraft} />}
      <SaveBar error={save.error} busy={save.busy} onSave={() => void submit()} onCancel={onCancel} />
    </Flex>
  );
}
