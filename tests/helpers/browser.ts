import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it) with playwright-core;
 * no browser is downloaded. Where it is missing the suites say so and skip, rather than fail.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumInstalled = existsSync(CHROMIUM);

/** Screenshots every browser test leaves behind for a person to look at (git-ignored). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../.artifacts/screenshots');

/**
 * Headless, no sandbox (the tests run as root), and no background networking: this machine's network is closed,
 * and Chromium's own calls home would only be refused.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The README's images (committed): the tests write them again when UPDATE_SCREENSHOTS=1. */
export const DOCS_SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../docs/screenshots');
const updateDocs = process.env.UPDATE_SCREENSHOTS === '1';

/** The whole page as a PNG in SCREENSHOT_DIR; with `docs`, also the README's image of that name when UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string, options: { docs?: string } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // From the top: the host's alerts stick to the top of the window, and a scrolled page would draw them mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  if (options.docs && updateDocs) {
    await mkdir(DOCS_SCREENSHOT_DIR, { recursive: true });
    await copyFile(file, path.join(DOCS_SCREENSHOT_DIR, `${options.docs}.png`));
  }
  return file;
}

/** `describe` where Chromium is installed; elsewhere one skipped test whose name says how to run them. */
export function describeInChromium(name: string, body: () => void): void {
  if (chromiumInstalled) {
    describe(name, body);
    return;
  }
  const why = `skipped: no Chromium at ${CHROMIUM}; install Debian's chromium package (apt-get install -y chromium) to run the browser tests`;
  console.warn(`${name}: ${why}`);
  describe(name, () => {
    test.skip(why, () => undefined);
  });
}

/** A page at `url`, with every error the page throws or logs collected for the test to assert on (none, usually). */
export async function openPage(browser: Browser, url: string, height = 900): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.goto(url);
  return { page, errors };
}
