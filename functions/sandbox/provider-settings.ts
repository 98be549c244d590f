import type { ProviderSettings } from '../connections/provider-settings';
import { hubspotScopes } from '../connections/provider-settings';
import { qboApiBase } from '../quickbooks/endpoints';

export interface HubSpotEmulatorInfo {
  url: string;
  appId: number;
  clientId: string;
  clientSecret: string;
}

export interface QboEmulatorInfo {
  url: string;
  clientId: string;
  clientSecret: string;
  webhookVerifierToken: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
}

/** Provider settings that point every client at the emulators (sandbox mode, end-to-end tests, benchmark). */
export function emulatorProviderSettings(publicUrl: string, hubspot: HubSpotEmulatorInfo, qbo: QboEmulatorInfo): ProviderSettings {
  return {
    publicUrl,
    hubspot: {
      appId: String(hubspot.appId),
      clientId: hubspot.clientId,
      clientSecret: hubspot.clientSecret,
      apiBaseUrl: hubspot.url,
      authorizeUrl: `${hubspot.url}/oauth/authorize`,
      scopes: hubspotScopes(),
    },
    quickbooks: {
      clientId: qbo.clientId,
      clientSecret: qbo.clientSecret,
      webhookVerifierToken: qbo.webhookVerifierToken,
      environment: 'sandbox',
      apiEndpoint: qboApiBase(qbo.url),
      oauthEndpoints: { authorizeEndpoint: qbo.authorizeEndpoint, tokenEndpoint: qbo.tokenEndpoint, revokeEndpoint: qbo.revokeEndpoint },
    },
  };
}
