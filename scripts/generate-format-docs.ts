/** Rewrites the generated part of docs/data-formats.md from the canonical specs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalFormatTables } from '../packages/core/src/ingest/format-docs';

const file = new URL('../docs/data-formats.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const start = '<!-- generated:canonical-tables -->';
const end = '<!-- /generated:canonical-tables -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < 0) throw new Error('markers missing in docs/data-formats.md');
writeFileSync(file, `${text.slice(0, a + start.length)}\n${canonicalFormatTables()}\n${text.slice(b)}`);
