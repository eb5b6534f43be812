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
