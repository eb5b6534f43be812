/**
 * Every page of the dashboard in both languages and both themes, as an admin agent + user
 * management admin (who may open them all): it draws without errors, is saved as a screenshot
 * (.tmp/screenshots, for a look), and axe-core finds no serious or critical accessibility
 * violation on it. Also: a customer and a product named with HTML render as text, inert.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locale } from '@license-insights/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  type Dashboard,
  errorsOf,
  ready,
  shot,
  startDashboard,
  XSS_CUSTOMER,
  XSS_PRODUCT,
} from './helpers/dashboard';

let d: Dashboard;
let admin: string;
let customerId: string;
let xssCustomerId: string;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  d = await startDashboard({ customers: 6, days: 60 });
  admin = await d.account(['admin_agent', 'user_admin']);
  const customers = await d.t.store.read((q) => q.customers('demo'));
  xssCustomerId = customers.find((c) => c.name === XSS_CUSTOMER)?.customerId ?? '';
  customerId = customers.find((c) => c.name !== XSS_CUSTOMER)?.customerId ?? '';
}, 180_000);
afterAll(async () => {
  await d?.close();
});

/** The pages, and how each says it has drawn its data. */
function pages(): { name: string; path: string; ready: string | null }[] {
  return [
    { name: 'insights', path: '/insights', ready: 'portfolio' },
    { name: 'customer', path: `/customers/${encodeURIComponent(customerId)}`, ready: 'customer' },
    {
      name: 'subscriptions',
      path: `/customers/${encodeURIComponent(customerId)}/subscriptions`,
      ready: null,
    },
    { name: 'recommendations', path: '/recommendations', ready: null },
    { name: 'imports', path: '/imports', ready: null },
    { name: 'settings', path: '/settings', ready: null },
    { name: 'staff', path: '/staff', ready: null },
    { name: 'tokens', path: '/tokens', ready: null },
    { name: 'audit', path: '/audit', ready: null },
  ];
}

async function open(page: Page, p: { path: string; ready: string | null }): Promise<void> {
  await page.goto(p.path);
  if (p.ready !== null) await ready(page, p.ready);
  else await page.waitForLoadState('networkidle');
  // No spinner left: the page drew its data (or its designed empty/error state).
  await expect.poll(() => page.locator('[role="progressbar"]').count(), { timeout: 20_000 }).toBe(0);
}

async function seriousViolations(page: Page): Promise<string[]> {
  // Fluent's focus sentinels (tabster's dummy inputs around dialogs and menus) are aria-hidden
  // and focusable by design — they pass focus on at once; axe reports them as aria-hidden-focus.
  const result = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

describe.skipIf(!chromiumAvailable)('every page, both languages', () => {
  it.each(['en', 'pl'] as Locale[])(
    '%s: draws, is screenshotted, and has no serious axe violation',
    async (locale) => {
      const page = await d.signedIn(admin, { locale });
      const found: Record<string, string[]> = {};
      for (const p of pages()) {
        await open(page, p);
        await shot(page, `${p.name}-${locale}`);
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[p.name] = violations;
      }
      expect(found).toEqual({});
      expect(errorsOf(page)).toEqual([]);
      await page.context().close();
    },
  );

  it.each(['en', 'pl'] as Locale[])(
    'dark theme, %s: draws every page and keeps axe quiet (contrast included)',
    async (locale) => {
      const page = await d.signedIn(admin, { theme: 'dark', locale });
      const found: Record<string, string[]> = {};
      for (const p of pages()) {
        await open(page, p);
        await shot(page, `${p.name}-dark-${locale}`);
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[p.name] = violations;
      }
      expect(found).toEqual({});
      expect(errorsOf(page)).toEqual([]);
      await page.context().close();
    },
  );

  it('renders a customer and a product named with HTML as text, never as markup', async () => {
    const page = await d.signedIn(admin);
    const inert = async () => {
      expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    };
    // The portfolio: the customer in the table (found by name), the product in the breakdown.
    await page.goto(`/insights?q=${encodeURIComponent('Contoso')}&by=product`);
    await ready(page, 'portfolio');
    await expect.poll(() => page.locator('table[data-rows-key]').textContent()).toContain(XSS_CUSTOMER);
    await expect.poll(() => page.locator('main').textContent()).toContain(XSS_PRODUCT);
    await inert();
    await shot(page, 'xss-portfolio');
    // The customer's page: its name as the heading.
    await page.goto(`/customers/${encodeURIComponent(xssCustomerId)}`);
    await ready(page, 'customer');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(XSS_CUSTOMER);
    await inert();
    await shot(page, 'xss-customer');
    await page.context().close();
  });
});
