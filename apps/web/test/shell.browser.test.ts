/**
 * The dashboard's frame in a real Chromium: sign-in with a password (a wrong one refused, a signed-
 * out visit sent to sign-in and back), sign-out, what each of the three roles sees in the navigation
 * and may open (SPEC §5, written out here on its own) — and that the API refuses the rest too —
 * the keyboard (skip link, navigation, sorting and opening from the customer table), and the
 * language switch, which sticks across reloads.
 */
import type { Role } from '@license-insights/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  type Dashboard,
  errorsOf,
  PASSWORD,
  ready,
  shot,
  startDashboard,
  watchErrors,
} from './helpers/dashboard';

let d: Dashboard;

beforeAll(async () => {
  if (chromiumAvailable) d = await startDashboard({ customers: 6, days: 60 });
}, 180_000);
afterAll(async () => {
  await d?.close();
});

/** SPEC §5: the pages each role may open (its navigation), and the API route behind a page it may not. */
const SEES: Record<Role, { nav: string[]; refused: { page: string; api: string }[] }> = {
  admin_agent: {
    nav: ['insights', 'recommendations', 'imports', 'settings', 'tokens', 'audit'],
    refused: [{ page: '/staff', api: '/api/v1/staff' }],
  },
  sales_agent: {
    nav: ['insights', 'recommendations', 'tokens'],
    refused: [
      { page: '/imports', api: '/api/v1/jobs' },
      { page: '/settings', api: 'PATCH /api/v1/settings' },
      { page: '/staff', api: '/api/v1/staff' },
      { page: '/audit', api: '/api/v1/audit' },
    ],
  },
  user_admin: {
    nav: ['insights', 'recommendations', 'staff', 'tokens', 'audit'],
    refused: [
      { page: '/imports', api: '/api/v1/jobs' },
      { page: '/settings', api: 'PATCH /api/v1/settings' },
    ],
  },
};

describe.skipIf(!chromiumAvailable)('sign-in and the frame', () => {
  it('sends a signed-out visit to sign-in, refuses a wrong password, signs in and comes back', async () => {
    const email = await d.account(['sales_agent']);
    const context = await d.context();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto('/recommendations?rule=UPSELL');
    await page.waitForURL(/\/sign-in\?next=/);
    await shot(page, 'sign-in-en');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The e-mail or password is wrong.');
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL('**/recommendations?rule=UPSELL'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(await page.getByRole('navigation').textContent()).toContain('Insights');
    // 401s of the page's own check before sign-in are expected; nothing else broke.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await context.close();
  });

  it('does not go to another site after sign-in (next is a path here only)', async () => {
    const email = await d.account(['sales_agent']);
    const context = await d.context();
    const page = await context.newPage();
    await page.goto('/sign-in?next=//evil.example/x');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/insights');
    expect(new URL(page.url()).origin).toBe(d.base);
    await context.close();
  });

  it('signs out: the session ends and pages go back to sign-in', async () => {
    const page = await d.signedIn(await d.account(['admin_agent']));
    await page.getByRole('button', { name: /admin agent/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(status).toBe(401);
    await page.goto('/insights');
    await page.waitForURL(/\/sign-in\?next=%2Finsights/);
    await page.context().close();
  });

  it.each(Object.entries(SEES) as [Role, (typeof SEES)[Role]][])(
    '%s: sees only its pages, and the others are refused by the page and the API',
    async (role, sees) => {
      const page = await d.signedIn(await d.account([role]));
      await page.goto('/tokens');
      await page.locator('nav a[data-nav="tokens"]').waitFor();
      const nav = await page
        .locator('nav a[data-nav]')
        .evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')));
      expect(nav).toEqual(sees.nav);
      for (const { page: path, api } of sees.refused) {
        await page.goto(path);
        await expect.poll(() => page.locator('main').textContent()).toContain('Not for your roles');
        // A write goes with the session's CSRF token, so a 403 is the roles' answer, not the token's.
        const status = await page.evaluate(async (route) => {
          const [method = 'GET', url = route] = route.includes(' ') ? route.split(' ') : [];
          const { csrfToken } = (await (await fetch('/api/v1/auth/csrf')).json()) as { csrfToken: string };
          const init: RequestInit = {
            method,
            headers: { 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          };
          if (method !== 'GET') init.body = '{}';
          return (await fetch(url, init)).status;
        }, api);
        expect(status, api).toBe(403);
      }
      expect(errorsOf(page).filter((e) => !e.includes('403'))).toEqual([]);
      await page.context().close();
    },
  );

  it('switches the language, and the choice sticks across reloads and sign-ins', async () => {
    const page = await d.signedIn(await d.account(['admin_agent']));
    await page.goto('/tokens');
    await page.getByRole('button', { name: 'Language' }).click();
    await page.getByRole('menuitem', { name: 'Polski' }).click();
    await expect.poll(() => page.locator('nav').textContent()).toContain('Rekomendacje');
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
    await page.reload();
    await expect.poll(() => page.locator('nav').textContent()).toContain('Dziennik audytu');
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
    await shot(page, 'frame-pl');
    await page.getByRole('button', { name: 'Język' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect.poll(() => page.locator('nav').textContent()).toContain('Recommendations');
    await page.context().close();
  });

  it('works from the keyboard: skip link, navigation, and the customer table sorted and opened', async () => {
    const page = await d.signedIn(await d.account(['sales_agent']));
    await page.goto('/insights');
    await ready(page, 'portfolio');
    // The first Tab reaches the skip link; Enter moves focus to the page's content.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // A navigation link, reached with Tab and followed with Enter.
    const link = page.locator('nav a[data-nav="recommendations"]');
    for (let i = 0; i < 30 && !(await link.evaluate((a) => a === document.activeElement)); i++) {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL('**/recommendations');
    // The customer table: a column header sorts with Enter; a customer opens with Enter.
    await page.goto('/insights');
    await ready(page, 'portfolio');
    const sortedKey = await page.getAttribute('table[data-rows-key] thead th[aria-sort]', 'data-sort');
    const th = page.locator(`table[data-rows-key] thead th[data-sort="${sortedKey}"]`);
    const header = th.locator('button');
    const before = await th.getAttribute('aria-sort');
    const key = await page.getAttribute('table[data-rows-key]', 'data-rows-key');
    await header.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getAttribute('table[data-rows-key]', 'data-rows-key')).not.toBe(key);
    expect(await th.getAttribute('aria-sort')).not.toBe(before);
    await page.locator('table[data-rows-key] tbody a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/customers\//);
    await ready(page, 'customer');
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('starts in the browser’s language: Polish for a Polish browser, on the sign-in page too', async () => {
    const context = await d.context({ locale: 'pl' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Logowanie');
    await shot(page, 'sign-in-pl');
    await context.close();
  });
});
