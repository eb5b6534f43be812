/**
 * The column tables of docs/data-formats.md, generated from the canonical specs so the docs cannot
 * drift from what import accepts (a test compares them).
 */
import { CANONICAL_ENTITIES, describeColumnType, ENTITY_SPECS } from '@license-insights/contracts';

export function canonicalFormatTables(): string {
  const out: string[] = [];
  for (const entity of CANONICAL_ENTITIES) {
    const spec = ENTITY_SPECS[entity];
    out.push(
      `### ${entity}`,
      '',
      `${spec.description} Natural key: ${spec.key.map((k) => `\`${k}\``).join(', ')}.`,
      '',
    );
    out.push('| column | required | type and allowed values | meaning |', '|---|---|---|---|');
    for (const c of spec.columns) {
      out.push(
        `| \`${c.name}\` | ${c.required ? 'yes' : 'no'} | ${describeColumnType(c.type)} | ${c.description} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
