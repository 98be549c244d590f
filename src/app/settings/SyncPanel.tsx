import { Alert, Button, Flex, Heading, LoadingSpinner, Statistics, StatisticsItem, StatusTag, Text, Tile, Toggle } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Backend } from './backend';
import { LoadFailed } from './Feedback';
import { formatTime, plural } from './format';
import { invoiceSummary } from './InvoiceExportOptions';
import { InvoiceOptions } from './InvoiceOptions';
import { MappingEditor } from './MappingEditor';
import { useAction, useResource } from './resource';
import type { Preview, SyncSummary } from './types';

interface Props {
  backend: Backend;
  sync: SyncSummary;
  connected: boolean;
  /** Why the sync cannot be turned on right now, beyond QuickBooks not being connected. */
  blockedReason: string | undefined;
  canManage: boolean;
  locale: string | undefined;
  timeZone: string;
  onChanged: (sync: SyncSummary) => void;
  onDeleted: () => void;
  notify: (message: string, type?: 'success' | 'danger') => void;
}

type Mode = 'idle' | 'preview' | 'edit' | 'delete';

/** What deleting a sync forgets, per sync, in the words of its records. */
const FORGOTTEN: Record<SyncSummary['object'], string> = {
  contacts: 'which contacts and customers are linked',
  products: 'which products are linked to which QuickBooks products and services',
  invoices: 'which invoices are linked, and the invoices and payments deal cards show (until the sync runs again)',
};
const KEPT: Record<SyncSummary['object'], string> = {
  contacts: 'Every contact in HubSpot and every customer in QuickBooks stays as it is.',
  products: 'Every product in HubSpot and every product and service in QuickBooks stays as it is.',
  invoices: 'Every invoice in HubSpot and in QuickBooks, and every deal property, stays as it is.',
};

/** One sync: on/off (after a preview of its first sync), its settings, and its deletion. */
export function SyncPanel({ backend, sync, connected, blockedReason, canManage, locale, timeZone, onChanged, onDeleted, notify }: Props) {
  const [mode, setMode] = useState<Mode>('idle');
  const toggle = useAction((on: boolean) => backend.send<SyncSummary>('POST', `/api/settings/${sync.object}/${on ? 'enable' : 'disable'}`));
  const remove = useAction(() => backend.send<undefined>('DELETE', `/api/settings/${sync.object}`).then(() => true));
  const firstSyncDone = sync.firstSyncCompletedAt !== null;
  const cannotTurnOn = !connected ? 'Connect QuickBooks first.' : blockedReason;
  const canPreview = !firstSyncDone && connected;

  const setEnabled = async (on: boolean) => {
    if (on && !firstSyncDone && mode !== 'preview') {
      setMode('preview');
      return;
    }
    const next = await toggle.perform(on);
    if (!next) return;
    setMode('idle');
    onChanged(next);
    notify(on ? (firstSyncDone ? `${sync.label} is on again.` : `${sync.label} is on: the first sync has started.`) : `${sync.label} is off.`);
  };
  const saved = (next: SyncSummary) => {
    onChanged(next);
    setMode('idle');
    notify(`${sync.label} settings saved.`);
  };
  const confirmDelete = async () => {
    if (!(await remove.perform())) return;
    notify(`${sync.label} was deleted.`);
    onDeleted();
  };

  return (
    <Tile testId={`sync-${sync.object}`}>
      <Flex direction="column" gap="small">
        <Flex justify="between" align="center">
          <Heading>{sync.label}</Heading>
          <StatusTag variant={sync.enabled ? 'success' : 'default'}>{sync.enabled ? 'On' : 'Off'}</StatusTag>
        </Flex>
        <Text>
          {firstSyncDone ? `First sync done ${formatTime(sync.firstSyncCompletedAt!, locale, timeZone)}` : 'Not synced yet'} ·{' '}
          {plural(sync.linkedRecords, 'linked record')}
        </Text>
        {sync.object === 'invoices' &&
          invoiceSummary(sync.settings).map((line) => (
            <Text key={line} variant="microcopy">
              {line}
            </Text>
          ))}
        <Toggle
          label="Sync"
          name={`enabled-${sync.object}`}
          checked={sync.enabled}
          readOnly={!canManage || toggle.busy || (!sync.enabled && cannotTurnOn !== undefined)}
          textChecked="On"
          textUnchecked="Off"
          onChange={(on) => void setEnabled(on)}
        />
        {!sync.enabled && cannotTurnOn && canManage && <Text variant="microcopy">{cannotTurnOn}</Text>}
        {(toggle.error ?? remove.error) && (
          <Alert title="That did not work" variant="error">
            {(toggle.error ?? remove.error)!.message}
          </Alert>
        )}
        {mode === 'idle' && (canPreview || canManage) && (
          <Flex gap="small">
            {canPreview && <Button onClick={() => setMode('preview')}>Preview the first sync</Button>}
            {canManage && <Button onClick={() => setMode('edit')}>Edit sync settings</Button>}
            {canManage && (
              <Button variant="destructive" onClick={() => setMode('delete')}>
                Delete sync
              </Button>
            )}
          </Flex>
        )}
        {mode === 'preview' && (
          <FirstSyncPreview
            backend={backend}
            sync={sync}
            canTurnOn={canManage && cannotTurnOn === undefined}
            busy={toggle.busy}
            onTurnOn={() => void setEnabled(true)}
            onClose={() => setMode('idle')}
          />
        )}
        {mode === 'edit' && sync.direction === 'two_way' && <MappingEditor backend={backend} sync={sync} onSaved={saved} onCancel={() => setMode('idle')} />}
        {mode === 'edit' && sync.direction === 'to_hubspot' && (
          <InvoiceOptions backend={backend} sync={sync} onSaved={saved} onCancel={() => setMode('idle')} />
        )}
        {mode === 'delete' && (
          <>
            <Alert title={`Delete the ${sync.label} sync?`} variant="danger" testId="confirm-delete">
              The app forgets this sync's settings, {FORGOTTEN[sync.object]} ({plural(sync.linkedRecords, 'linked record')}), and where it had got to.{' '}
              {KEPT[sync.object]} The sync log is kept.
            </Alert>
            <Flex gap="small">
              <Button variant="destructive" onClick={confirmDelete} disabled={remove.busy}>
                Delete sync
              </Button>
              <Button onClick={() => setMode('idle')}>Cancel</Button>
            </Flex>
          </>
        )}
      </Flex>
    </Tile>
  );
}

function FirstSyncPreview({
  backend,
  sync,
  canTurnOn,
  busy,
  onTurnOn,
  onClose,
}: {
  backend: Backend;
  sync: SyncSummary;
  canTurnOn: boolean;
  busy: boolean;
  onTurnOn: () => void;
  onClose: () => void;
}) {
  const preview = useResource(() => backend.get<Preview>(`/api/settings/${sync.object}/preview`));
  const { state } = preview;
  if (state.status === 'loading') return <LoadingSpinner label="Comparing HubSpot and QuickBooks" />;
  if (state.status === 'error') return <LoadFailed title="Couldn't preview the first sync" error={state.error} onRetry={preview.reload} onClose={onClose} />;
  const p = state.data;
  return (
    <Flex direction="column" gap="small">
      <Text format={{ fontWeight: 'demibold' }}>What the first sync will do</Text>
      {p.kind === 'two_way' ? (
        <Statistics testId="preview">
          <StatisticsItem label="Matched" number={p.counts.matched} />
          <StatisticsItem label="To create in HubSpot" number={p.counts.createInHubspot} />
          <StatisticsItem label="To create in QuickBooks" number={p.counts.createInQbo} />
          <StatisticsItem label="Conflicts" number={p.counts.conflicts} />
        </Statistics>
      ) : (
        <Statistics testId="preview">
          <StatisticsItem label="Invoices" number={p.counts.invoices} />
          <StatisticsItem label="To create in HubSpot" number={p.counts.create} />
          <StatisticsItem label="With a deal" number={p.counts.withDeal} />
          <StatisticsItem label="Without a contact" number={p.counts.withoutContact} />
        </Statistics>
      )}
      {p.kind === 'two_way' && p.counts.conflicts > 0 && (
        <Text variant="microcopy">A conflict is a field filled differently on both sides: the side set to win in the sync settings keeps its value.</Text>
      )}
      <Flex gap="small">
        {canTurnOn && (
          <Button variant="primary" onClick={onTurnOn} disabled={busy}>
            Turn on and run the first sync
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
      </Flex>
    </Flex>
  );
}
