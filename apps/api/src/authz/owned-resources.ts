/**
 * Resources a partner owns that routes name by id (a staff account, an API token, a job): an id
 * of another partner answers 404 like an unknown one, before any right is looked at (SPEC §5:
 * the existence of another partner's resources must not leak). The access table names the kind
 * and the path parameter; each area registers how to tell whether an id is the partner's.
 */
import type { Principal } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';

export const OWNED_KINDS = ['staff_account', 'api_token', 'job'] as const;
export type OwnedKind = (typeof OWNED_KINDS)[number];

/** Whether the caller's partner owns the resource of this id (or the caller may see it as if it did). */
export type OwnerCheck = (principal: Principal, id: string) => boolean | Promise<boolean>;

const WHAT: Readonly<Record<OwnedKind, string>> = {
  staff_account: 'staff account',
  api_token: 'API token',
  job: 'job',
};

export class OwnedResources {
  readonly #checks = new Map<OwnedKind, OwnerCheck>();

  register(kind: OwnedKind, check: OwnerCheck): void {
    if (this.#checks.has(kind)) throw new Error(`owned resource kind ${kind} registered twice`);
    this.#checks.set(kind, check);
  }

  has(kind: OwnedKind): boolean {
    return this.#checks.has(kind);
  }

  /** Resolves when the caller's partner owns the resource; a 404 otherwise. */
  async require(kind: OwnedKind, principal: Principal, id: string): Promise<void> {
    const check = this.#checks.get(kind);
    if (check === undefined) throw new AppError('internal', `no owner check for ${kind}`);
    if (id === '' || !(await check(principal, id))) {
      throw new AppError('not_found', `no ${WHAT[kind]} ${JSON.stringify(id)}`);
    }
  }
}
