/** Docs that are generated from code must match it (run `npm run docs:formats` after changing a spec). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../src/catalog/catalog';
import { canonicalFormatTables } from '../src/ingest/format-docs';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

describe('docs', () => {
  it('docs/data-formats.md holds the current column tables', () => {
    const doc = read('docs/data-formats.md');
    const start = '<!-- generated:canonical-tables -->\n';
    const body = doc.slice(
      doc.indexOf(start) + start.length,
      doc.indexOf('\n<!-- /generated:canonical-tables -->'),
    );
    expect(body).toBe(canonicalFormatTables());
  });

  it('states the catalog size it ships', () => {
    expect(read('docs/data-formats.md')).toContain(`ships ${shippedCatalog().products.length} current`);
  });

  it('README lists the two quick-start commands', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
