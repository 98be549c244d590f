import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListItem,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import type { Backend } from './backend';
import { formatTime, plural } from './format';
import { useAction, useResource } from './resource';
import type { RecordRef, RetryResult, SyncHealth, SyncName } from './types';

interface Props {
  backend: Backend;
  canManage: boolean;
  locale: string | undefined;
  timeZone: string;
  notify: (message: string, type?: 'success' | 'danger') => void;
}

const RUN_KINDS = { first_sync: 'First sync', changes: 'Changes', reconcile: 'Scheduled check' } as const;
const WORK = { first_sync: 'first-sync', changes: 'change', reconcile: 'scheduled-check', workflow_action: '"Create invoice" workflow' } as const;
const SYNC_NOUNS: Record<SyncName, string> = { contacts: 'Contacts', products: 'Products', invoices: 'Invoices' };

/** "2 created in QuickBooks, 1 failed": a run's non-zero counts, in words ([one, many] where the noun changes). */
const COUNT_WORDS: Record<string, [string, string]> = {
  linked: ['linked', 'linked'],
  createdInHubspot: ['created in HubSpot', 'created in HubSpot'],
  createdInQbo: ['created in QuickBooks', 'created in QuickBooks'],
  updatedHubspot: ['updated in HubSpot', 'updated in HubSpot'],
  updatedQbo: ['updated in QuickBooks', 'updated in QuickBooks'],
  created: ['created', 'created'],
  updated: ['updated', 'updated'],
  archived: ['archived', 'archived'],
  dealsUpdated: ['deal updated', 'deals updated'],
  paymentEvents: ['payment on a deal timeline', 'payments on deal timelines'],
  skipped: ['skipped', 'skipped'],
  failed: ['failed', 'failed'],
};

function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).flatMap(([key, n]) => {
    const words = COUNT_WORDS[key];
    return n > 0 && words ? [`${n} ${n === 1 ? words[0] : words[1]}`] : [];
  });
  return parts.length > 0 ? parts.join(', ') : 'nothing to change';
}

function RecordName({ record }: { record: RecordRef }) {
  const href = record.hubspotUrl ?? record.qboUrl;
  return href ? <Link href={{ url: href, external: true }}>{record.name}</Link> : <Text>{record.name}</Text>;
}

/** How the syncs are doing: last runs, records whose last attempt failed (retry one or all), and jobs in dead letters. */
export function SyncHealthView({ backend, canManage, locale, timeZone, notify }: Props) {
  const health = useResource(() => backend.get<SyncHealth>('/api/sync-health'));
  const retryOne = useAction((id: number) => backend.send<RetryResult>('POST', `/api/sync-log/${id}/retry`));
  const retryAll = useAction(() => backend.send<RetryResult>('POST', '/api/sync-log/retry'));
  const { state } = health;
  const somethingFailed = state.status === 'success' && (state.data.failures.length > 0 || state.data.deadLetters.length > 0);

  const retried = (result: RetryResult | undefined) => {
    if (!result) return;
    notify(`Queued again: ${plural(result.recordsQueued, 'record')}${result.jobsRetried > 0 ? ` and ${plural(result.jobsRetried, 'job')}` : ''}.`);
    health.reload();
  };

  return (
    <Flex direction="column" gap="small" testId="sync-health">
      <Flex justify="between" align="center">
        <Heading>Sync health</Heading>
        <Flex gap="small">
          {canManage && somethingFailed && (
            <Button size="sm" variant="primary" onClick={async () => retried(await retryAll.perform())} disabled={retryAll.busy} testId="retry-all">
              Retry all
            </Button>
          )}
          <Button size="sm" onClick={health.reload} testId="refresh-health">
            Refresh
          </Button>
        </Flex>
      </Flex>
      {state.status === 'loading' && <LoadingSpinner label="Loading sync health" />}
      {state.status === 'error' && (
        <>
          <Alert title="Couldn't load the sync health" variant="error">
            {state.error.message}
          </Alert>
          <Button onClick={health.reload}>Try again</Button>
        </>
      )}
      {state.status === 'success' && (
        <>
          <DescriptionList direction="row">
            {state.data.syncs.map((s) => (
              <DescriptionListItem key={s.object} label={s.label}>
                <Text>
                  {s.lastRun
                    ? `${RUN_KINDS[s.lastRun.kind]} ${formatTime(s.lastRun.finishedAt, locale, timeZone)}: ${describeCounts(s.lastRun.counts)}`
                    : s.enabled
                      ? 'Waiting for its first run'
                      : 'Off'}
                </Text>
              </DescriptionListItem>
            ))}
          </DescriptionList>
          {(retryOne.error ?? retryAll.error) && (
            <Alert title="Couldn't queue the retry" variant="error">
              {(retryOne.error ?? retryAll.error)!.message}
            </Alert>
          )}
          {state.data.failures.length === 0 ? (
            <Text testId="no-failures">No failed records.</Text>
          ) : (
            <Table bordered testId="failures">
              <TableHead>
                <TableRow>
                  <TableHeader>Record</TableHeader>
                  <TableHeader>Sync</TableHeader>
                  <TableHeader>What went wrong</TableHeader>
                  <TableHeader>When</TableHeader>
                  {canManage ? <TableHeader> </TableHeader> : null}
                </TableRow>
              </TableHead>
              <TableBody>
                {state.data.failures.map((f) => (
                  <TableRow key={f.id}>
                    <TableCell>
                      <RecordName record={f.record} />
                    </TableCell>
                    <TableCell>{SYNC_NOUNS[f.object]}</TableCell>
                    <TableCell>{f.message}</TableCell>
                    <TableCell>{formatTime(f.at, locale, timeZone)}</TableCell>
                    {canManage ? (
                      <TableCell>
                        <Button size="sm" onClick={async () => retried(await retryOne.perform(f.id))} disabled={retryOne.busy} testId={`retry-${f.id}`}>
                          Retry
                        </Button>
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {state.data.deadLetters.map((d) => (
            <Alert
              key={`${d.object}-${d.work}`}
              title={`${SYNC_NOUNS[d.object]}: ${plural(d.jobs, `${WORK[d.work]} job`)} failed every retry`}
              variant="warning"
            >
              The oldest since {formatTime(d.oldestFailedAt, locale, timeZone)}. Usually QuickBooks or HubSpot was unavailable for a long time; "Retry all" runs
              them again.
            </Alert>
          ))}
        </>
      )}
    </Flex>
  );
}
