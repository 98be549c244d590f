import {
  Alert,
  Button,
  Flex,
  LoadingSpinner,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Backend } from './backend';
import { LoadFailed, SaveBar } from './Feedback';
import { useAction, useResource } from './resource';
import type { Direction, FieldCatalog, FieldMapping, SyncSummary, TwoWaySettings, Winner } from './types';

type TwoWaySync = Extract<SyncSummary, { direction: 'two_way' }>;

const DIRECTIONS: { label: string; value: Direction }[] = [
  { label: 'Both ways', value: 'two_way' },
  { label: 'To HubSpot only', value: 'to_hubspot' },
  { label: 'To QuickBooks only', value: 'to_qbo' },
];
const WINNERS: { label: string; value: Winner }[] = [
  { label: 'HubSpot wins', value: 'hubspot' },
  { label: 'QuickBooks wins', value: 'qbo' },
];
const WORDS: Record<SyncSummary['object'], { hubspot: string; qbo: string }> = {
  contacts: { hubspot: 'contacts', qbo: 'customers' },
  products: { hubspot: 'products', qbo: 'products and services' },
  invoices: { hubspot: 'invoices', qbo: 'invoices' },
};
const HOLDS: Record<string, string> = {
  text: 'text',
  money: 'a money amount',
  boolean: 'yes or no',
  string: 'text',
  phone_number: 'a phone number',
  enumeration: 'a choice from a list',
  number: 'a number',
  bool: 'yes or no',
  date: 'a date',
  datetime: 'a date and time',
};

/** Why a pair cannot be mapped, by the type rules the backend sent with the field lists; undefined when it can. */
export function mappingProblem(catalog: FieldCatalog, m: FieldMapping): string | undefined {
  const property = catalog.hubspotProperties.find((p) => p.name === m.hubspotProperty);
  const field = catalog.qboFields.find((f) => f.key === m.qboField);
  if (!property || !field) return 'Choose a HubSpot property and a QuickBooks field.';
  const writesHubspot = m.direction !== 'to_qbo';
  if (!field.hubspotTypes.includes(property.type) && !(field.hubspotTypesToQboOnly.includes(property.type) && !writesHubspot)) {
    if (field.hubspotTypesToQboOnly.includes(property.type))
      return `"${property.label}" is a choice from a list in HubSpot: it can only be sent to QuickBooks' ${field.label}, so set the direction to "To QuickBooks only".`;
    return `QuickBooks' ${field.label} holds ${HOLDS[field.valueType]} but HubSpot's "${property.label}" holds ${HOLDS[property.type] ?? property.type}: they cannot be mapped to each other.`;
  }
  if (writesHubspot && property.readOnly)
    return `HubSpot sets "${property.label}" itself, so the app cannot write it: set the direction to "To QuickBooks only".`;
  return undefined;
}

interface Props {
  backend: Backend;
  sync: TwoWaySync;
  onSaved: (sync: SyncSummary) => void;
  onCancel: () => void;
}

/** A two-way sync's settings: the field mapping table, what to create on each side, and (products) the income account. */
export function MappingEditor({ backend, sync, onSaved, onCancel }: Props) {
  const catalog = useResource(() => backend.get<FieldCatalog>(`/api/settings/${sync.object}/fields`));
  if (catalog.state.status === 'loading') return <LoadingSpinner label="Loading HubSpot properties and QuickBooks fields" />;
  if (catalog.state.status === 'error')
    return <LoadFailed title="Couldn't load the fields" error={catalog.state.error} onRetry={catalog.reload} onClose={onCancel} />;
  return <Editor backend={backend} sync={sync} catalog={catalog.state.data} onSaved={onSaved} onCancel={onCancel} />;
}

function Editor({ backend, sync, catalog, onSaved, onCancel }: Props & { catalog: FieldCatalog }) {
  const [draft, setDraft] = useState<TwoWaySettings>(sync.settings);
  const [adding, setAdding] = useState<FieldMapping>({ hubspotProperty: '', qboField: '', direction: 'two_way', winner: 'hubspot' });
  const [refused, setRefused] = useState<string | undefined>(undefined);
  const save = useAction((settings: TwoWaySettings) => backend.send<SyncSummary>('PUT', `/api/settings/${sync.object}`, { ...settings }));
  const words = WORDS[sync.object];
  const propertyLabel = (name: string) => catalog.hubspotProperties.find((p) => p.name === name)?.label ?? name;
  const fieldLabel = (key: string) => catalog.qboFields.find((f) => f.key === key)?.label ?? key;
  const update = (index: number, change: Partial<FieldMapping>) =>
    setDraft({ ...draft, mappings: draft.mappings.map((m, i) => (i === index ? { ...m, ...change } : m)) });

  const add = () => {
    const problem = draft.mappings.some((m) => m.hubspotProperty === adding.hubspotProperty)
      ? `"${propertyLabel(adding.hubspotProperty)}" is already mapped.`
      : draft.mappings.some((m) => m.qboField === adding.qboField)
        ? `QuickBooks' ${fieldLabel(adding.qboField)} is already mapped.`
        : mappingProblem(catalog, adding);
    setRefused(problem);
    if (problem) return;
    setDraft({ ...draft, mappings: [...draft.mappings, adding] });
    setAdding({ hubspotProperty: '', qboField: '', direction: 'two_way', winner: 'hubspot' });
  };
  const submit = async () => {
    const saved = await save.perform(draft);
    if (saved) onSaved(saved);
  };

  return (
    <Flex direction="column" gap="small" testId="mapping-editor">
      <Table bordered testId="mappings">
        <TableHead>
          <TableRow>
            <TableHeader>HubSpot property</TableHeader>
            <TableHeader>QuickBooks field</TableHeader>
            <TableHeader>Direction</TableHeader>
            <TableHeader>When both changed</TableHeader>
            <TableHeader>{''}</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {draft.mappings.map((m, i) => (
            <TableRow key={m.hubspotProperty}>
              <TableCell>{propertyLabel(m.hubspotProperty)}</TableCell>
              <TableCell>{fieldLabel(m.qboField)}</TableCell>
              <TableCell>
                <Select
                  name={`direction-${m.hubspotProperty}`}
                  options={DIRECTIONS}
                  value={m.direction}
                  onChange={(v) => update(i, { direction: v as Direction })}
                />
              </TableCell>
              <TableCell>
                <Select name={`winner-${m.hubspotProperty}`} options={WINNERS} value={m.winner} onChange={(v) => update(i, { winner: v as Winner })} />
              </TableCell>
              <TableCell>
                <Button
                  size="sm"
                  variant="transparent"
                  onClick={() => setDraft({ ...draft, mappings: draft.mappings.filter((_, j) => j !== i) })}
                  testId={`remove-${m.hubspotProperty}`}
                >
                  Remove
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Flex gap="small" align="end" wrap>
        <Select
          label="HubSpot property"
          name="add-hubspot-property"
          placeholder="Choose a property"
          options={catalog.hubspotProperties.map((p) => ({ label: p.label, value: p.name }))}
          value={adding.hubspotProperty}
          onChange={(v) => setAdding({ ...adding, hubspotProperty: String(v) })}
        />
        <Select
          label="QuickBooks field"
          name="add-qbo-field"
          placeholder="Choose a field"
          options={catalog.qboFields.map((f) => ({ label: f.label, value: f.key }))}
          value={adding.qboField}
          onChange={(v) => setAdding({ ...adding, qboField: String(v) })}
        />
        <Select
          label="Direction"
          name="add-direction"
          options={DIRECTIONS}
          value={adding.direction}
          onChange={(v) => setAdding({ ...adding, direction: v as Direction })}
        />
        <Button onClick={add} disabled={adding.hubspotProperty === '' || adding.qboField === ''}>
          Add mapping
        </Button>
      </Flex>
      {refused && (
        <Alert title="This pair cannot be mapped" variant="warning" testId="refused">
          {refused}
        </Alert>
      )}
      <Toggle
        label={`Create QuickBooks ${words.qbo} for HubSpot ${words.hubspot} that have none`}
        name="createInQbo"
        checked={draft.createInQbo}
        onChange={(on) => setDraft({ ...draft, createInQbo: on })}
      />
      <Toggle
        label={`Create HubSpot ${words.hubspot} for QuickBooks ${words.qbo} that have none`}
        name="createInHubspot"
        checked={draft.createInHubspot}
        onChange={(on) => setDraft({ ...draft, createInHubspot: on })}
      />
      {sync.object === 'products' &&
        (catalog.incomeAccounts ? (
          <Select
            label="Income account for new QuickBooks products"
            name="incomeAccountId"
            description="QuickBooks needs one for every product or service the app creates."
            placeholder="Choose an account"
            options={catalog.incomeAccounts.map((a) => ({ label: a.name, value: a.id }))}
            {...(draft.incomeAccountId === undefined ? {} : { value: draft.incomeAccountId })}
            onChange={(v) => setDraft({ ...draft, incomeAccountId: String(v) })}
          />
        ) : (
          <Text variant="microcopy">Connect QuickBooks to choose the income account for new products.</Text>
        ))}
      <SaveBar error={save.error} busy={save.busy} onSave={() => void submit()} onCancel={onCancel} />
    </Flex>
  );
}
