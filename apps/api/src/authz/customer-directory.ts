/**
 * The partners' customers as authorization needs them (id, name, groups), read once and kept while
 * the store has committed nothing new (`store.commitCount()`: this process is the store's one
 * writer). Answers "is this customer the caller's to see" and "which customers are".
 */
import { type CustomerRecord, inCustomerScope, type Principal } from '@license-insights/contracts';
import { AppError, type Store } from '@license-insights/core';

interface PartnerCustomers {
  readonly commits: number;
  readonly byId: ReadonlyMap<string, CustomerRecord>;
  readonly list: readonly CustomerRecord[];
}

export class CustomerDirectory {
  private readonly cache = new Map<string, Promise<PartnerCustomers>>();

  constructor(private readonly store: Store) {}

  private load(partnerId: string): Promise<PartnerCustomers> {
    const commits = this.store.commitCount();
    const cached = this.cache.get(partnerId);
    if (cached !== undefined) {
      return cached.then((c) => (c.commits === commits ? c : this.refresh(partnerId, commits)));
    }
    return this.refresh(partnerId, commits);
  }

  private refresh(partnerId: string, commits: number): Promise<PartnerCustomers> {
    const loading = this.store.read(async (q) => {
      const list = await q.customers(partnerId);
      return { commits, byId: new Map(list.map((c) => [c.customerId, c])), list };
    });
    this.cache.set(partnerId, loading);
    loading.catch(() => this.cache.delete(partnerId));
    return loading;
  }

  /** Every customer of the partner (for the local operator and unscoped accounts). */
  async all(partnerId: string): Promise<readonly CustomerRecord[]> {
    return (await this.load(partnerId)).list;
  }

  /** The customers a caller may see: the partner's, narrowed to the account's scope. */
  async visible(principal: Pick<Principal, 'partnerId' | 'scope'>): Promise<readonly CustomerRecord[]> {
    const all = await this.all(principal.partnerId);
    return principal.scope === null ? all : all.filter((c) => inCustomerScope(principal.scope, c));
  }

  /** Ids of the customers a caller may see, or null when that is every customer (no narrowing). */
  async visibleIds(principal: Pick<Principal, 'partnerId' | 'scope'>): Promise<ReadonlySet<string> | null> {
    if (principal.scope === null) return null;
    return new Set((await this.visible(principal)).map((c) => c.customerId));
  }

  /**
   * A customer the caller may see, by id; anything else — another partner's customer, one outside
   * the scope, none at all — is the same 404 (SPEC §5: existence must not leak).
   */
  async require(
    principal: Pick<Principal, 'partnerId' | 'scope'>,
    customerId: string,
  ): Promise<CustomerRecord> {
    const c = (await this.load(principal.partnerId)).byId.get(customerId);
    if (c === undefined || !inCustomerScope(principal.scope, c)) {
      throw new AppError('not_found', `no customer ${JSON.stringify(customerId)}`);
    }
    return c;
  }
}
