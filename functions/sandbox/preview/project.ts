import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ExtensionLocation } from './boot';

/**
 * What the preview reads from the HubSpot project itself (the same files `hs project upload` sends): the app's
 * name and permitted fetch origins, and every UI extension with its entry point. A card lives in `app/cards/`,
 * the settings page in `app/settings/`, each described by a `*-hsmeta.json` whose `config.entrypoint` is relative
 * to the project's `srcDir` (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/project-structure).
 */
export interface PreviewExtension {
  uid: string;
  kind: 'card' | 'settings';
  /** The card's name, or "Settings" for the settings page. */
  title: string;
  location: ExtensionLocation;
  /** Absolute path of the entry file. */
  entrypoint: string;
  /** CRM object type ids the card is shown on (`0-3` for deals); empty for the settings page. */
  objectTypeIds: string[];
}

export interface PreviewProject {
  appName: string;
  /** Origins of `permittedUrls.fetch`, resolved with the variables of every `hsprofile.*.json`. */
  permittedFetchOrigins: string[];
  extensions: PreviewExtension[];
  /** hsmeta files that could not be read, in words a developer can act on; the preview shows them. */
  problems: string[];
}

/** HubSpot's ids for the standard objects a card can be placed on (https://developers.hubspot.com/docs/api/crm/understanding-the-crm). */
export const OBJECT_TYPE_IDS: Record<string, string> = { contacts: '0-1', companies: '0-2', deals: '0-3', tickets: '0-5' };

const objectTypeName = z.union([z.string(), z.object({ name: z.string() }).transform((o) => o.name)]);
const CardMeta = z.object({
  uid: z.string().min(1),
  type: z.literal('card'),
  config: z.object({
    name: z.string().min(1),
    location: z.enum(['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar']),
    entrypoint: z.string().startsWith('/'),
    objectTypes: z.array(objectTypeName).min(1),
  }),
});
const SettingsMeta = z.object({
  uid: z.string().min(1),
  type: z.literal('settings'),
  config: z.object({ entrypoint: z.string().startsWith('/') }),
});
const AppMeta = z.object({
  config: z.object({ name: z.string(), permittedUrls: z.object({ fetch: z.array(z.string()).default([]) }).optional() }),
});
const Profile = z.object({ variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}) });

export async function readPreviewProject(srcDir: string): Promise<PreviewProject> {
  const problems: string[] = [];
  const extensions: PreviewExtension[] = [];
  for (const [folder, kind] of [
    ['cards', 'card'],
    ['settings', 'settings'],
  ] as const) {
    for (const file of await hsmetaFiles(path.join(srcDir, 'app', folder))) {
      const where = path.relative(srcDir, file);
      const raw = await readJson(file).catch((err: unknown) => {
        problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      if (raw === undefined) continue;
      const parsed = (kind === 'card' ? CardMeta : SettingsMeta).safeParse(raw);
      if (!parsed.success) {
        problems.push(`${where}: ${z.prettifyError(parsed.error)}`);
        continue;
      }
      extensions.push(toExtension(srcDir, parsed.data, problems, where));
    }
  }

  const app = AppMeta.safeParse(await readJson(path.join(srcDir, 'app', 'app-hsmeta.json')).catch(() => undefined));
  const appName = app.success ? app.data.config.name : 'Your app';
  const templates = app.success ? (app.data.config.permittedUrls?.fetch ?? []) : [];
  const profiles = await readProfiles(srcDir);
  const permittedFetchOrigins = [...new Set(templates.flatMap((t) => profiles.flatMap((vars) => originOf(substitute(t, vars)))))];
  return { appName, permittedFetchOrigins, extensions, problems };
}

function toExtension(srcDir: string, meta: z.infer<typeof CardMeta> | z.infer<typeof SettingsMeta>, problems: string[], where: string): PreviewExtension {
  const entrypoint = path.join(srcDir, meta.config.entrypoint);
  if (meta.type === 'settings') return { uid: meta.uid, kind: 'settings', title: 'Settings', location: 'settings', entrypoint, objectTypeIds: [] };
  const objectTypeIds = meta.config.objectTypes.flatMap((name) => {
    const id = OBJECT_TYPE_IDS[name.toLowerCase()] ?? (/^\d+-\d+$/.test(name) ? name : undefined);
    if (id === undefined) problems.push(`${where}: the preview cannot show object type "${name}"`);
    return id === undefined ? [] : [id];
  });
  // A help desk sidebar card renders like a record sidebar card outside HubSpot's help desk.
  const location = meta.config.location === 'helpdesk.sidebar' ? 'crm.record.sidebar' : meta.config.location;
  return { uid: meta.uid, kind: 'card', title: meta.config.name, location, entrypoint, objectTypeIds };
}

async function hsmetaFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('-hsmeta.json'))
    .sort()
    .map((n) => path.join(dir, n));
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

/** Variables of every profile (`hsprofile.<name>.json` at the srcDir root); one empty set when there is none. */
async function readProfiles(srcDir: string): Promise<Record<string, string | number | boolean>[]> {
  const names = (await readdir(srcDir).catch(() => [] as string[])).filter((n) => /^hsprofile\..+\.json$/.test(n)).sort();
  const profiles = [];
  for (const n of names) {
    const parsed = Profile.safeParse(await readJson(path.join(srcDir, n)).catch(() => undefined));
    if (parsed.success) profiles.push(parsed.data.variables);
  }
  return profiles.length > 0 ? profiles : [{}];
}

const substitute = (template: string, vars: Record<string, string | number | boolean>) =>
  template.replace(/\$\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}
