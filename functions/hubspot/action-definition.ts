import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const WORKFLOW_ACTIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/app/workflow-actions');

const definitionFile = z.looseObject({
  uid: z.string(),
  config: z.looseObject({
    executionRules: z.array(z.looseObject({ labelName: z.string(), conditions: z.record(z.string(), z.union([z.string(), z.array(z.string())])) })).default([]),
    labels: z.looseObject({ en: z.looseObject({ executionRules: z.record(z.string(), z.string()).default({}) }) }),
  }),
});

export interface ExecutionRules {
  /**
   * The message workflow history shows for these outputs: the first execution rule whose conditions all hold (a
   * string equals, a list contains), its English label with `{{ output }}` placeholders filled in
   * (https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-reference, "execution rules").
   */
  message(outputs: Record<string, string>): string | undefined;
  /** Whether some rule matches `field` = `value`. */
  covers(field: string, value: string): boolean;
}

/**
 * A workflow action's execution rules, read from the project file HubSpot is given (`src/app/workflow-actions/`), so
 * the backend's sync log says exactly what workflow history says: one text, in one place.
 */
export function executionRules(file: string): ExecutionRules {
  const { config } = definitionFile.parse(JSON.parse(readFileSync(path.join(WORKFLOW_ACTIONS_DIR, file), 'utf8')));
  const holds = (expected: string | string[], actual: string | undefined) => (Array.isArray(expected) ? expected.includes(actual ?? '') : expected === actual);
  return {
    message(outputs) {
      const rule = config.executionRules.find((r) => Object.entries(r.conditions).every(([field, expected]) => holds(expected, outputs[field])));
      const label = rule && config.labels.en.executionRules[rule.labelName];
      return label?.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => outputs[name] ?? '');
    },
    covers: (field, value) => config.executionRules.some((r) => r.conditions[field] !== undefined && holds(r.conditions[field], value)),
  };
}
