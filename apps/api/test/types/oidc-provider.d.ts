/**
 * The little of oidc-provider (a dev dependency: the OpenID provider of the OIDC test) that the
 * test uses; the package ships no types.
 */
declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http';

  export interface ProviderAccount {
    readonly accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  export interface ProviderConfiguration {
    readonly clients?: readonly Record<string, unknown>[];
    findAccount?(ctx: unknown, id: string): Promise<ProviderAccount | undefined>;
    readonly claims?: Readonly<Record<string, readonly string[]>>;
    readonly conformIdTokenClaims?: boolean;
    readonly features?: Readonly<Record<string, { readonly enabled: boolean }>>;
    readonly cookies?: { readonly keys: readonly string[] };
    readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    callback(): RequestListener;
  }
}
