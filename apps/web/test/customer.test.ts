/**
 * The customer page's pure helpers: rows grouped per product (the ALL row first, its workloads
 * under it, the API's order kept), reason codes listed in SPEC §2.1's order without zeros, and
 * the reason a null usage shows.
 */
import type { MetricsRow } from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { groupRows, hasReasons, reasonEntries, usageNullReason } from '../src/pages/customer/rows';

function row(productId: string, workloadCode: string, over: Partial<MetricsRow> = {}): MetricsRow {
  return {
    processedDateTime: '2026-03-31',
    customerTenantId: 'c1',
    customerName: 'Contoso',
    serviceCode: 'O365',
    serviceName: 'Office 365',
    productId,
    productName: productId.toUpperCase(),
    channel: 'all',
    workloadCode,
    workloadName: workloadCode,
    licensesSold: 10,
    licensesSoldOwn: 10,
    licensesDeployed: 16,
    licensesActive: 16,
    licensesQualified: 10,
    deploymentPercent: 160,
    usagePercent: 160,
    usageReasons: { ROTATION: 1, TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 2 },
    deploymentReasons: { TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 3 },
    usageKnown: true,
    partialWindow: false,
    ...over,
  };
}

describe('groupRows', () => {
  it('puts each product’s workload rows under its ALL row, in the API’s order', () => {
    const groups = groupRows([row('e3', 'ALL'), row('e3', 'EXO'), row('e3', 'SPO'), row('visio', 'ALL')]);
    expect(groups.map((g) => [g.product.productId, g.workloads.map((w) => w.workloadCode)])).toEqual([
      ['e3', ['EXO', 'SPO']],
      ['visio', []],
    ]);
  });

  it('keeps workload rows that come before their product row, and drops a product without an ALL row', () => {
    const groups = groupRows([row('e3', 'TEAMS'), row('e3', 'ALL'), row('orphan', 'EXO')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.workloads.map((w) => w.workloadCode)).toEqual(['TEAMS']);
  });
});

describe('reasons', () => {
  it('lists the non-zero codes in the decomposition order (SPEC §2.2’s example)', () => {
    expect(reasonEntries({ NONCOUNTED_SUBSCRIPTION: 2, TRIAL: 3, UNEXPLAINED: 0, ROTATION: 1 })).toEqual([
      ['ROTATION', 1],
      ['TRIAL', 3],
      ['NONCOUNTED_SUBSCRIPTION', 2],
    ]);
    expect(hasReasons({})).toBe(false);
    expect(hasReasons(null)).toBe(false);
    expect(hasReasons({ UNEXPLAINED: 1 })).toBe(true);
  });
});

describe('usageNullReason', () => {
  it('says nothing is sold before it says a workload is not measured', () => {
    expect(usageNullReason(row('e5', 'EXO', { licensesSold: 0, usagePercent: null }))).toBe('notSold');
    expect(usageNullReason(row('visio', 'ALL', { usageKnown: false, usagePercent: null }))).toBe(
      'notMeasured',
    );
    expect(usageNullReason(row('e3', 'ALL', { usagePercent: null }))).toBe('unknown');
  });
});
