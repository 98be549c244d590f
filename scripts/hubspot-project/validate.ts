import { http } from '@hubspot/local-dev-lib/http';
import { parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { isTranslationError, translate } from '@hubspot/project-parsing-lib/translate';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { componentSchemas } from './schemas';
import { workflowActionProblems, type WorkflowActionConfig } from './workflow-actions';

export interface ValidProject {
  components: { uid: string; type: string; config: Record<string, unknown> }[];
  profile: string | undefined;
}

export class InvalidProjectError extends Error {
  override name = 'InvalidProjectError';
}

/**
 * Runs HubSpot's own project parser with full structural validation, offline: the schema fetch is answered
 * with our schemas (local-dev-lib's `http` is one shared ESM instance, so replacing `get` reaches the parser).
 * A hsmeta file the parser skips (wrong folder, nesting) would silently vanish on upload, so it is an error here, and
 * so are workflow actions whose parts name fields they do not declare (workflow-actions.ts).
 */
export async function validateHubSpotProject(projectDir: string, profile?: string): Promise<ValidProject> {
  const schemaFetch = http.get;
  http.get = (async () => ({ data: componentSchemas })) as unknown as typeof http.get;
  try {
    const config = parseProjectConfig(projectDir);
    if (config === undefined || config === null) throw new InvalidProjectError(`no hsproject.json in ${projectDir}`);
    const result = await translate(
      { projectSourceDir: path.join(projectDir, config.srcDir), platformVersion: config.platformVersion, accountId: 1 },
      { skipValidation: false, ...(profile === undefined ? {} : { profile }) },
    );
    if (result.skippedHsMetaFiles.length > 0) {
      throw new InvalidProjectError(`HubSpot would skip these files (misplaced or nested):\n${result.skippedHsMetaFiles.join('\n')}`);
    }
    const nodes = Object.values(result.intermediateRepresentation.intermediateNodesIndexedByUid);
    const crossReferences = nodes.flatMap((n) =>
      n.componentType === 'WORKFLOW_ACTION' ? workflowActionProblems(n.config as WorkflowActionConfig).map((p) => `${n.metaFilePath}: ${p}`) : [],
    );
    if (crossReferences.length > 0) throw new InvalidProjectError(`Workflow actions refer to fields they do not declare:\n${crossReferences.join('\n')}`);
    const components = nodes.map((n) => ({ uid: n.uid, type: n.componentType, config: n.config as Record<string, unknown> }));
    const problems = (await Promise.all(components.map((c) => extensionProblems(path.join(projectDir, config.srcDir), c)))).flat();
    if (problems.length > 0) throw new InvalidProjectError(`UI extensions HubSpot would not build:\n${problems.join('\n')}`);
    return { profile, components };
  } catch (err) {
    if (isTranslationError(err)) throw new InvalidProjectError(err.toString());
    throw err;
  } finally {
    http.get = schemaFetch;
  }
}

/** The versions every UI extension pins exactly (React 18.3.1 is an exact peer of @hubspot/ui-extensions 0.17.0). */
export const EXTENSION_DEPENDENCIES: Record<string, string> = { '@hubspot/ui-extensions': '0.17.0', react: '18.3.1' };

const SOURCE = /\.(tsx?|jsx?)$/;
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

/** A bare specifier's package: `react/jsx-runtime` → `react`, `@hubspot/ui-extensions/crm` → `@hubspot/ui-extensions`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * What HubSpot's build of a card or settings page needs and refuses, which the parser does not check: the entry file,
 * a package.json with the exact versions, no import from outside the extension's folder ("Importing files from
 * outside of the extension directory is not supported", ui-extensions-dev-server), no package it does not declare,
 * nothing experimental, and no CRM components on the settings page.
 */
async function extensionProblems(srcDir: string, component: { uid: string; type: string; config: Record<string, unknown> }): Promise<string[]> {
  if (component.type !== 'CARD' && component.type !== 'SETTINGS') return [];
  const entry = path.join(srcDir, String(component.config['entrypoint']));
  const dir = path.dirname(entry);
  const where = (file: string) => path.relative(srcDir, file);
  if (!existsSync(entry)) return [`${component.uid}: the entry file ${where(entry)} does not exist`];
  const problems: string[] = [];
  const manifest = path.join(dir, 'package.json');
  const dependencies: Record<string, string> = existsSync(manifest)
    ? ((JSON.parse(await readFile(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {})
    : {};
  if (!existsSync(manifest)) problems.push(`${component.uid}: ${where(dir)} has no package.json`);
  for (const [name, version] of Object.entries(EXTENSION_DEPENDENCIES)) {
    if (dependencies[name] !== version)
      problems.push(`${component.uid}: ${where(manifest)} must pin ${name} at exactly ${version} (found ${dependencies[name] ?? 'none'})`);
  }
  const files = (await readdir(dir, { recursive: true })).filter((f) => SOURCE.test(f) && !f.split(path.sep).includes('node_modules'));
  for (const file of files.map((f) => path.join(dir, f))) {
    for (const match of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? '';
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (path.relative(dir, target).startsWith('..')) problems.push(`${component.uid}: ${where(file)} imports ${specifier}, outside its extension folder`);
      } else if (specifier.includes('/experimental')) {
        problems.push(`${component.uid}: ${where(file)} imports ${specifier}, which HubSpot marks experimental`);
      } else if (component.type === 'SETTINGS' && specifier === '@hubspot/ui-extensions/crm') {
        problems.push(`${component.uid}: ${where(file)} imports CRM components, which the settings page cannot use`);
      } else if (!specifier.startsWith('node:') && dependencies[packageOf(specifier)] === undefined) {
        problems.push(`${component.uid}: ${where(file)} imports ${specifier}, which ${where(manifest)} does not declare`);
      }
    }
  }
  return problems;
}
