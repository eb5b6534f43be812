/**
 * Use-case: the customer a person names (id, domain or name; see customers/resolve-customer.ts),
 * for every reading command. Unknown or ambiguous names are errors that list what exists.
 */
import { type CustomerCandidate, expectCustomer, userDomainOf } from '../customers/resolve-customer';
import type { StoreReader } from '../store/store';

export async function findCustomer(
  store: StoreReader,
  partnerId: string,
  query: string,
): Promise<CustomerCandidate> {
  return expectCustomer(await store.customerCandidates(partnerId, userDomainOf(query)), query).customer;
}
