/**
 * What the preview server hands the page it serves (JSON in the HTML), and what the page hands each extension's
 * worker. Types only: the server and the browser bundle both import them.
 */
export const PREVIEW_PREFIX = '/preview';

export type ExtensionLocation = 'settings' | 'crm.record.tab' | 'crm.record.sidebar' | 'crm.preview';

/** A user of the demo portal the person may act as (see personas.ts). */
export interface Persona {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  superAdmin: boolean;
  roleIds: string[];
}

export interface PreviewRecord {
  objectTypeId: string;
  id: string;
  label: string;
  /** A few properties for the record page's sidebar and the index (amount, stage, …), already readable. */
  summary: { label: string; value: string }[];
}

export interface BootExtension {
  uid: string;
  title: string;
  location: ExtensionLocation;
  /** The worker script; absent when the build failed. */
  scriptUrl?: string;
  buildError?: string;
  /** The `context` HubSpot gives the extension (`@hubspot/ui-extensions` context types). */
  context: ExtensionContext;
}

export interface ExtensionContext {
  location: ExtensionLocation;
  user: {
    id: number;
    email: string;
    emails: string[];
    firstName: string;
    lastName: string;
    roles: string[];
    teams: { id: number; name: string; teammates: number[] }[];
    locale: string;
    language: string;
    permissions: 'integrations-management-write'[];
  };
  portal: { id: number; timezone: string };
  variables: Record<string, string>;
  crm?: { objectId: number; objectTypeId: string };
  extension: { appId: number; appName: string; cardTitle?: string };
}

export type PreviewView =
  | { kind: 'index'; cards: { uid: string; title: string; records: PreviewRecord[] }[]; settings: boolean }
  | { kind: 'settings'; extension: BootExtension | undefined }
  | { kind: 'record'; record: PreviewRecord; siblings: PreviewRecord[]; extensions: BootExtension[] };

export interface PreviewBoot {
  appName: string;
  portalId: number;
  personas: Persona[];
  persona: Persona;
  problems: string[];
  view: PreviewView;
}

/** What the page calls in an extension's worker (over @remote-ui/rpc). */
export interface WorkerApi {
  start(channel: unknown, init: { context: ExtensionContext; actions: Record<string, (...args: never[]) => unknown> }): Promise<void>;
}

/** The body the worker posts to the preview's hubspot.fetch proxy. */
export interface FetchEnvelope {
  userId: number;
  request: { url: string; method?: string; timeout?: number; body?: Record<string, unknown>; headers?: Record<string, string> };
}
