/** A product of the effective catalog: shipped SKU catalog, overridden/extended by the partner. */
import { z } from 'zod';
import { serviceCodeSchema, workloadCodeSchema } from './codes';

export const PRODUCT_ORIGINS = ['catalog', 'custom', 'discovered'] as const;
export type ProductOrigin = (typeof PRODUCT_ORIGINS)[number];

export const catalogProductSchema = z.object({
  productId: z.string().min(1),
  partNumber: z.string().min(1).nullable(),
  name: z.string().min(1),
  service: serviceCodeSchema,
  workloads: z.array(workloadCodeSchema),
  openWorkloads: z.array(workloadCodeSchema),
  reportNames: z.array(z.string().min(1)),
  offerIds: z.array(z.string().min(1)),
  listPrice: z.number().nonnegative().nullable(),
  currency: z.string().nullable(),
  /** `discovered`: an unknown SKU met in input, kept by id and flagged "name unknown". */
  origin: z.enum(PRODUCT_ORIGINS),
});
export type CatalogProduct = z.infer<typeof catalogProductSchema>;

/** A service plan of a Microsoft product, as Microsoft's licensing table names it. */
export const servicePlanSchema = z.object({ name: z.string().min(1), id: z.string().min(1) });
export type ServicePlan = z.infer<typeof servicePlanSchema>;

/** A product as `insights catalog` shows it: the catalog product and what the catalog knows of it. */
export const catalogEntrySchema = catalogProductSchema.extend({
  /** Microsoft's service plans (empty for a partner's own products). */
  servicePlans: z.array(servicePlanSchema),
  /** A shipped product verified by hand against Microsoft's reference. */
  verified: z.boolean(),
  /** Microsoft's display name, when it differs from `name`. */
  sourceName: z.string().nullable(),
  /** Why the product has its workloads: the workload rule's decision, an override, or the partner. */
  workloadReason: z.string(),
  /** A partner product that replaces the shipped product with its id. */
  replacesShipped: z.boolean(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

/** `insights catalog list`: the catalog as a partner sees it, optionally searched. */
export const listCatalogRequestSchema = z.object({
  /** The partner whose products are shown over the shipped ones; null: the shipped catalog alone. */
  partnerId: z.string().min(1).nullable(),
  /** Words every listed product's names, part number or skuId must contain (any letter case). */
  search: z.string().trim().min(1, 'must hold a word to search for').max(200).nullable(),
});
export type ListCatalogRequest = z.infer<typeof listCatalogRequestSchema>;

export const listCatalogResponseSchema = z.object({
  catalogVersion: z.string(),
  sourceDate: z.string(),
  source: z.string(),
  partnerId: z.string().nullable(),
  search: z.string().nullable(),
  /** Sorted by name. */
  products: z.array(catalogEntrySchema),
});
export type ListCatalogResponse = z.infer<typeof listCatalogResponseSchema>;

/** `insights catalog show`: the product(s) a skuId, part number or name means. */
export const showCatalogProductRequestSchema = z.object({
  partnerId: z.string().min(1).nullable(),
  query: z.string().trim().min(1, 'must be given: a skuId, part number or name').max(300),
});
export type ShowCatalogProductRequest = z.infer<typeof showCatalogProductRequestSchema>;

export const showCatalogProductResponseSchema = z.object({
  query: z.string(),
  matchedBy: z.enum(['product id', 'part number', 'name']),
  partnerId: z.string().nullable(),
  /** Every product the query names, the one an import takes by default first. */
  products: z.array(catalogEntrySchema).min(1),
});
export type ShowCatalogProductResponse = z.infer<typeof showCatalogProductResponseSchema>;
