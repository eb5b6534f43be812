/**
 * The dashboard in a real browser, for the browser tests: the server (`buildApp`) on a loopback
 * port serving the built app (apps/web/dist — `npm test` builds it first), on a real DuckDB store
 * seeded by the demo generator (a customer and a product named with HTML, to prove it renders
 * inert), staff accounts with passwords for any roles, and Debian's Chromium driven by
 * playwright-core. Screenshots go to `.tmp/screenshots/` (or LI_SCREENSHOTS) for a look.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locale, Role } from '@license-insights/contracts';
import {
  type AccountStore,
  computeMetrics,
  loadConfig,
  openAccountStore,
  writeDemoDataset,
} from '@license-insights/core';
import { type TempStore, tempStore } from '@license-insights/core/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Api, buildApp } from '../../../api/src/app';
import { hashPassword } from '../../../api/src/auth/passwords';

export const CHROMIUM = process.env.LI_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!chromiumAvailable && process.env.CI === 'true') {
  throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`);
}

const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const WEB_DIST = path.join(root, 'apps/web/dist');
export const SHOTS = process.env.LI_SCREENSHOTS ?? path.join(root, '.tmp/screenshots');

export const PARTNER = 'demo';
export const PASSWORD = 'correct horse battery staple';
/** Names that would run script if the page put them in as HTML. */
export const XSS_CUSTOMER = '<img src=x onerror=window.__xss=1>Contoso';
export const XSS_PRODUCT = '<svg onload=window.__xss=2>Microsoft 365 Business Basic';

export interface Dashboard {
  readonly base: string;
  readonly app: Api;
  readonly t: TempStore;
  readonly accounts: AccountStore;
  readonly chrome: Browser;
  /** A staff account with these roles and the password PASSWORD; its e-mail. */
  account(roles: readonly Role[], options?: { customers?: string[] }): Promise<string>;
  /** A browser context in a language, signed in as the account (through the sign-in page). */
  signedIn(email: string, options?: { locale?: Locale; theme?: 'light' | 'dark' }): Promise<Page>;
  /** A fresh context, not signed in. */
  context(options?: { locale?: Locale }): Promise<BrowserContext>;
  close(): Promise<void>;
}

let counter = 0;

export async function startDashboard(
  options: { customers?: number; days?: number } = {},
): Promise<Dashboard> {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`no dashboard build in ${WEB_DIST}: run \`npm run build\` first (npm test does)`);
  }
  const t = await tempStore();
  const demo = path.join(t.files.dir, 'demo-data');
  await writeDemoDataset(demo, {
    customers: options.customers ?? 8,
    seed: 'web',
    days: options.days ?? 120,
    end: '2026-03-31',
  });
  // The first customer and product get names with HTML in them.
  const customers = path.join(demo, 'customers.csv');
  const c = (await readFile(customers, 'utf8')).split('\n');
  if (c[1] !== undefined) c[1] = c[1].replace(/^([^,]+),([^,]+),/, `$1,${XSS_CUSTOMER},`);
  await writeFile(customers, c.join('\n'));
  const products = path.join(demo, 'products.csv');
  await writeFile(
    products,
    (await readFile(products, 'utf8')).replace(',Microsoft 365 Business Basic,', `,${XSS_PRODUCT},`),
  );
  await t.import([demo], { partnerId: PARTNER });
  await computeMetrics(t.store, { partnerId: PARTNER });
  const accounts = await openAccountStore({ dataDir: t.dataDir });
  const config = loadConfig({ cwd: t.dataDir, env: {}, flags: { dataDir: t.dataDir } });
  const app = await buildApp({
    config,
    store: t.store,
    accounts,
    logger: false,
    webDist: WEB_DIST,
    homePartnerId: PARTNER,
    jobOptions: { threadsWhileBusy: null },
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const chrome = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SHOTS, { recursive: true });

  const d: Dashboard = {
    base,
    app,
    t,
    accounts,
    chrome,
    async account(roles, o = {}) {
      counter++;
      const account = await accounts.createAccount(
        {
          partnerId: PARTNER,
          email: `${roles.join('-').replaceAll('_', '')}${counter}@demo.example`,
          displayName: `${roles.map((r) => r.replace('_', ' ')).join(' + ')} ${counter}`,
          roles: [...roles],
          scope: o.customers === undefined ? null : { customers: o.customers, groups: [] },
        },
        null,
      );
      await accounts.updateAccount(
        PARTNER,
        account.accountId,
        { passwordHash: await hashPassword(PASSWORD) },
        null,
      );
      return account.email;
    },
    async context(o = {}) {
      const locale = o.locale ?? 'en';
      return chrome.newContext({
        baseURL: base,
        locale: locale === 'pl' ? 'pl-PL' : 'en-US',
        viewport: { width: 1440, height: 900 },
        acceptDownloads: true,
      });
    },
    async signedIn(email, o = {}) {
      const context = await d.context(o);
      await context.addInitScript(
        ([locale, theme]) => {
          if (localStorage.getItem('li.locale') === null) localStorage.setItem('li.locale', locale);
          if (localStorage.getItem('li.theme') === null) localStorage.setItem('li.theme', theme);
        },
        [o.locale ?? 'en', o.theme ?? 'light'] as const,
      );
      const page = await context.newPage();
      watchErrors(page);
      await page.goto('/sign-in');
      await page.getByLabel(/E-mail/).fill(email);
      await page.getByLabel(/Password|Hasło/).fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/sign-in')),
        page.getByRole('button', { name: /^(Sign in|Zaloguj)$/ }).click(),
      ]);
      return page;
    },
    async close() {
      await chrome.close();
      await app.close();
      await accounts.close();
      await t.close();
    },
  };
  return d;
}

/** Errors the page met (console errors, uncaught exceptions): a test expects none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  return errors;
}

export function errorsOf(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits for a page's ready marker (src/app/ready.ts). */
export async function ready(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`html[data-ready="${name}"]`, { timeout: 30_000 });
}
