/**
 * Use-cases: the partner's playbook settings (thresholds per rule) and exclusions (customer ×
 * product whose cards are silenced, with a reason). Every change is audited with who and when.
 */
import {
  type AddExclusionRequest,
  type AddExclusionResponse,
  ALL_PRODUCTS,
  type AuditRecord,
  type ChangeSettingsRequest,
  type ChangeSettingsResponse,
  DEFAULT_RECOMMENDATION_SETTINGS,
  describeRange,
  type EffectiveSettings,
  type Exclusion,
  exclusionSchema,
  isInRange,
  type ListExclusionsRequest,
  type RecommendationSettings,
  type RemoveExclusionRequest,
  type RemoveExclusionResponse,
  type ResetSettingsRequest,
  type ResetSettingsResponse,
  RULE_IDS,
  type RuleId,
  recommendationSettingsSchema,
  SETTING_RANGES,
  type SetSettingRequest,
  type SetSettingResponse,
  type SettingRange,
  type SettingsLogRequest,
  type ShowSettingsRequest,
  storedRecommendationSettingsSchema,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { AppError, formatIssues } from '../errors';
import type { Store, StoreReader, StoreWriter } from '../store/store';
import { findCustomer } from './find-customer';

interface StoredSettings {
  /** Stored values over the defaults, rule by rule: the right shape, ranges not yet checked. */
  readonly merged: RecommendationSettings;
  readonly changed: EffectiveSettings['changed'];
}

/** Stored settings over the defaults, rule by rule (settings saved before a new field existed still load). */
async function loadSettings(store: StoreReader, partnerId: string): Promise<StoredSettings> {
  const stored = await store.recommendationSettings(partnerId);
  if (stored === null) return { merged: DEFAULT_RECOMMENDATION_SETTINGS, changed: null };
  const saved = (
    typeof stored.settings === 'object' && stored.settings !== null ? stored.settings : {}
  ) as Record<string, unknown>;
  const parsed = storedRecommendationSettingsSchema.safeParse(
    Object.fromEntries(
      RULE_IDS.map((r) => [
        r,
        { ...DEFAULT_RECOMMENDATION_SETTINGS[r], ...((saved[r] as object | undefined) ?? {}) },
      ]),
    ),
  );
  if (!parsed.success) {
    throw new AppError(
      'config.invalid',
      `the stored recommendation settings are unreadable (${formatIssues(parsed.error.issues)})`,
      [],
      { hint: { kind: 'reset_settings', rule: null } },
    );
  }
  return { merged: parsed.data, changed: { at: stored.updatedAt, by: stored.updatedBy } };
}

export async function getRecommendationSettings(
  store: StoreReader,
  req: ShowSettingsRequest,
): Promise<EffectiveSettings> {
  const { merged, changed } = await loadSettings(store, req.partnerId);
  if (changed === null) return { settings: DEFAULT_RECOMMENDATION_SETTINGS, changed: null };
  const parsed = recommendationSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    // Settings saved before their ranges were enforced (e.g. usageBelow 150) are refused, never
    // silently clamped: the partner decides what the threshold should be.
    const first = parsed.error.issues[0]?.path.map(String) ?? [];
    const [rule = '', field = ''] = first;
    const fallback = (
      DEFAULT_RECOMMENDATION_SETTINGS[rule as RuleId] as Record<string, unknown> | undefined
    )?.[field];
    const message = `the stored recommendation settings are out of range: ${formatIssues(parsed.error.issues)}`;
    throw new AppError('config.invalid', message, [], {
      hint: (RULE_IDS as readonly string[]).includes(rule)
        ? {
            kind: 'fix_setting',
            rule: rule as RuleId,
            field,
            defaultValue: typeof fallback === 'number' || typeof fallback === 'boolean' ? fallback : null,
          }
        : { kind: 'reset_settings', rule: null },
    });
  }
  return { settings: parsed.data, changed };
}

/** The allowed values of a numeric setting (`RULE.field`), or undefined for a switch. */
export function settingRange(path: string): SettingRange | undefined {
  const [rule, field] = path.split('.');
  const ranges = SETTING_RANGES[rule as RuleId] as Readonly<Record<string, SettingRange>> | undefined;
  return field === undefined ? undefined : ranges?.[field];
}

/** Every settable path (`RULE.field`) with its type, default and range, for help texts and validation. */
export function settingPaths(): {
  path: string;
  type: 'boolean' | 'number';
  default: boolean | number;
  range: SettingRange | undefined;
}[] {
  return RULE_IDS.flatMap((r) =>
    Object.entries(DEFAULT_RECOMMENDATION_SETTINGS[r]).map(([field, v]) => ({
      path: `${r}.${field}`,
      type: typeof v === 'boolean' ? ('boolean' as const) : ('number' as const),
      default: v,
      range: settingRange(`${r}.${field}`),
    })),
  );
}

/** Sets one threshold from its text (`LOW_ADOPTION.usageBelow` = `45`); returns before and after. */
async function setRecommendationSettingIn(
  store: StoreWriter,
  req: SetSettingRequest,
): Promise<SetSettingResponse> {
  const { partnerId, actor, path } = req;
  const text = String(req.value);
  const spec = settingPaths().find((p) => p.path === path);
  if (spec === undefined) {
    throw new AppError(
      'usage.invalid_argument',
      `unknown setting ${JSON.stringify(path)}; settings: ${settingPaths()
        .map((p) => p.path)
        .join(', ')}`,
    );
  }
  let value: boolean | number;
  if (spec.type === 'boolean') {
    if (text !== 'true' && text !== 'false') {
      throw new AppError(
        'usage.invalid_argument',
        `${path} must be true or false (got ${JSON.stringify(text)})`,
      );
    }
    value = text === 'true';
  } else {
    value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new AppError('usage.invalid_argument', `${path} must be a number (got ${JSON.stringify(text)})`);
    }
    const range = spec.range;
    if (range !== undefined && !isInRange(range, value)) {
      throw new AppError(
        'usage.invalid_argument',
        `${path} must be ${describeRange(range)} (got ${text}); nothing was changed`,
      );
    }
  }
  const [rule, field] = path.split('.') as [RuleId, string];
  // Only the rule being changed must be valid afterwards: a value another rule kept from before
  // its range was enforced does not block fixing this one (reading the settings still refuses it).
  const { merged } = await loadSettings(store, partnerId);
  const before = (merged[rule] as Record<string, boolean | number>)[field] ?? spec.default;
  const nextRule = { ...merged[rule], [field]: value };
  const parsed = recommendationSettingsSchema.shape[rule].safeParse(nextRule);
  if (!parsed.success) {
    throw new AppError(
      'usage.invalid_argument',
      `${path} = ${text} is not allowed: ${formatIssues(parsed.error.issues.map((i) => ({ ...i, path: [rule, ...i.path] })))}`,
    );
  }
  await store.saveRecommendationSettings(partnerId, { ...merged, [rule]: parsed.data }, actor, {
    path,
    before,
    after: value,
  });
  return { before, after: value };
}

/** setRecommendationSetting in one write unit of work (read, check and write together). */
export function setRecommendationSetting(store: Store, req: SetSettingRequest): Promise<SetSettingResponse> {
  return store.write(req.partnerId, (tx) => setRecommendationSettingIn(tx, req));
}

/**
 * Several thresholds changed together, in one write unit: every change is checked and audited as
 * `setRecommendationSetting` does it, and a refused one leaves all of them unchanged. Returns each
 * change with its value before and after.
 */
export function changeRecommendationSettings(
  store: Store,
  req: ChangeSettingsRequest,
): Promise<ChangeSettingsResponse> {
  if (req.changes.length === 0) {
    throw new AppError('usage.invalid_argument', 'name at least one setting to change');
  }
  return store.write(req.partnerId, async (tx) => {
    const changes: ChangeSettingsResponse['changes'][number][] = [];
    for (const c of req.changes) {
      const r = await setRecommendationSettingIn(tx, {
        partnerId: req.partnerId,
        actor: req.actor,
        path: c.path,
        value: c.value,
      });
      changes.push({ path: c.path, ...r });
    }
    return { changes };
  });
}

/** Back to the defaults: one rule, or all of them. */
async function resetRecommendationSettingsIn(
  store: StoreWriter,
  req: ResetSettingsRequest,
): Promise<ResetSettingsResponse> {
  const { partnerId, actor, rule } = req;
  // Reset works on settings that no longer validate: it is how they are repaired.
  const { merged } = await loadSettings(store, partnerId);
  if (rule === undefined) {
    await store.saveRecommendationSettings(partnerId, null, actor, { reset: 'all', before: merged });
    return { rules: RULE_IDS };
  }
  const next = { ...merged, [rule]: DEFAULT_RECOMMENDATION_SETTINGS[rule] };
  await store.saveRecommendationSettings(partnerId, next, actor, { reset: rule, before: merged[rule] });
  return { rules: [rule] };
}

/** resetRecommendationSettings in one write unit of work (read, check and write together). */
export function resetRecommendationSettings(
  store: Store,
  req: ResetSettingsRequest,
): Promise<ResetSettingsResponse> {
  return store.write(req.partnerId, (tx) => resetRecommendationSettingsIn(tx, req));
}

/**
 * Silences a customer × product (or `*`: the whole customer); the customer (named by id, domain
 * or name) and the product must exist. The exclusion is stored under the customer's id.
 */
async function addExclusionIn(store: StoreWriter, req: AddExclusionRequest): Promise<AddExclusionResponse> {
  const { partnerId, actor } = req;
  const parsed = exclusionSchema.safeParse({
    customerId: req.customer,
    productId: req.product,
    reason: req.reason,
  });
  if (!parsed.success)
    throw new AppError('usage.invalid_argument', `invalid exclusion: ${formatIssues(parsed.error.issues)}`);
  const e = {
    ...parsed.data,
    customerId: (await findCustomer(store, partnerId, parsed.data.customerId)).customerId,
  };
  if (e.productId !== ALL_PRODUCTS) {
    const catalog = effectiveCatalog(shippedCatalog().products, await store.partnerProducts(partnerId));
    if (!catalog.some((p) => p.productId === e.productId)) {
      throw new AppError(
        'not_found',
        `no product ${JSON.stringify(e.productId)} in the catalog; use a product id as in the reports, or * for every product`,
      );
    }
  }
  const previousReason = await store.addExclusion(partnerId, e, actor);
  const saved = (await store.exclusions(partnerId)).find(
    (x) => x.customerId === e.customerId && x.productId === e.productId,
  );
  if (saved === undefined) throw new AppError('internal', 'the exclusion was not saved');
  return { exclusion: saved, previousReason };
}

/** addExclusion in one write unit of work (read, check and write together). */
export function addExclusion(store: Store, req: AddExclusionRequest): Promise<AddExclusionResponse> {
  return store.write(req.partnerId, (tx) => addExclusionIn(tx, req));
}

/**
 * Removes an exclusion; the customer is named by id, domain or name (an exclusion of a customer
 * no longer stored is removed by its exact id).
 */
async function removeExclusionIn(
  store: StoreWriter,
  req: RemoveExclusionRequest,
): Promise<RemoveExclusionResponse> {
  const { partnerId, actor, customer, product: productId } = req;
  const stored = (await store.exclusions(partnerId)).some(
    (x) => x.customerId === customer && x.productId === productId,
  );
  const customerId = stored ? customer : (await findCustomer(store, partnerId, customer)).customerId;
  if (!(await store.removeExclusion(partnerId, customerId, productId, actor))) {
    throw new AppError(
      'not_found',
      `no exclusion for customer ${JSON.stringify(customerId)} and product ${JSON.stringify(productId)}`,
    );
  }
  return { customerId, productId };
}

/** removeExclusion in one write unit of work (read, check and write together). */
export function removeExclusion(store: Store, req: RemoveExclusionRequest): Promise<RemoveExclusionResponse> {
  return store.write(req.partnerId, (tx) => removeExclusionIn(tx, req));
}

/** The partner's exclusions (of some customers only, when `customerIds` is given). */
export async function listExclusions(store: StoreReader, req: ListExclusionsRequest): Promise<Exclusion[]> {
  const all = await store.exclusions(req.partnerId);
  if (req.customerIds === undefined) return all;
  const only = new Set(req.customerIds);
  return all.filter((e) => only.has(e.customerId));
}

/** Changes of settings and exclusions, newest first (exclusions of some customers only, when asked). */
export function settingsHistory(store: StoreReader, req: SettingsLogRequest): Promise<AuditRecord[]> {
  return store.auditLog(
    req.partnerId,
    ['settings.change', 'exclusion.add', 'exclusion.remove'],
    req.limit ?? 100,
    req.customerIds,
  );
}
