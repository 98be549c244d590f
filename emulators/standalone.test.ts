import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const EMULATORS = import.meta.dirname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every relative module a file imports, resolved to a path under the repository. */
async function imports(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*from\s+'(\.[^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

/**
 * The emulators are products of their own (they run standalone, and other projects could use them): nothing in them
 * reaches into the product's code, and the HubSpot emulator's API routes see a narrow core, not the emulator object.
 */
describe('the emulators stand on their own', () => {
  test('no emulator file imports from functions/ (or anything else outside emulators/)', async () => {
    const outside: string[] = [];
    for (const file of await sources(EMULATORS)) {
      for (const target of await imports(file))
        if (!target.startsWith(`${EMULATORS}${path.sep}`)) outside.push(`${path.relative(EMULATORS, file)} → ${path.relative(EMULATORS, target)}`);
    }
    expect(outside).toEqual([]);
  });

  test("the HubSpot emulator's routes depend on its core interface, not on the emulator object", async () => {
    const hubspot = path.join(EMULATORS, 'hubspot');
    const emulatorModule = path.join(hubspot, 'emulator');
    // The emulator itself, its control plane and its entry points are the only ones that know the whole object (tests drive it whole).
    const whole = new Set(['emulator.ts', 'control.ts', 'start.ts', 'main.ts', 'seed.ts', 'core.ts'].map((f) => path.join(hubspot, f)));
    const offenders: string[] = [];
    for (const file of await sources(hubspot)) {
      if (whole.has(file) || file.includes(`${path.sep}conformance${path.sep}`) || file.endsWith('.test.ts')) continue;
      if ((await imports(file)).includes(emulatorModule)) offenders.push(path.relative(hubspot, file));
    }
    expect(offenders).toEqual([]);
  });
});
