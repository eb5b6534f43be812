/**
 * SPEC §4 metrics rows as CSV lines: one column per `METRICS_ROW_COLUMNS` entry, reasons as
 * `ROTATION:1;TRIAL:3`, cells formula-safe (csv-writer.ts). One line at a time, so an export of
 * any size is written as it is read.
 */
import { formatReasons, METRICS_ROW_COLUMNS, type MetricsRow } from '@license-insights/contracts';
import { type CsvCell, csvLine } from './csv-writer';

/** The header line: the column names. */
export const METRICS_CSV_HEADER = csvLine([...METRICS_ROW_COLUMNS]);

/** A row's cells in column order, reasons as text (the CSV and XLSX forms). */
export function metricsRowCells(row: MetricsRow): CsvCell[] {
  return METRICS_ROW_COLUMNS.map((c) =>
    c === 'usageReasons' || c === 'deploymentReasons' ? formatReasons(row[c]) : row[c],
  );
}

/** One row as a CSV line (CRLF-terminated). */
export function metricsCsvLine(row: MetricsRow): string {
  return csvLine(metricsRowCells(row));
}
