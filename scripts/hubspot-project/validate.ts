import { http } from '@hubspot/local-dev-lib/http';
import { parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { isTranslationError, translate } from '@hubspot/project-parsing-lib/translate';
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
      n.componentType === 'WORKFLOW_ACTION' ? workflowActionProblems(n.config as unknown as WorkflowActionConfig).map((p) => `${n.metaFilePath}: ${p}`) : [],
    );
    if (crossReferences.length > 0) throw new InvalidProjectError(`Workflow actions refer to fields they do not declare:\n${crossReferences.join('\n')}`);
    return { profile, components: nodes.map((n) => ({ uid: n.uid, type: n.componentType, config: n.config as Record<string, unknown> })) };
  } catch (err) {
    if (isTranslationError(err)) throw new InvalidProjectError(err.toString());
    throw err;
  } finally {
    http.get = schemaFetch;
  }
}
