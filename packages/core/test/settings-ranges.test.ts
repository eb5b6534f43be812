/**
 * Every playbook threshold has a documented range that the settings enforce: a value outside it is
 * refused with the setting, the value and the range; settings stored before the ranges existed are
 * refused when read, and can be repaired with `settings set` or `settings reset`.
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  describeRange,
  recommendationSettingsSchema,
} from '@license-insights/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TempStore, tempStore } from '../src/testing';
import {
  getRecommendationSettings,
  resetRecommendationSettings,
  setRecommendationSetting,
  settingPaths,
  settingsHistory,
} from '../src/use-cases/recommendation-settings';

const P = 'p-ranges';
let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
});
afterAll(async () => {
  await t.close();
});

const numeric = settingPaths().filter((p) => p.type === 'number');

describe('setting ranges', () => {
  it('exist for every number setting and hold its default', () => {
    expect(numeric.length).toBe(14);
    for (const p of numeric) {
      expect(p.range, p.path).toBeDefined();
      const r = p.range ?? { min: Number.NaN, max: Number.NaN };
      expect(p.default as number, p.path).toBeGreaterThanOrEqual(r.min);
      expect(p.default as number, p.path).toBeLessThanOrEqual(r.max);
    }
    expect(recommendationSettingsSchema.safeParse(DEFAULT_RECOMMENDATION_SETTINGS).success).toBe(true);
  });

  it('are percentages from 0 to 100 where the setting is a percentage', () => {
    for (const path of [
      'LOW_ADOPTION.usageBelow',
      'LOW_ADOPTION.deploymentBelow',
      'UPSELL.usageAtLeast',
      'UPSELL.deploymentAtLeast',
      'UPSELL.headroomPercent',
    ])
      expect(numeric.find((p) => p.path === path)?.range).toMatchObject({ min: 0, max: 100 });
  });

  it.each(numeric.map((p) => [p.path, p.range?.min ?? 0, p.range?.max ?? 0, p.range?.integer ?? false]))(
    '%s accepts %d and %d and refuses what lies outside',
    async (path, min, max, integer) => {
      expect(
        (await setRecommendationSetting(t.store, { partnerId: P, actor: 'alice', path, value: String(min) }))
          .after,
      ).toBe(min);
      expect(
        (await setRecommendationSetting(t.store, { partnerId: P, actor: 'alice', path, value: String(max) }))
          .after,
      ).toBe(max);
      const before = await settingsHistory(t.store, { partnerId: P });
      const range = describeRange(
        numeric.find((p) => p.path === path)?.range ?? { min, max, integer, what: '' },
      );
      const refused = [String(min - 1), String(max + 1), ...(integer ? [String(min + 0.5)] : [])];
      for (const text of refused) {
        await expect(
          setRecommendationSetting(t.store, { partnerId: P, actor: 'alice', path, value: text }),
        ).rejects.toThrow(`${path} must be ${range} (got ${text}); nothing was changed`);
      }
      expect(await settingsHistory(t.store, { partnerId: P })).toEqual(before);
      await resetRecommendationSettings(t.store, { partnerId: P, actor: 'alice' });
    },
  );

  it('refuses LOW_ADOPTION.usageBelow 150 (it was accepted)', async () => {
    await expect(
      setRecommendationSetting(t.store, {
        partnerId: P,
        actor: 'alice',
        path: 'LOW_ADOPTION.usageBelow',
        value: '150',
      }),
    ).rejects.toThrow('LOW_ADOPTION.usageBelow must be a percentage from 0 to 100 (got 150)');
    expect(
      (await getRecommendationSettings(t.store, { partnerId: P })).settings.LOW_ADOPTION.usageBelow,
    ).toBe(50);
  });

  it('refuses stored settings out of range when read, and lets set and reset repair them', async () => {
    // As an older version could store them: nothing checked the range.
    const bad = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      LOW_ADOPTION: { ...DEFAULT_RECOMMENDATION_SETTINGS.LOW_ADOPTION, usageBelow: 150 },
      UPSELL: { ...DEFAULT_RECOMMENDATION_SETTINGS.UPSELL, headroomPercent: 500 },
    };
    await t.store.saveRecommendationSettings(P, bad, 'old-version', { path: 'LOW_ADOPTION.usageBelow' });
    const read = getRecommendationSettings(t.store, { partnerId: P });
    await expect(read).rejects.toMatchObject({ code: 'config.invalid' });
    await expect(getRecommendationSettings(t.store, { partnerId: P })).rejects.toThrow(
      /LOW_ADOPTION\.usageBelow: must be a percentage from 0 to 100 \(got 150\).*UPSELL\.headroomPercent: must be a percentage from 0 to 100 \(got 500\)$/,
    );
    // The way out names no command: the adapter words it (the CLI as `insights settings set …`).
    await expect(getRecommendationSettings(t.store, { partnerId: P })).rejects.toMatchObject({
      hint: { kind: 'fix_setting', rule: 'LOW_ADOPTION', field: 'usageBelow', defaultValue: 50 },
    });
    // Fixing one rule is allowed while another is still out of range; nothing else changes.
    expect(
      await setRecommendationSetting(t.store, {
        partnerId: P,
        actor: 'bob',
        path: 'LOW_ADOPTION.usageBelow',
        value: '45',
      }),
    ).toEqual({
      before: 150,
      after: 45,
    });
    await expect(getRecommendationSettings(t.store, { partnerId: P })).rejects.toThrow(
      /UPSELL\.headroomPercent.*got 500/,
    );
    await resetRecommendationSettings(t.store, { partnerId: P, actor: 'bob', rule: 'UPSELL' });
    const fixed = await getRecommendationSettings(t.store, { partnerId: P });
    expect(fixed.settings.LOW_ADOPTION.usageBelow).toBe(45);
    expect(fixed.settings.UPSELL).toEqual(DEFAULT_RECOMMENDATION_SETTINGS.UPSELL);
  });

  it('are stated in docs/metrics.md, each with its default', () => {
    const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    for (const p of settingPaths()) {
      const allowed = p.range === undefined ? 'true or false' : describeRange(p.range);
      expect(doc, p.path).toContain(`| \`${p.path}\` | ${p.default} | ${allowed} |`);
    }
  });
});
