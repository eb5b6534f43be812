/**
 * Microsoft JSON exports turned into canonical subscription snapshots:
 * - Graph `subscribedSkus`: per SKU, its prepaid units by state become four snapshots
 *   (enabled → active, warning → expired (grace), suspended → suspended, lockedOut → disabled);
 * - Partner Center subscriptions: one snapshot per subscription; the product is found by offer id,
 *   else by offer name against the catalog's names; `partnerId` equal to the importing partner
 *   (or empty) means channel own, another id other_partner.
 * Each record keeps the line its JSON object starts on, so problems point into the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { type Channel, ENTITY_SPECS, type Problem } from '@license-insights/contracts';
import type { ProductResolver } from '../catalog/catalog';
import type { StagedValue } from '../store/store';

export const SUBSCRIPTION_STAGE_COLUMNS = [
  ...ENTITY_SPECS.subscriptions.columns.map((c) => c.name),
  '_product_name',
];
const MAX_JSON_BYTES = 512 * 1024 * 1024;

export interface JsonSourceResult {
  readonly records: { readonly line: number; readonly values: readonly StagedValue[] }[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

/** Lines on which the elements of the items array start (root array, or root.items / root.value). */
export function elementLines(text: string, keys: readonly string[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = 0;
  let lastKeyAtDepth1: string | null = null;
  let targetDepth = -1; // depth inside the target array
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inString = false;
        if (depth === 1 && targetDepth < 0) lastKeyAtDepth1 = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === ':') continue;
    if (depth === targetDepth && expectValue && ch !== ']' && ch !== ',') {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') {
      inString = true;
      stringStart = i;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (
        ch === '[' &&
        targetDepth < 0 &&
        (depth === 1 || (depth === 2 && lastKeyAtDepth1 !== null && keys.includes(lastKeyAtDepth1)))
      ) {
        targetDepth = depth;
        expectValue = true;
      }
    } else if (ch === '}' || ch === ']') {
      if (depth === targetDepth && ch === ']') targetDepth = -2; // done
      depth--;
    } else if (ch === ',' && depth === targetDepth) expectValue = true;
  }
  return lines;
}

async function readJson(
  path: string,
  displayName: string,
): Promise<{ text: string; value: unknown } | Problem> {
  const size = (await stat(path)).size;
  if (size > MAX_JSON_BYTES) {
    return {
      severity: 'error',
      code: 'ingest.too_large',
      file: displayName,
      message: `JSON file of ${size} bytes is too large`,
      expected: 'at most 512 MB',
    };
  }
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (e) {
    const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    let line: number | undefined;
    let column: number | undefined;
    if (m) {
      const before = text.slice(0, Number(m[1]));
      line = before.split('\n').length;
      column = before.length - before.lastIndexOf('\n');
    }
    return {
      severity: 'error',
      code: 'ingest.invalid_json',
      file: displayName,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      expected: 'a JSON document as exported by Microsoft Graph or Partner Center',
    };
  }
}

function itemsOf(value: unknown, keys: readonly string[]): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v;
    }
  }
  return null;
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
const record = (o: unknown): Record<string, unknown> =>
  typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : {};

function subscriptionValues(v: Record<string, StagedValue>): StagedValue[] {
  return SUBSCRIPTION_STAGE_COLUMNS.map((c) => v[c] ?? null);
}

export interface SkuImportOptions {
  readonly customerId: string;
  readonly asOf: string;
  readonly channel: Channel;
}

export async function readSubscribedSkus(
  path: string,
  displayName: string,
  o: SkuImportOptions,
): Promise<JsonSourceResult> {
  const json = await readJson(path, displayName);
  if ('severity' in json) return { records: [], problems: [json], warnings: [] };
  const items = itemsOf(json.value, ['value']);
  if (items === null) {
    return {
      records: [],
      warnings: [],
      problems: [
        {
          severity: 'error',
          code: 'ingest.invalid_shape',
          file: displayName,
          message: 'no SKU list found',
          expected: '{"value": [ {skuId, skuPartNumber, prepaidUnits, …} ]}',
        },
      ],
    };
  }
  const lines = elementLines(json.text, ['value']);
  const records: JsonSourceResult['records'][number][] = [];
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    const line = lines[i] ?? 1;
    const sku = record(item);
    const skuId = text(sku.skuId);
    if (skuId === null || skuId === '') {
      problems.push({
        severity: 'error',
        code: 'ingest.missing_value',
        file: displayName,
        line,
        field: `value[${i}].skuId`,
        message: 'skuId is missing',
        expected: 'the SKU GUID',
      });
      return;
    }
    const units = record(sku.prepaidUnits);
    const states: readonly [string, string][] = [
      ['enabled', 'active'],
      ['warning', 'expired'],
      ['suspended', 'suspended'],
      ['lockedOut', 'disabled'],
    ];
    for (const [key, status] of states) {
      const q = units[key];
      records.push({
        line,
        values: subscriptionValues({
          as_of: o.asOf,
          subscription_id: `sku:${skuId.toLowerCase()}:${key.toLowerCase()}`,
          customer_id: o.customerId,
          product_id: skuId,
          quantity: q === undefined || q === null ? '0' : text(q),
          status,
          is_trial: 'false',
          channel: o.channel,
          _product_name: text(sku.skuPartNumber),
        }),
      });
    }
  });
  return { records, problems, warnings: [] };
}

export interface PartnerCenterImportOptions {
  readonly customerId: string;
  readonly asOf: string;
  readonly partnerId: string;
  readonly resolver: ProductResolver;
  /** Products the customer's stored subscriptions name: they win an offer name several share. */
  readonly held: ReadonlySet<string>;
}

const PC_SUSPENSION: Readonly<Record<string, string>> = {
  fraud: 'fraud',
  nonpayment: 'nonpayment',
  upgraded: 'upgraded',
  customercancellation: 'customer_cancellation',
};

const PC_BILLING: Readonly<Record<string, string>> = {
  monthly: 'monthly',
  annual: 'annual',
  triennial: 'triennial',
  none: 'none',
  onetime: 'one_time',
  one_time: 'one_time',
};

export async function readPartnerCenterSubscriptions(
  path: string,
  displayName: string,
  o: PartnerCenterImportOptions,
): Promise<JsonSourceResult> {
  const json = await readJson(path, displayName);
  if ('severity' in json) return { records: [], problems: [json], warnings: [] };
  const items = itemsOf(json.value, ['items', 'value']);
  if (items === null) {
    return {
      records: [],
      warnings: [],
      problems: [
        {
          severity: 'error',
          code: 'ingest.invalid_shape',
          file: displayName,
          message: 'no subscription list found',
          expected: '{"items": [ {id, offerId, offerName, quantity, status, …} ]}',
        },
      ],
    };
  }
  const lines = elementLines(json.text, ['items', 'value']);
  const records: JsonSourceResult['records'][number][] = [];
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  items.forEach((item, i) => {
    const line = lines[i] ?? 1;
    const s = record(item);
    const offerId = text(s.offerId) ?? '';
    const offerName = text(s.offerName) ?? '';
    const product =
      (offerId !== '' ? o.resolver.byOfferId(offerId) : undefined) ??
      (offerName !== '' ? o.resolver.byName(offerName, o.held) : undefined);
    let status = text(s.status)?.toLowerCase() ?? null;
    if (status === 'none') {
      warnings.push({
        severity: 'warning',
        code: 'ingest.status_none',
        file: displayName,
        line,
        field: `items[${i}].status`,
        value: 'none',
        message: 'status "none" recorded as pending (not an entitlement)',
      });
      status = 'pending';
    }
    const reasons = Array.isArray(s.suspensionReasons)
      ? s.suspensionReasons.map((r) =>
          String(r)
            .toLowerCase()
            .replace(/[^a-z]/g, ''),
        )
      : [];
    const reason =
      reasons.length === 0
        ? null
        : (reasons.map((r) => PC_SUSPENSION[r]).find((r) => r !== undefined) ?? 'other');
    const pcPartner = text(s.partnerId) ?? '';
    const billing =
      text(s.billingCycle)
        ?.toLowerCase()
        .replace(/[^a-z_]/g, '') ?? '';
    const end = text(s.commitmentEndDate);
    records.push({
      line,
      values: subscriptionValues({
        as_of: o.asOf,
        subscription_id: text(s.id),
        customer_id: o.customerId,
        product_id: product?.productId ?? (offerId !== '' ? offerId : offerName),
        quantity: text(s.quantity),
        status,
        is_trial: s.isTrial === undefined ? 'false' : text(s.isTrial),
        channel: pcPartner === '' || pcPartner === o.partnerId ? 'own' : 'other_partner',
        suspension_reason: reason,
        billing_cycle: PC_BILLING[billing] ?? null,
        term_end: end !== null && end !== '' ? end.slice(0, 10) : null,
        auto_renew: s.autoRenewEnabled === undefined ? null : text(s.autoRenewEnabled),
        _product_name: offerName !== '' ? offerName : null,
      }),
    });
  });
  return { records, problems, warnings };
}
