/**
 * Problems found in input: every one names the file, line, column, the bad value and what was
 * expected, so a user can fix the file without guessing.
 */
import { z } from 'zod';
import { errorHintSchema } from './hints';

export const problemSeveritySchema = z.enum(['error', 'warning']);
export type ProblemSeverity = z.infer<typeof problemSeveritySchema>;

export const problemSchema = z.object({
  severity: problemSeveritySchema,
  /** Stable code, e.g. `ingest.invalid_value`, `ingest.unknown_reference`. */
  code: z.string(),
  file: z.string(),
  /** 1-based physical line where the record starts; absent for file-level problems. */
  line: z.number().int().positive().optional(),
  /** 1-based column (field position in the header) for CSV, absent for file-level problems. */
  column: z.number().int().positive().optional(),
  /** Header name (CSV) or key (JSON) of the column. */
  field: z.string().optional(),
  value: z.string().optional(),
  expected: z.string().optional(),
  message: z.string(),
  /** What would fix it, when that names something of the adapter (an option, a route): worded there. */
  hint: errorHintSchema.optional(),
});
export type Problem = z.infer<typeof problemSchema>;
