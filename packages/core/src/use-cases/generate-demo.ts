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

/** Imports a generated demo dataset, replacing what the (demo) partner had: a demo is reloaded, never mixed. */
export async function importDemo(
  store: Store,
  outDir: string,
  req: Omit<ImportRequest, 'paths' | 'replace' | 'partial' | 'format' | 'customer'>,
): Promise<ImportReport> {
  return importFiles(store, { ...req, paths: [outDir], replace: true, partial: false });
}
