/**
 * What a JSON schema cannot say about a workflow action: its parts refer to each other by name. Every input field,
 * output field and execution rule has an English label, labels name nothing that does not exist, execution-rule
 * conditions test declared output fields, and `{{ placeholders }}` name the fields they are filled from (inputs in
 * the action card, outputs in execution-rule messages). A gap here shows in HubSpot as a raw field name or an
 * empty message, which no upload check reports.
 */
interface TypeDefinition {
  name: string;
}

export interface WorkflowActionConfig {
  inputFields?: { typeDefinition: TypeDefinition }[];
  outputFields?: { typeDefinition: TypeDefinition }[];
  executionRules?: { labelName: string; conditions: Record<string, unknown> }[];
  labels: Record<
    string,
    {
      actionCardContent?: string;
      inputFieldLabels?: Record<string, string>;
      inputFieldDescriptions?: Record<string, string>;
      outputFieldLabels?: Record<string, string>;
      executionRules?: Record<string, string>;
    }
  >;
}

const placeholders = (text: string | undefined): string[] => [...(text ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!);

export function workflowActionProblems(config: WorkflowActionConfig): string[] {
  const problems: string[] = [];
  const inputs = (config.inputFields ?? []).map((f) => f.typeDefinition.name);
  const outputs = (config.outputFields ?? []).map((f) => f.typeDefinition.name);
  const rules = (config.executionRules ?? []).map((r) => r.labelName);
  for (const [kind, names] of [
    ['input field', inputs],
    ['output field', outputs],
    ['execution rule', rules],
  ] as const) {
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) problems.push(`${kind} ${name} is declared more than once`);
  }
  for (const rule of config.executionRules ?? []) {
    for (const field of Object.keys(rule.conditions)) {
      if (!outputs.includes(field)) problems.push(`execution rule ${rule.labelName} tests ${field}, which is not an output field`);
    }
  }
  const en = config.labels['en'];
  if (en === undefined) return problems;
  const covers = (what: string, declared: readonly string[], labelled: Record<string, string> | undefined) => {
    for (const name of declared) if (labelled?.[name] === undefined) problems.push(`${what} ${name} has no label in labels.en`);
    for (const name of Object.keys(labelled ?? {})) if (!declared.includes(name)) problems.push(`labels.en names ${what} ${name}, which is not declared`);
  };
  covers('input field', inputs, en.inputFieldLabels);
  covers('output field', outputs, en.outputFieldLabels);
  covers('execution rule', rules, en.executionRules);
  for (const name of Object.keys(en.inputFieldDescriptions ?? {})) {
    if (!inputs.includes(name)) problems.push(`labels.en.inputFieldDescriptions names ${name}, which is not an input field`);
  }
  for (const name of placeholders(en.actionCardContent)) {
    if (!inputs.includes(name)) problems.push(`actionCardContent shows {{${name}}}, which is not an input field`);
  }
  for (const [rule, message] of Object.entries(en.executionRules ?? {})) {
    for (const name of placeholders(message))
      if (!outputs.includes(name)) problems.push(`execution rule ${rule} shows {{${name}}}, which is not an output field`);
  }
  return problems;
}
