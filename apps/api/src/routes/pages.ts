/**
 * The pages the server serves: the dashboard (apps/web's build: `/`, its assets, and its page for
 * every path of its own), the one-time sign-in link page, and the message page of a refused OpenID Connect sign-in.
 * Self-contained: no external assets; the app's CSP allows scripts only from this server, so the
 * link page's script is a route of its own (`/sign-in/link.js`), and its texts reach it in data
 * attributes. English or Polish by Accept-Language, from the contracts' i18n catalogs.
 *
 * The link's secret travels after `#`: browsers never send it to a server, so it reaches no access
 * log and no Referer; the script reads it, removes it from the address bar and history, and posts
 * it to /api/v1/auth/link.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { isLocale, type Locale, translate } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import type { FastifyReply } from 'fastify';
import type { Api, AppContext } from '../app';
import { notFoundHandler } from '../error-handler';

/** The first of the caller's languages we have (Accept-Language, by q-value), else English. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (acceptLanguage === undefined) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((x) => x.lang).find(isLocale) ?? 'en';
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5b5b66; --bg: #f4f5f7; --card: #fff;
  --line: #d5d7dd; --accent: #0f6cbd; --accent-fg: #fff; --bad: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --muted: #a6a6b3; --bg: #15161a;
  --card: #202127; --line: #3a3b44; --accent: #479ef5; --accent-fg: #0b0b0d; --bad: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { width: 100%; max-width: 400px; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; padding: 28px 28px 24px; box-shadow: 0 2px 12px rgb(0 0 0 / 6%); }
.brand { margin: 0 0 4px; font-size: 13px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; color: var(--accent); }
h1 { margin: 0 0 12px; font-size: 21px; font-weight: 600; }
p { margin: 0 0 16px; color: var(--muted); }
label { display: block; margin: 12px 0 4px; font-weight: 500; font-size: 14px; }
input { width: 100%; padding: 8px 10px; font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--line); border-radius: 6px; }
input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
button, .button { display: inline-block; margin-top: 20px; width: 100%; padding: 9px 14px; font: inherit; font-weight: 600;
  text-align: center; text-decoration: none; color: var(--accent-fg); background: var(--accent); border: 0; border-radius: 6px; cursor: pointer; }
button:disabled { opacity: .6; cursor: default; }
.message { margin: 16px 0 0; color: var(--fg); }
.message.bad { color: var(--bad); }
.detail { font-size: 13px; }
`;

function layout(locale: Locale, title: string, body: string, script: string | null): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · License Insights</title>
<style>${STYLE}</style>
${script === null ? '' : `<script src="${script}" defer></script>\n`}</head>
<body>
<main>
<p class="brand">License Insights</p>
${body}
</main>
</body>
</html>
`;
}

/** The one-time sign-in link page (its script does the work). */
export function renderLinkPage(locale: Locale): string {
  const t = (key: Parameters<typeof translate>[1], params: Record<string, string> = {}) =>
    escapeHtml(translate(locale, key, params));
  const title = translate(locale, 'signin.title');
  return layout(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${t('signin.link.intro')}</p>
<form id="link-form" novalidate
  data-working="${t('signin.link.working')}"
  data-short="${t('signin.link.short')}"
  data-mismatch="${t('signin.link.mismatch')}"
  data-missing="${t('signin.link.missing')}"
  data-expired="${t('signin.link.expired', { command: 'insights users link <e-mail>' })}"
  data-throttled="${t('signin.link.throttled')}"
  data-failed="${t('signin.link.failed')}">
<label for="password">${t('signin.link.password')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="1024">
<label for="repeat">${t('signin.link.repeat')}</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" maxlength="1024">
<button id="submit" type="submit">${t('signin.link.submit')}</button>
<p id="message" class="message" role="alert" hidden></p>
</form>`,
    '/sign-in/link.js',
  );
}

/** A page that says one thing (a refused sign-in), with a way on. */
export function renderMessagePage(
  locale: Locale,
  page: {
    readonly title: string;
    readonly message: string;
    readonly detail: string | null;
    readonly action: { readonly href: string; readonly label: string } | null;
  },
): string {
  return layout(
    locale,
    page.title,
    `<h1>${escapeHtml(page.title)}</h1>
<p class="message bad">${escapeHtml(page.message)}</p>
${page.detail === null ? '' : `<p class="detail">${escapeHtml(page.detail)}</p>\n`}${
  page.action === null
    ? ''
    : `<a class="button" href="${escapeHtml(page.action.href)}">${escapeHtml(page.action.label)}</a>`
}`,
    null,
  );
}

/** The link page's script: plain ES2017 the browser runs as is (no build step). */
export const LINK_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('link-form');
  var message = document.getElementById('message');
  var button = document.getElementById('submit');
  var text = form.dataset;
  var secret = '';
  try { secret = decodeURIComponent(location.hash.slice(1)); } catch (e) { secret = ''; }
  // The secret leaves the address bar and the history at once.
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  function show(t, bad) {
    message.textContent = t;
    message.className = bad ? 'message bad' : 'message';
    message.hidden = false;
  }
  if (!/^li_lnk_[A-Za-z0-9_-]{43}$/.test(secret)) {
    show(text.missing, true);
    button.disabled = true;
    return;
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = form.elements.password.value;
    var repeat = form.elements.repeat.value;
    if (password !== '' || repeat !== '') {
      if (password.length < 12) return show(text.short, true);
      if (password !== repeat) return show(text.mismatch, true);
    }
    button.disabled = true;
    show(text.working, false);
    var body = password === '' ? { secret: secret } : { secret: secret, password: password };
    fetch('/api/v1/auth/link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body)
    }).then(function (res) {
      if (res.ok) { location.assign('/'); return; }
      return res.json().catch(function () { return {}; }).then(function (err) {
        button.disabled = false;
        if (res.status === 401) show(text.expired, true);
        else if (res.status === 429) show(text.throttled, true);
        else show(text.failed.replace('{message}', err.message || res.statusText), true);
      });
    }, function (e) {
      button.disabled = false;
      show(text.failed.replace('{message}', String(e)), true);
    });
  });
})();
`;

const gzipAsync = promisify(gzip);

/** The dashboard's build beside this package (apps/web/dist), when it has been built; else null. */
export function defaultWebDist(): string | null {
  const dir = fileURLToPath(new URL('../../../web/dist', import.meta.url));
  return existsSync(path.join(dir, 'index.html')) ? dir : null;
}

const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * A path that asks for a file (a favicon, a source map, robots.txt): a 404, not the app's page. A
 * dot alone does not make a file: app paths may hold ids and domains (/customers/contoso.pl).
 */
const FILE_PATH = /\.(?:js|mjs|css|map|ico|png|jpe?g|gif|svg|webp|txt|xml|json|webmanifest|woff2?)$/i;

/** An asset's name: the bundler's content-hashed file names, nothing that could leave the folder. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * The dashboard's assets in memory, each with its gzip form (compressed once, at the first request:
 * the app's JavaScript is ~4× smaller gzipped). A few MB for the whole build.
 */
class AssetMemory {
  private readonly files = new Map<string, Promise<{ body: Buffer; gzip: Buffer | null } | null>>();

  get(file: string): Promise<{ body: Buffer; gzip: Buffer | null } | null> {
    let entry = this.files.get(file);
    if (entry === undefined) {
      entry = readFile(file).then(
        async (body) => {
          if (body.length < 1024) return { body, gzip: null };
          const gzip = await gzipAsync(body, { level: 9 });
          return { body, gzip: gzip.length < body.length ? gzip : null };
        },
        () => null,
      );
      this.files.set(file, entry);
      // A missing file is not remembered (a build may be under way).
      void entry.then((e) => {
        if (e === null) this.files.delete(file);
      });
    }
    return entry;
  }
}

export function registerPageRoutes(app: Api, ctx: AppContext): void {
  const dist = ctx.webDist;
  const assets = new AssetMemory();
  // The dashboard's page names the hashed assets of its build: read at every request (it is small),
  // so a new build is served at once, without a restart.
  const index = async (): Promise<Buffer> => {
    if (dist === null) throw new AppError('not_found', 'the dashboard is not built (npm run build)');
    return readFile(path.join(dist, 'index.html'));
  };
  const sendIndex = async (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await index());

  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    // Without a built dashboard the API reference is the front page.
    dist === null ? reply.redirect('/api/docs', 302) : sendIndex(reply),
  );

  app.get('/assets/:file', { schema: { hide: true } }, async (req, reply) => {
    const { file } = req.params as { file: string };
    const type = ASSET_TYPES[path.extname(file)];
    if (dist === null || !ASSET_NAME.test(file) || type === undefined) {
      throw new AppError('not_found', `no asset ${file}`);
    }
    const asset = await assets.get(path.join(dist, 'assets', file));
    if (asset === null) throw new AppError('not_found', `no asset ${file}`);
    // Content-hashed names: a new build has new names, so an asset never changes.
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding')
      .type(type);
    const gzip = asset.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    return gzip ? reply.header('content-encoding', 'gzip').send(asset.gzip) : reply.send(asset.body);
  });

  // The dashboard's own routes (/insights, /customers/…): its page, which routes in the browser.
  // Paths of the API keep their JSON 404.
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    if (dist === null || url.startsWith('/api/') || url === '/api' || FILE_PATH.test(url)) {
      return notFoundHandler(req, reply);
    }
    return sendIndex(reply);
  });

  app.get('/sign-in/link', { schema: { hide: true } }, async (req, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(renderLinkPage(negotiateLocale(req.headers['accept-language']))),
  );

  app.get('/sign-in/link.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(LINK_SCRIPT),
  );
}
