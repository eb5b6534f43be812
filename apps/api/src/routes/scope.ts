/**
 * The customers a caller sees, as the use-cases take them: undefined when that is every customer
 * of the partner (no narrowing: the use-case reads the whole portfolio), else the ids of the
 * account's scope. Every route that reads more than one customer passes this on, so nothing
 * outside the scope is ever part of an answer.
 */
import type { Principal } from '@license-insights/contracts';
import type { AppContext } from '../app';

export async function visibleCustomerIds(
  ctx: AppContext,
  p: Pick<Principal, 'partnerId' | 'scope'>,
): Promise<string[] | undefined> {
  const ids = await ctx.directory.visibleIds(p);
  return ids === null ? undefined : [...ids];
}
