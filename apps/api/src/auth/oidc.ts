/**
 * OpenID Connect sign-in (Microsoft Entra ID or any provider) with openid-client: the
 * authorization code flow with PKCE (S256), `state` and `nonce`. What a started sign-in must
 * remember (verifier, state, nonce, redirect URI) stays in this process, under a random handle the
 * browser holds in a short-lived HttpOnly cookie — so a callback is accepted only in the browser
 * that started it (no login CSRF), once, within ten minutes. The callback exchanges the code and
 * validates the ID token (issuer, audience, signature, nonce, expiry: openid-client), and reads the
 * groups claim from it, else from the user info endpoint.
 *
 * The provider's metadata is discovered on first use and kept; a failed discovery is retried on
 * the next sign-in. Plain HTTP is allowed only for a provider on a loopback address (tests, local
 * development); anything else must be HTTPS.
 *
 * One process keeps the started sign-ins: several server processes behind one address would need
 * sticky sessions for the ten minutes of a sign-in (PostgreSQL deployments: noted for later).
 */
import { randomBytes } from 'node:crypto';
import { AppError, messageOf, type OidcConfig, type OidcIdentity } from '@license-insights/core';
import * as client from 'openid-client';

/** How long a started sign-in may take. */
export const OIDC_PENDING_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

interface Pending {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly expires: number;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** What a provider's error says, for a message (never tokens: errors carry codes and descriptions). */
function describe(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const o = e as { error?: unknown; error_description?: unknown };
    if (typeof o.error === 'string') {
      return typeof o.error_description === 'string' ? `${o.error}: ${o.error_description}` : o.error;
    }
  }
  return messageOf(e);
}

export class OidcSignIn {
  private discovered: Promise<client.Configuration> | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    readonly config: OidcConfig,
    private readonly now: () => Date,
  ) {}

  private configuration(): Promise<client.Configuration> {
    if (this.discovered === null) {
      const issuer = new URL(this.config.issuer);
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
      const discovering = client
        .discovery(
          issuer,
          this.config.clientId,
          this.config.clientSecret,
          undefined,
          insecure ? { execute: [client.allowInsecureRequests] } : undefined,
        )
        .catch((e: unknown) => {
          this.discovered = null;
          throw new AppError(
            'config.invalid',
            `could not read the OpenID Connect provider's configuration from ${this.config.issuer} (${describe(e)}): check server.oidc.issuer and that the provider is reachable`,
            [],
            { cause: e },
          );
        });
      this.discovered = discovering;
    }
    return this.discovered;
  }

  /** Starts a sign-in: the provider's URL to send the browser to, and the handle for its cookie. */
  async start(redirectUri: string): Promise<{ readonly url: string; readonly handle: string }> {
    const config = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const now = this.now().getTime();
    if (this.pending.size >= MAX_PENDING) {
      for (const [k, p] of this.pending) if (p.expires <= now) this.pending.delete(k);
      if (this.pending.size >= MAX_PENDING) this.pending.clear();
    }
    const handle = randomBytes(32).toString('base64url');
    this.pending.set(handle, { state, nonce, verifier, redirectUri, expires: now + OIDC_PENDING_MS });
    return { url: url.href, handle };
  }

  /**
   * Finishes a sign-in from the provider's redirect: `query` is the callback's query string as
   * received. Throws `auth.unauthenticated` for anything the provider or the checks refuse.
   */
  async finish(handle: string | undefined, query: string): Promise<OidcIdentity> {
    const pending = handle === undefined ? undefined : this.pending.get(handle);
    if (handle !== undefined) this.pending.delete(handle);
    if (pending === undefined || pending.expires <= this.now().getTime()) {
      throw new AppError(
        'auth.unauthenticated',
        'this sign-in was not started in this browser, took longer than 10 minutes, or was finished already: start it again',
      );
    }
    const config = await this.configuration();
    // The URL the provider redirected to, as the provider saw it (the redirect URI is compared).
    const current = new URL(pending.redirectUri);
    current.search = query;
    let claims: Record<string, unknown>;
    let accessToken: string;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw new Error('no ID token');
      claims = { ...idClaims };
      accessToken = tokens.access_token;
    } catch (e) {
      throw new AppError(
        'auth.unauthenticated',
        `the sign-in provider refused the sign-in (${describe(e)})`,
        [],
        {
          cause: e,
        },
      );
    }
    const groupsClaim = this.config.groupsClaim;
    if (
      claims[groupsClaim] === undefined ||
      (claims.email === undefined && claims.preferred_username === undefined)
    ) {
      // Providers that put only the basic claims in the ID token give the rest from user info.
      try {
        const info = await client.fetchUserInfo(config, accessToken, String(claims.sub));
        claims = { ...info, ...claims, [groupsClaim]: claims[groupsClaim] ?? info[groupsClaim] };
      } catch {
        // No user info endpoint, or it refused: the ID token's claims are all there is.
      }
    }
    return {
      issuer: String(claims.iss),
      subject: String(claims.sub),
      email: str(claims.email),
      emailVerified: claims.email_verified !== false,
      username: str(claims.preferred_username) ?? str(claims.upn),
      name: str(claims.name),
      groups: strings(claims[groupsClaim]),
    };
  }
}
