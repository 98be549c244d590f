import { getAllHsProfiles } from '@hubspot/project-parsing-lib/profiles';
import path from 'node:path';
import { InvalidProjectError, validateHubSpotProject } from './validate';

/** `npm run validate:project`: validates the HubSpot project once per profile, offline. */
const projectDir = path.resolve(process.argv[2] ?? '.');
const profiles = await getAllHsProfiles(path.join(projectDir, 'src'));
let failed = false;
for (const profile of profiles.length > 0 ? profiles : [undefined]) {
  try {
    const { components } = await validateHubSpotProject(projectDir, profile);
    process.stdout.write(`✔ profile ${profile ?? '(none)'}: ${components.map((c) => `${c.type}:${c.uid}`).join(', ')}\n`);
  } catch (err) {
    failed = true;
    process.stdout.write(`✖ profile ${profile ?? '(none)'}:\n${err instanceof InvalidProjectError ? err.message : String(err)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
