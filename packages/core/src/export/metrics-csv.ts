/**
 * SPEC §4 metrics rows as CSV lines: one column per `METRICS_ROW_COLUMNS` entry, reasons as
 * `ROTATION:1;TRIAL:3`, cells formula-safe (csv-writer.ts). One line at a time, so an export of
 * any size is written as it is read.
 */
import { formatReasons, METRICS_ROW_COLUMNS, type MetricsRow } from '@license-insights/contracts';
import { type CsvCell, csvCell, csvLine } from './csv-writer';

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
  // metricsRowCells joined, without the array (an export writes this for every row).
  let line = '';
  for (let i = 0; i < METRICS_ROW_COLUMNS.length; i++) {
    const c = METRICS_ROW_COLUMNS[i] as (typeof METRICS_ROW_COLUMNS)[number];
    const cell = csvCell(c === 'usageReasons' || c === 'deploymentReasons' ? formatReasons(row[c]) : row[c]);
    line = i === 0 ? cell : `${line},${cell}`;
  }
  return `${line}\r\n`;
}
