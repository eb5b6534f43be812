/**
 * Use-cases: the partner's playbook settings (thresholds per rule) and exclusions (customer ×
 * product whose cards are silenced, with a reason). Every change is audited with who and when.
 */
import {
  ALL_PRODUCTS,
  DEFAULT_RECOMMENDATION_SETTINGS,
  type Exclusion,
  exclusionSchema,
  type RecommendationSettings,
  RULE_IDS,
  type RuleId,
  recommendationSettingsSchema,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { AppError, formatIssues } from '../errors';
import type { AuditRecord, Store } from '../store/store';
import { findCustomer } from './find-customer';

export interface EffectiveSettings {
  readonly settings: RecommendationSettings;
  /** Who last changed them and when; null while the defaults apply. */
  readonly changed: { readonly at: string; readonly by: string } | null;
}

/** Stored settings over the defaults, rule by rule (settings saved before a new field existed still load). */
export async function getRecommendationSettings(store: Store, partnerId: string): Promise<EffectiveSettings> {
  const stored = await store.recommendationSettings(partnerId);
  if (stored === null) return { settings: DEFAULT_RECOMMENDATION_SETTINGS, changed: null };
  const saved = (
    typeof stored.settings === 'object' && stored.settings !== null ? stored.settings : {}
  ) as Record<string, unknown>;
  const merged = Object.fromEntries(
    RULE_IDS.map((r) => [
      r,
      { ...DEFAULT_RECOMMENDATION_SETTINGS[r], ...((saved[r] as object | undefined) ?? {}) },
    ]),
  );
  const parsed = recommendationSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new AppError(
      'config.invalid',
      `the stored recommendation settings are invalid (${formatIssues(parsed.error.issues)}); run \`insights settings reset\``,
    );
  }
  return { settings: parsed.data, changed: { at: stored.updatedAt, by: stored.updatedBy } };
}

/** Every settable path (`RULE.field`) with its type, for help texts and validation. */
export function settingPaths(): { path: string; type: 'boolean' | 'number'; default: boolean | number }[] {
  return RULE_IDS.flatMap((r) =>
    Object.entries(DEFAULT_RECOMMENDATION_SETTINGS[r]).map(([field, v]) => ({
      path: `${r}.${field}`,
      type: typeof v === 'boolean' ? ('boolean' as const) : ('number' as const),
      default: v,
    })),
  );
}

/** Sets one threshold from its text (`LOW_ADOPTION.usageBelow` = `45`); returns before and after. */
export async function setRecommendationSetting(
  store: Store,
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
  }
  const [rule, field] = path.split('.') as [RuleId, string];
  const current = await getRecommendationSettings(store, partnerId);
  const ruleSettings = current.settings[rule] as Record<string, boolean | number>;
  const before = ruleSettings[field] ?? spec.default;
  const next = { ...current.settings, [rule]: { ...ruleSettings, [field]: value } };
  const parsed = recommendationSettingsSchema.safeParse(next);
  if (!parsed.success) {
    throw new AppError(
      'usage.invalid_argument',
      `${path} = ${text} is not allowed: ${formatIssues(parsed.error.issues)}`,
    );
  }
  await store.saveRecommendationSettings(partnerId, parsed.data, actor, { path, before, after: value });
  return { before, after: value };
}

/** Back to the defaults: one rule, or all of them. */
export async function resetRecommendationSettings(
  store: Store,
  partnerId: string,
  actor: string,
  rule?: RuleId,
): Promise<void> {
  const current = await getRecommendationSettings(store, partnerId);
  if (rule === undefined) {
    await store.saveRecommendationSettings(partnerId, null, actor, {
      reset: 'all',
      before: current.settings,
    });
    return;
  }
  const next = { ...current.settings, [rule]: DEFAULT_RECOMMENDATION_SETTINGS[rule] };
  await store.saveRecommendationSettings(partnerId, next, actor, {
    reset: rule,
    before: current.settings[rule],
  });
}

/**
 * Silences a customer × product (or `*`: the whole customer); the customer (named by id, domain
 * or name) and the product must exist. The exclusion is stored under the customer's id.
 */
export async function addExclusion(
  store: Store,
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

/**
 * Removes an exclusion; the customer is named by id, domain or name (an exclusion of a customer
 * no longer stored is removed by its exact id).
 */
export async function removeExclusion(
  store: Store,
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

export function listExclusions(store: Store, partnerId: string): Promise<Exclusion[]> {
  return store.exclusions(partnerId);
}

/** Changes of settings and exclusions, newest first. */
export function settingsHistory(store: Store, partnerId: string, limit = 100): Promise<AuditRecord[]> {
  return store.auditLog(partnerId, ['settings.change', 'exclusion.add', 'exclusion.remove'], limit);
}
