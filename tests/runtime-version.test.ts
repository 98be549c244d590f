import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const major = (version: string) => Number(/^v?(\d+)\./.exec(version.trim())?.[1]);

/**
 * pg-boss 12 and @hubspot/api-client 14 need Node ≥ 22.12; the project pins Node 24 through the `node`
 * devDependency (its install script fetches the platform binary, so `allowScripts` must approve it).
 * A fresh `npm ci` that left the scripts on the machine's older Node fails here, not in production.
 */
describe('the runtime npm scripts use', () => {
  it('is Node 24 or later, for the tests and for `npm start`', () => {
    expect(major(process.version)).toBeGreaterThanOrEqual(24);
    const viaNpm = execFileSync('npm', ['exec', '--', 'node', '--version'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(major(viaNpm)).toBeGreaterThanOrEqual(24);
  });
});
