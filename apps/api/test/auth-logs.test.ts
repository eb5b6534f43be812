/**
 * Never a password or a secret in a log: the server's pino logger (the options `insights serve`
 * uses: REDACTED_HEADERS, at the most verbose level) writes to a stream while people sign in with
 * a password (right and wrong), use a sign-in link that sets a password, fetch a CSRF token,
 * create an API token and use it, change their password and sign out, and an OpenID Connect
 * callback arrives with a code. The log holds the requests, and none of the passwords, session
 * ids, CSRF tokens, API tokens, link secrets or codes. A second logger that also writes request
 * and response headers (as an operator might configure) shows the redaction at work.
 */
import { Writable } from 'node:stream';
import { issueSignInLink } from '@license-insights/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_HEADERS } from '../src/app';
import { requestLogValue } from '../src/logging';
import { browser, PASSWORD, signIn, staffWithPassword } from './helpers/sessions';
import { startTestApp, type TestApp } from './helpers/test-app';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

const plain = sink();
const withHeaders = sink();
let s: TestApp;
let t: TestApp;
const operator = { partnerId: 'demo', email: 'local operator (OS user test)', via: 'local' as const };

beforeAll(async () => {
  const redact = { paths: REDACTED_HEADERS, censor: '[redacted]' };
  s = await startTestApp({
    customers: 2,
    otherPartner: false,
    deps: { logger: { level: 'trace', redact, stream: plain.stream } },
  });
  t = await startTestApp({
    customers: 2,
    otherPartner: false,
    deps: {
      logger: {
        level: 'trace',
        redact,
        stream: withHeaders.stream,
        serializers: {
          req: (req) => ({ ...requestLogValue(req), headers: req.headers }),
          res: (reply) => ({ statusCode: reply.statusCode, headers: reply.getHeaders?.() }),
        },
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await s.close();
  await t.close();
});

/** Everything secret one round of sign-ins handles; the log must hold none of it. */
async function exercise(app: TestApp): Promise<string[]> {
  const secrets: string[] = [
    PASSWORD,
    'a wrong password typed here',
    'the password set by link',
    'a changed password here',
  ];
  const person = await staffWithPassword(app.accounts, ['admin_agent', 'user_admin']);
  const wrong = await browser(app.app, '10.3.0.1').request({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: person.email, password: 'a wrong password typed here' },
  });
  expect(wrong.statusCode).toBe(401);
  const b = await signIn(app.app, person.email, PASSWORD, '10.3.0.2');
  secrets.push(b.cookies.get('li_session') ?? 'missing', b.csrfToken ?? 'missing');
  const csrf = await b.request({ method: 'GET', url: '/api/v1/auth/csrf' });
  secrets.push(csrf.json().csrfToken, b.cookies.get('li_csrf') ?? 'missing');
  const made = await b.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'logged?' } });
  expect(made.statusCode).toBe(201);
  secrets.push(made.json().secret);
  expect((await app.call(made.json().secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  const changed = await b.request({
    method: 'POST',
    url: '/api/v1/me/password',
    payload: { currentPassword: PASSWORD, newPassword: 'a changed password here' },
  });
  expect(changed.statusCode).toBe(200);
  secrets.push(b.cookies.get('li_session') ?? 'missing', b.csrfToken ?? 'missing');
  expect((await b.request({ method: 'POST', url: '/api/v1/auth/sign-out' })).statusCode).toBe(204);

  const linked = await staffWithPassword(app.accounts, ['sales_agent'], { password: null });
  const link = await issueSignInLink(app.accounts, operator, linked.email, 'http://localhost:8080');
  const secret = link.url.split('#')[1] ?? 'missing';
  secrets.push(secret);
  const l = browser(app.app, '10.3.0.3');
  const used = await l.request({
    method: 'POST',
    url: '/api/v1/auth/link',
    payload: { secret, password: 'the password set by link' },
  });
  expect(used.statusCode).toBe(200);
  secrets.push(l.cookies.get('li_session') ?? 'missing');
  // A callback's code in the query (no provider configured here: 404, and still no code logged).
  const code = 'AUTHORIZATIONCODE0123456789';
  secrets.push(code);
  await app.call(null, { method: 'GET', url: `/api/v1/auth/oidc/callback?code=${code}&state=s` });
  return secrets;
}

describe('the server log', () => {
  it('holds the requests but no password, session id, CSRF token, API token, link secret or code', async () => {
    const secrets = await exercise(s);
    const log = plain.text();
    expect(log).toContain('/api/v1/auth/sign-in');
    expect(log).toContain('/api/v1/auth/link');
    expect(log).toContain('/api/v1/tokens');
    expect(log).toContain('code=[redacted]');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(log.includes(secret), `a secret in the log: ${secret.slice(0, 12)}…`).toBe(false);
    }
  });

  it('redacts the credential headers when a configuration logs headers', async () => {
    const secrets = await exercise(t);
    const log = withHeaders.text();
    expect(log).toContain('"cookie":"[redacted]"');
    expect(log).toContain('"authorization":"[redacted]"');
    expect(log).toContain('"x-csrf-token":"[redacted]"');
    expect(log).toContain('"set-cookie":"[redacted]"');
    for (const secret of secrets) {
      expect(log.includes(secret), `a secret in the log: ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
