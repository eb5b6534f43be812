/**
 * Exports of SPEC §4 metrics rows (deployment and usage: one row per customer × product ×
 * workload, `ALL` for the product as a whole) as CSV, XLSX or JSON with the same columns
 * (`METRICS_ROW_COLUMNS`): the query options of the API and the use-case's request. Browser-safe.
 */
import { z } from 'zod';
import { daySchema } from './codes';
import { channelViewSchema } from './metrics';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS, { error: 'must be csv, xlsx or json' });
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** The media type of each format. */
export const EXPORT_MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/** The export's query options, as the API receives them. */
export const exportQuerySchema = z.object({
  format: exportFormatSchema.default('csv').describe('csv (UTF-8 with BOM, for Excel), xlsx or json'),
  day: daySchema.optional().describe('The day D (default: the last day with metrics)'),
  view: channelViewSchema
    .default('all')
    .describe('all channels, or own: only the products the partner sold itself (counts of all channels)'),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

/** The use-case's request: whose rows, of which day and view. */
export const metricsExportRequestSchema = z.object({
  partnerId: z.string().min(1),
  day: daySchema.optional(),
  view: channelViewSchema.default('all'),
  /** Only these customers (the caller's scope, or one customer); null: all of the partner's. */
  customerIds: z.array(z.string()).readonly().nullable(),
});
export type MetricsExportRequest = z.input<typeof metricsExportRequestSchema>;
