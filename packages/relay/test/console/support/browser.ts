import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The browser tests' scaffolding: Debian's Chromium driven by playwright-core (the tests say by
 * name that they are skipped when it is absent), one page per test in its own context (so each
 * starts signed out), what the page logged, and its screenshots.
 */
function findChromium(): string | null {
  const named = process.env['CALLBRIDGE_CHROMIUM'];
  if (named) return existsSync(named) ? named : null;
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path;
  return null;
}

export const CHROMIUM = findChromium();

/** `describe` when a browser is found; otherwise `describe.skip` with the reason in its name. */
export function browserSuite(name: string, body: () => void): void {
  if (CHROMIUM) describe(name, body);
  else describe.skip(`${name} (skipped: no Chromium at CALLBRIDGE_CHROMIUM or /usr/bin/chromium; apt-get install chromium)`, body);
}

export function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no Chromium');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Errors the page logged (CSP violations above all) and uncaught exceptions; a 4xx fetch the console handles is not one. */
  problems: string[];
  /** Every URL the page requested, to prove the token never travels in one. */
  requests: string[];
  close: () => Promise<void>;
}

export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, problems, requests, close: () => context.close() };
}

/** Signs in through the form, with Enter (as a keyboard user would), and waits for the shell. */
export async function signIn(cp: ConsolePage, relayUrl: string, token: string, route = ''): Promise<void> {
  await cp.page.goto(`${relayUrl}/console/${route}`);
  await cp.page.getByLabel('API token').fill(token);
  await cp.page.getByLabel('API token').press('Enter');
  await cp.page.getByTestId('identity').waitFor();
}

/**
 * Opens a console route (the part after `#`) in the signed-in tab with its data loaded afresh,
 * even if that view is the one shown: by way of a view that does not exist, so the view remounts.
 */
export async function go(cp: ConsolePage, route: string): Promise<void> {
  await cp.page.evaluate('location.hash = "#/test-remount"');
  await cp.page.getByRole('heading', { name: 'Not found' }).waitFor();
  await cp.page.evaluate(`location.hash = ${JSON.stringify(route)}`);
  await cp.page.getByRole('heading', { name: 'Not found' }).waitFor({ state: 'detached' });
}

/**
 * One admin tab signed in once for a whole file (a sign-in per test would cost more than most
 * tests): tests move it between routes; what it logs is checked after each test.
 */
export function sharedAdminPage(browser: () => Browser, relayUrl: () => string, token: string): () => ConsolePage {
  let cp: ConsolePage | undefined;
  beforeAll(async () => {
    cp = await openPage(browser());
    await signIn(cp, relayUrl(), token);
  }, 30_000);
  beforeEach(() => {
    if (cp) cp.problems.length = 0;
  });
  afterEach(() => {
    // A CSP violation or an uncaught error anywhere in a test fails it.
    expect(cp?.problems).toEqual([]);
  });
  afterAll(async () => {
    await cp?.close();
  });
  return () => {
    if (!cp) throw new Error('the shared page is not open');
    return cp;
  };
}

/** A page of its own for one test (another viewport, another token), closed and checked by `run`'s end. */
export async function withPage(
  browser: Browser,
  run: (cp: ConsolePage) => Promise<void>,
  viewport?: { width: number; height: number },
): Promise<void> {
  const cp = await openPage(browser, viewport);
  try {
    await run(cp);
    expect(cp.problems).toEqual([]);
  } finally {
    await cp.close();
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DOCS_IMAGES = join(__dirname, '..', '..', '..', '..', '..', 'docs', 'images');

/**
 * A screenshot for the docs. Every run takes it and checks it; it replaces the committed image
 * in docs/images only with CALLBRIDGE_UPDATE_SCREENSHOTS=1, because ids and times differ on
 * every run and a test run must not leave the working tree changed.
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<Buffer> {
  const png = await page.screenshot({ fullPage });
  expect(png.subarray(0, 8).equals(PNG)).toBe(true);
  const dir = process.env['CALLBRIDGE_UPDATE_SCREENSHOTS'] === '1' ? DOCS_IMAGES : join(tmpdir(), 'callbridge-console-screenshots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `console-${name}.png`), png);
  return png;
}
