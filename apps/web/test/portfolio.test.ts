/**
 * The portfolio page's pure helpers: which "—" a null roll-up figure is, the link query carried to a
 * customer, chart tooltip text made inert, and the export link of the chosen day and view.
 */
import type { Totals } from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { exportUrl } from '../src/api/portfolio';
import { escapeHtml } from '../src/pages/portfolio/html';
import { deploymentReason, usageReason } from '../src/pages/portfolio/reasons';
import { carriedQuery } from '../src/pages/portfolio/state';

const totals = (t: Partial<Totals>): Totals => ({
  sold: 10,
  soldOwn: 10,
  assigned: 8,
  active: 5,
  soldMeasured: 10,
  soldNotMeasured: 0,
  partialWindow: false,
  deploymentPercent: 80,
  usagePercent: 50,
  usageReasons: {},
  deploymentReasons: {},
  ...t,
});

describe('portfolio page helpers', () => {
  it('says why a figure is null: nothing sold, or usage not measured', () => {
    expect(deploymentReason(totals({ sold: 0, deploymentPercent: null }))).toBe('notSold');
    expect(usageReason(totals({ sold: 0, usagePercent: null, active: null }))).toBe('notSold');
    expect(
      usageReason(totals({ active: null, usagePercent: null, soldMeasured: 0, soldNotMeasured: 10 })),
    ).toBe('notMeasured');
  });

  it('carries the channel and the day to a customer, and nothing when they are the defaults', () => {
    const f = { day: undefined, view: 'all', service: 'O365', group: 'east', product: undefined } as const;
    expect(carriedQuery(f)).toBe('');
    expect(carriedQuery({ ...f, view: 'own', day: '2026-11-30' })).toBe('?view=own&day=2026-11-30');
  });

  it('makes a name inert in a chart tooltip', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">&')).toBe(
      '&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;',
    );
  });

  it('links the export of the day and view shown', () => {
    expect(exportUrl('xlsx', '2026-12-01', 'own')).toBe(
      '/api/v1/exports/metrics?format=xlsx&day=2026-12-01&view=own',
    );
    expect(exportUrl('csv', undefined, 'all')).toBe('/api/v1/exports/metrics?format=csv');
  });
});
