/**
 * The sign-in link page in a real Chromium (headless, the system's /usr/bin/chromium; skipped when
 * there is none): the server on a loopback port, a fresh link opened as printed, a password set,
 * and the browser lands signed in on the front page — all under the app's CSP (a blocked script
 * would leave the form dead). Also: Polish for a Polish browser, a used link's message, a link
 * without its secret. `LI_SCREENSHOTS=<dir>` keeps screenshots of the page for a look.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { issueSignInLink } from '@license-insights/core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, staffWithPassword } from './helpers/sessions';
import { startTestApp, type TestApp } from './helpers/test-app';

const CHROMIUM = process.env.LI_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!available && process.env.CI === 'true') {
  throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`);
}
const shots = process.env.LI_SCREENSHOTS;

let s: TestApp;
let base: string;
let chrome: Browser;
const operator = { partnerId: 'demo', email: 'local operator (OS user test)', via: 'local' as const };

beforeAll(async () => {
  if (!available) return;
  s = await startTestApp({ customers: 2, otherPartner: false });
  base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  chrome = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  if (shots !== undefined) mkdirSync(shots, { recursive: true });
}, 120_000);
afterAll(async () => {
  if (!available) return;
  await chrome.close();
  await s.close();
});

async function shot(page: import('playwright-core').Page, name: string): Promise<void> {
  if (shots !== undefined) await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

describe.skipIf(!available)('the sign-in link page in Chromium', () => {
  it('sets a password, signs in, and lands on the front page; the password then works', async () => {
    const account = await staffWithPassword(s.accounts, ['admin_agent', 'user_admin'], { password: null });
    const link = await issueSignInLink(s.accounts, operator, account.email, base);
    const context = await chrome.newContext({ locale: 'en-US', viewport: { width: 720, height: 560 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(link.url);
    await expect.poll(() => page.url()).toBe(`${base}/sign-in/link`); // the secret left the address bar
    await page.fill('#password', 'a long enough passphrase');
    await page.fill('#repeat', 'a long enough passphras');
    await page.click('#submit');
    expect(await page.textContent('#message')).toBe('The two passwords differ.');
    await page.fill('#repeat', 'a long enough passphrase');
    await shot(page, 'sign-in-link-en');
    // Nothing on the page broke (a script or style the CSP blocked, a missing resource).
    expect(errors).toEqual([]);
    await Promise.all([page.waitForURL(`${base}/api/docs**`), page.click('#submit')]);
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === 'li_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await context.close();
    await signIn(s.app, account.email, 'a long enough passphrase');
  });

  it('speaks Polish to a Polish browser, and says what to do with a used link', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent'], { password: null });
    const link = await issueSignInLink(s.accounts, operator, account.email, base);
    const context = await chrome.newContext({ locale: 'pl-PL', viewport: { width: 720, height: 560 } });
    const page = await context.newPage();
    await page.goto(link.url);
    expect(await page.textContent('h1')).toBe('Logowanie');
    expect(await page.title()).toBe('Logowanie · License Insights');
    await shot(page, 'sign-in-link-pl');
    await Promise.all([page.waitForURL(`${base}/api/docs**`), page.click('#submit')]);
    // The same link again: used.
    await page.goto(link.url);
    await page.click('#submit');
    await expect.poll(() => page.textContent('#message')).toContain('Ten link wygasł albo został już użyty');
    expect(await page.textContent('#message')).toContain('insights users link <e-mail>');
    await shot(page, 'sign-in-link-pl-used');
    await context.close();
  });

  it('tells a person whose link lost its secret to open the whole link', async () => {
    const context = await chrome.newContext({ locale: 'en-GB', viewport: { width: 720, height: 560 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in/link`);
    expect(await page.textContent('#message')).toContain('including the part after #');
    expect(await page.isDisabled('#submit')).toBe(true);
    await context.close();
  });
});
