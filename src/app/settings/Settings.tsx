import { Alert, Button, Divider, ErrorState, Flex, Heading, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { ExtensionPointApiActions, ExtensionPointApiContext } from '@hubspot/ui-extensions';
import { useMemo } from 'react';
import { backendFor, type Backend } from './backend';
import { ConnectionPanel } from './ConnectionPanel';
import { useResource } from './resource';
import { SyncHealthView } from './SyncHealth';
import { SyncPanel } from './SyncPanel';
import type { SettingsOverview } from './types';

export interface SettingsProps {
  context: ExtensionPointApiContext<'settings'>;
  actions: ExtensionPointApiActions<'settings'>;
}

/** The app's settings page: the QuickBooks connection, one panel per sync, and the sync health. */
export function Settings({ context, actions }: SettingsProps) {
  const backend = useMemo(() => backendFor(context), [context]);
  if (!backend) {
    return (
      <ErrorState title="The app is not set up" type="support">
        <Text>This copy of the app does not know where its server is (BACKEND_URL is missing from its project profile). Contact the app's support.</Text>
      </ErrorState>
    );
  }
  return <SettingsLoaded backend={backend} actions={actions} locale={context.user.locale} timeZone={context.portal.timezone} />;
}

function SettingsLoaded({
  backend,
  actions,
  locale,
  timeZone,
}: {
  backend: Backend;
  actions: SettingsProps['actions'];
  locale: string | undefined;
  timeZone: string;
}) {
  const overview = useResource(() => backend.get<SettingsOverview>('/api/settings'));
  const { state } = overview;

  if (state.status === 'loading') return <LoadingSpinner label="Loading settings" layout="centered" />;
  if (state.status === 'error') {
    return (
      <ErrorState title="Couldn't load the settings">
        <Text>{state.error.message}</Text>
        <Button onClick={overview.reload}>Try again</Button>
      </ErrorState>
    );
  }

  const { viewer, connection, syncs } = state.data;
  const notify = (message: string, type: 'success' | 'danger' = 'success') => actions.addAlert({ type, message });
  return (
    <Flex direction="column" gap="medium">
      {!viewer.canManage && (
        <Alert title="You can look, not change" variant="info">
          Only a super admin of this HubSpot account can connect QuickBooks and change how the syncs work. You can see the settings and the sync health.
        </Alert>
      )}
      <ConnectionPanel
        backend={backend}
        connection={connection}
        canManage={viewer.canManage}
        onChanged={overview.replace}
        reload={overview.reload}
        notify={notify}
      />
      <Divider />
      <Heading>Syncs</Heading>
      {syncs.map((sync) => (
        <SyncPanel
          key={sync.object}
          backend={backend}
          sync={sync}
          connected={connection.state === 'connected'}
          blockedReason={connection.clearingPreviousCompany ? "The previous QuickBooks company's ids are still being removed from HubSpot records." : undefined}
          canManage={viewer.canManage}
          locale={locale}
          timeZone={timeZone}
          onChanged={(next) => overview.replace({ ...state.data, syncs: syncs.map((s) => (s.object === next.object ? next : s)) })}
          onDeleted={overview.reload}
          notify={notify}
        />
      ))}
      <Divider />
      <SyncHealthView backend={backend} canManage={viewer.canManage} locale={locale} timeZone={timeZone} notify={notify} />
    </Flex>
  );
}
