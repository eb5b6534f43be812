/**
 * Use-cases: the partner's playbook settings (thresholds per rule) and exclusions (customer ×
 * product whose cards are silenced, with a reason). Every change is audited with who and when.
 */
import {
  ALL_PRODUCTS,
  DEFAULT_RECOMMENDATION_SETTINGS,
  describeRange,
  type Exclusion,
  exclusionSchema,
  isInRange,
  type RecommendationSettings,
  RULE_IDS,
  type RuleId,
  recommendationSettingsSchema,
  SETTING_RANGES,
  type SettingRange,
  storedRecommendationSettingsSchema,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { AppError, formatIssues } from '../errors';
import type { AuditRecord, Store, StoreReader, StoreWriter } from '../store/store';
import { findCustomer } from './find-customer';

export interface EffectiveSettings {
  readonly settings: RecommendationSettings;
  /** Who last changed them and when; null while the defaults apply. */
  readonly changed: { readonly at: string; readonly by: string } | null;
}

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
      `the stored recommendation settings are unreadable (${formatIssues(parsed.error.issues)}); run \`insights settings reset\``,
    );
  }
  return { merged: parsed.data, changed: { at: stored.updatedAt, by: stored.updatedBy } };
}

export async function getRecommendationSettings(
  store: StoreReader,
  partnerId: string,
): Promise<EffectiveSettings> {
  const { merged, changed } = await loadSettings(store, partnerId);
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
    throw new AppError(
      'config.invalid',
      `the stored recommendation settings are out of range: ${formatIssues(parsed.error.issues)}; set a new value (\`insights settings set ${rule}.${field} ${String(fallback)}\` is the default) or go back to the rule's defaults (\`insights settings reset ${rule}\`)`,
    );
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
  partnerId: string,
  actor: string,
  path: string,
  text: string,
): Promise<{ before: boolean | number; after: boolean | number }> {
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
export function setRecommendationSetting(
  store: Store,
  partnerId: string,
  actor: string,
  path: string,
  text: string,
): Promise<{ before: boolean | number; after: boolean | number }> {
  return store.write(partnerId, (tx) => setRecommendationSettingIn(tx, partnerId, actor, path, text));
}

/** Back to the defaults: one rule, or all of them. */
async function resetRecommendationSettingsIn(
  store: StoreWriter,
  partnerId: string,
  actor: string,
  rule?: RuleId,
): Promise<void> {
  // Reset works on settings that no longer validate: it is how they are repaired.
  const { merged } = await loadSettings(store, partnerId);
  if (rule === undefined) {
    await store.saveRecommendationSettings(partnerId, null, actor, { reset: 'all', before: merged });
    return;
  }
  const next = { ...merged, [rule]: DEFAULT_RECOMMENDATION_SETTINGS[rule] };
  await store.saveRecommendationSettings(partnerId, next, actor, { reset: rule, before: merged[rule] });
}

/** resetRecommendationSettings in one write unit of work (read, check and write together). */
export function resetRecommendationSettings(
  store: Store,
  partnerId: string,
  actor: string,
  rule?: RuleId,
): Promise<void> {
  return store.write(partnerId, (tx) => resetRecommendationSettingsIn(tx, partnerId, actor, rule));
}

/**
 * Silences a customer × product (or `*`: the whole customer); the customer (named by id, domain
 * or name) and the product must exist. The exclusion is stored under the customer's id.
 */
async function addExclusionIn(
  store: StoreWriter,
  partnerId: string,
  actor: string,
  input: { customerId: string; productId: string; reason: string },
): Promise<{ exclusion: Exclusion; previousReason: string | null }> {
  const parsed = exclusionSchema.safeParse(input);
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
export function addExclusion(
  store: Store,
  partnerId: string,
  actor: string,
  input: { customerId: string; productId: string; reason: string },
): Promise<{ exclusion: Exclusion; previousReason: string | null }> {
  return store.write(partnerId, (tx) => addExclusionIn(tx, partnerId, actor, input));
}

/**
 * Removes an exclusion; the customer is named by id, domain or name (an exclusion of a customer
 * no longer stored is removed by its exact id).
 */
async function removeExclusionIn(
  store: StoreWriter,
  partnerId: string,
  actor: string,
  customer: string,
  productId: string,
): Promise<void> {
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
}

/** removeExclusion in one write unit of work (read, check and write together). */
export function removeExclusion(
  store: Store,
  partnerId: string,
  actor: string,
  customer: string,
  productId: string,
): Promise<void> {
  return store.write(partnerId, (tx) => removeExclusionIn(tx, partnerId, actor, customer, productId));
}

export function listExclusions(store: StoreReader, partnerId: string): Promise<Exclusion[]> {
  return store.exclusions(partnerId);
}

/** Changes of settings and exclusions, newest first. */
export function settingsHistory(store: StoreReader, partnerId: string, limit = 100): Promise<AuditRecord[]> {
  return store.auditLog(partnerId, ['settings.change', 'exclusion.add', 'exclusion.remove'], limit);
}
