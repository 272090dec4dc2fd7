import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SKIP_REASON = 'chromium not installed: apt-get install chromium';

/** test-artifacts/ at the repository root (git-ignored). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

export const haveChromium = () => existsSync(CHROMIUM);

/** Debian's Chromium, headless, with a fresh temporary profile and nothing talking to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** A laptop-sized page that records uncaught errors, the dashboard's own console errors, and every URL it requests. */
export async function laptopPage(browser: Browser): Promise<{ page: Page; errors: string[]; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().startsWith('pibl dashboard:')) errors.push(msg.text());
  });
  page.on('request', (req) => requested.push(req.url()));
  return { page, errors, requested };
}

/** Waits until the locator's visible text matches, failing with what it last showed. */
export async function waitForText(locator: Locator, pattern: RegExp, what: string, ms = 5_000): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    // What a person reads: innerText for HTML, the <text> labels of an SVG group (not its tooltip <title>).
    last =
      (await locator.count()) > 0
        ? await locator.first().evaluate((node): string =>
            !node.isConnected
              ? '(replaced while being read)'
              : 'innerText' in node
              ? String(node.innerText)
              : [...node.querySelectorAll('text')].map((t) => t.textContent ?? '').join(' ') || (node.textContent ?? ''),
          )
        : '(not on the page)';
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: expected ${pattern}, the page shows ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
