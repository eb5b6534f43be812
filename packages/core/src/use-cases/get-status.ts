/**
 * Use-case: what is stored — partners, customers, coverage per source, data-trust warnings; for one
 * partner, optionally over some of its customers only (a staff account's scope).
 */
import type { StatusRequest, StatusResponse } from '@license-insights/contracts';
import { shippedCatalog } from '../catalog/catalog';
import type { Store, StoreReader } from '../store/store';

export async function getStatus(
  store: Store | StoreReader,
  req: StatusRequest = {},
): Promise<StatusResponse> {
  const status = await store.status(req.partnerId, req.customerIds);
  const catalog = shippedCatalog();
  return {
    ...status,
    catalogVersion: catalog.version,
    partners: status.partners.map((p) => ({
      ...p,
      products: { ...p.products, catalog: catalog.products.length },
    })),
  };
}
