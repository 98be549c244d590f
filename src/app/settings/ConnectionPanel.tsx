import { Alert, Button, DescriptionList, DescriptionListItem, Flex, Heading, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Backend } from './backend';
import { useAction } from './resource';
import type { ConnectionView, SettingsOverview } from './types';

interface Props {
  backend: Backend;
  connection: ConnectionView;
  canManage: boolean;
  onChanged: (overview: SettingsOverview) => void;
  reload: () => void;
  notify: (message: string, type?: 'success' | 'danger') => void;
}

const STATE_TAGS = {
  connected: { variant: 'success', label: 'Connected' },
  needs_reconnect: { variant: 'warning', label: 'Needs reconnect' },
  not_connected: { variant: 'default', label: 'Not connected' },
} as const;

/** The QuickBooks company the app syncs with: its state, connect/reconnect/disconnect, and a change of company to decide. */
export function ConnectionPanel({ backend, connection, canManage, onChanged, reload, notify }: Props) {
  const [consentUrl, setConsentUrl] = useState<string | undefined>(undefined);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const connect = useAction(() => backend.send<{ url: string }>('POST', '/api/quickbooks/connect'));
  const disconnect = useAction(() => backend.send<ConnectionView>('POST', '/api/quickbooks/disconnect'));
  const choose = useAction((choice: 'start-fresh' | 'cancel') => backend.send<SettingsOverview>('POST', `/api/quickbooks/company-change/${choice}`));
  const tag = STATE_TAGS[connection.state];
  const change = connection.pendingCompanyChange;
  const error = connect.error ?? disconnect.error ?? choose.error;

  const startConsent = async () => {
    const started = await connect.perform();
    if (started) setConsentUrl(started.url);
  };
  const confirmDisconnection = async () => {
    if (await disconnect.perform()) {
      setConfirmDisconnect(false);
      notify('QuickBooks is disconnected. Syncing has stopped.');
      reload();
    }
  };
  const decide = async (choice: 'start-fresh' | 'cancel') => {
    const next = await choose.perform(choice);
    if (!next) return;
    notify(
      choice === 'start-fresh'
        ? `The app now syncs with ${next.connection.companyName ?? 'the new company'}. Turn on the syncs when you are ready.`
        : 'The app keeps syncing with the current company.',
    );
    onChanged(next);
  };

  return (
    <Tile>
      <Flex direction="column" gap="small">
        <Flex justify="between" align="center">
          <Heading>QuickBooks Online</Heading>
          <StatusTag variant={tag.variant} testId="connection-state">
            {tag.label}
          </StatusTag>
        </Flex>
        <DescriptionList direction="row">
          <DescriptionListItem label="Company">
            <Text>{connection.companyName ?? 'None yet'}</Text>
          </DescriptionListItem>
        </DescriptionList>
        {connection.reason && <Text>{connection.reason}</Text>}
        {error && (
          <Alert title="That did not work" variant="error">
            {error.message}
          </Alert>
        )}
        {connection.clearingPreviousCompany && (
          <>
            <Alert title="Switching companies" variant="info">
              The previous company's QuickBooks ids are being removed from HubSpot records. The syncs can be turned on again when that is done.
            </Alert>
            <Button onClick={reload} size="sm">
              Refresh
            </Button>
          </>
        )}
        {change && (
          <>
            <Alert title="You connected a different QuickBooks company" variant="warning" testId="company-change">
              The app syncs with {change.currentCompanyName ?? 'your current company'}, but {change.companyName ?? 'another company'} was chosen in QuickBooks.
              Nothing has changed yet.
            </Alert>
            <Text>
              Starting fresh with {change.companyName ?? 'the new company'} forgets which records were linked, where the syncs had got to and the invoice
              history of {change.currentCompanyName ?? 'the current company'}; the syncs are turned off until you turn them on again. No record in HubSpot or in
              either QuickBooks company is changed or deleted.
            </Text>
            {canManage ? (
              <Flex gap="small">
                <Button variant="destructive" onClick={() => decide('start-fresh')} disabled={choose.busy} testId="start-fresh">
                  Start fresh with {change.companyName ?? 'the new company'}
                </Button>
                <Button onClick={() => decide('cancel')} disabled={choose.busy} testId="keep-current">
                  Cancel and keep {change.currentCompanyName ?? 'the current company'}
                </Button>
              </Flex>
            ) : (
              <Text>A super admin must choose.</Text>
            )}
          </>
        )}
        {canManage && consentUrl && (
          <>
            <Alert title="Continue in QuickBooks" variant="info" testId="consent">
              Approve the connection in QuickBooks, in the window that opens, then come back here.
            </Alert>
            <Flex gap="small">
              <Button variant="primary" href={{ url: consentUrl, external: true }}>
                Open QuickBooks
              </Button>
              <Button
                onClick={() => {
                  setConsentUrl(undefined);
                  reload();
                }}
              >
                I'm done: refresh
              </Button>
            </Flex>
          </>
        )}
        {canManage && confirmDisconnect && (
          <>
            <Alert title="Disconnect QuickBooks?" variant="warning" testId="confirm-disconnect">
              Syncing stops and the app forgets its QuickBooks authorization. Links between records are kept, so reconnecting the same company resumes where it
              stopped.
            </Alert>
            <Flex gap="small">
              <Button variant="destructive" onClick={confirmDisconnection} disabled={disconnect.busy}>
                Disconnect
              </Button>
              <Button onClick={() => setConfirmDisconnect(false)}>Keep connected</Button>
            </Flex>
          </>
        )}
        {canManage && !consentUrl && !confirmDisconnect && (
          <Flex gap="small">
            {connection.state === 'not_connected' ? (
              <Button variant="primary" onClick={startConsent} disabled={connect.busy}>
                Connect QuickBooks
              </Button>
            ) : (
              <Button variant={connection.state === 'needs_reconnect' ? 'primary' : 'secondary'} onClick={startConsent} disabled={connect.busy}>
                Reconnect
              </Button>
            )}
            {connection.state !== 'not_connected' && (
              <Button variant="destructive" onClick={() => setConfirmDisconnect(true)}>
                Disconnect
              </Button>
            )}
          </Flex>
        )}
      </Flex>
    </Tile>
  );
}
