/** Use-case: write the demo portfolio and, if asked, import it (replacing the demo partner's data). */
import { type DemoOptions, type DemoSummary, writeDemoDataset } from '../demo/generate-demo';
import type { Store } from '../store/store';
import { type ImportReport, type ImportRequest, importFiles } from './import-files';

/** The partner a demo is imported for unless another is named. */
export const DEMO_PARTNER_ID = 'demo';

export interface DemoRequest extends DemoOptions {
  readonly outDir: string;
  readonly onGenerate?: (done: number, total: number) => void;
}

export async function generateDemo(req: DemoRequest): Promise<DemoSummary> {
  return writeDemoDataset(req.outDir, req, req.onGenerate);
}

type DemoImportOptions = Omit<ImportRequest, 'paths' | 'replace' | 'partial' | 'format' | 'customer'>;

/** The import of a generated demo dataset: it replaces what the (demo) partner had, so a demo is reloaded, never mixed. */
export function demoImportRequest(outDir: string, req: DemoImportOptions): ImportRequest {
  return { ...req, paths: [outDir], replace: true, partial: false };
}

/** Imports a generated demo dataset (see `demoImportRequest`). */
export async function importDemo(
  store: Store,
  outDir: string,
  req: DemoImportOptions,
): Promise<ImportReport> {
  return importFiles(store, demoImportRequest(outDir, req));
}
