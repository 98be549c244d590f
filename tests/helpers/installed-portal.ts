import type { HubSpotEmulator } from '../../emulators/hubspot/emulator';
import type { QuickBooksEmulator } from '../../emulators/quickbooks/emulator';
import { createHubSpotClient } from '../../functions/hubspot/client';
import { createQboClient, type QboClient } from '../../functions/quickbooks/client';
import { qboApiBase } from '../../functions/quickbooks/endpoints';
import { QboRateLimiter } from '../../functions/quickbooks/rate-limiter';
import { silentLogger } from '../../functions/log';
import type { Connection } from '../../functions/store/connections';
import type { Store } from '../../functions/store/store';
import { ensureAppProperties } from '../../functions/sync/app-properties';

interface Emulated<E, I> {
  emulator: E;
  info: I;
}

/**
 * An installed, connected portal, as both consent screens and the OAuth routes leave it: grants the emulators issue,
 * saved (encrypted) in the product's store. `now` is the clock the grants' expiries count from.
 */
export async function saveEmulatorGrants(
  connections: Store['connections'],
  hubspot: Emulated<HubSpotEmulator, { portalId: number }>,
  qbo: Emulated<QuickBooksEmulator, { realmId: string }>,
  now: number,
  companyName?: string,
): Promise<Connection> {
  const hs = hubspot.emulator.issueToken();
  const connection = await connections.saveHubspotInstall(hubspot.info.portalId, {
    accessToken: hs.accessToken,
    refreshToken: hs.refreshToken,
    expiresAt: new Date(now + hs.expiresIn * 1000),
  });
  const q = qbo.emulator.issueTokens();
  await connections.saveQboConnection(
    connection.id,
    qbo.info.realmId,
    {
      accessToken: q.access_token,
      refreshToken: q.refresh_token,
      expiresAt: new Date(now + q.expires_in * 1000),
      refreshExpiresAt: new Date(now + q.x_refresh_token_expires_in * 1000),
    },
    companyName,
  );
  return (await connections.get(connection.id))!;
}

/** The app's own CRM properties in the portal, created with a fresh grant: what the product does after an install. */
export async function ensureEmulatorAppProperties(hubspot: Emulated<HubSpotEmulator, { url: string }>): Promise<void> {
  const { accessToken } = hubspot.emulator.issueToken();
  await ensureAppProperties(
    createHubSpotClient({ basePath: hubspot.info.url, auth: { accessToken: async () => accessToken, refresh: async () => accessToken }, log: silentLogger }),
  );
}

/** Someone else working in QuickBooks (an accountant, another app): node-quickbooks with its own grant. */
export function emulatorQboUser(qbo: Emulated<QuickBooksEmulator, { realmId: string; url: string; clientId: string; clientSecret: string }>): QboClient {
  let grant = qbo.emulator.issueTokens();
  return createQboClient({
    realmId: qbo.info.realmId,
    endpoint: qboApiBase(qbo.info.url),
    clientId: qbo.info.clientId,
    clientSecret: qbo.info.clientSecret,
    auth: { accessToken: async () => grant.access_token, refresh: async () => (grant = qbo.emulator.issueTokens()).access_token },
    log: silentLogger,
    // Not the product: its own pace, so it neither waits on nor spends the product's client-side budget.
    limiter: new QboRateLimiter({ limits: { maxInFlight: 10, perMinute: 1_000_000 } }),
  });
}
