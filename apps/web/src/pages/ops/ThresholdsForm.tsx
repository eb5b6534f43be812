/**
 * The playbook's thresholds as a form: per rule a switch and typed number fields with their range
 * and default (the contracts' SETTING_RANGES), checked as typed; saving sends only what changed
 * (PATCH /api/v1/settings, all or none) and shows a refusal of the API at its field. A rule, or all,
 * can be put back to the defaults (POST /api/v1/settings/reset) after a confirmation.
 */
import {
  Badge,
  Button,
  Card,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Switch,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowResetRegular, DismissRegular, SaveRegular } from '@fluentui/react-icons';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  formatNumber,
  isInRange,
  type RecommendationSettings,
  RULE_IDS,
  type RuleId,
  SETTING_RANGES,
  type SettingRange,
  type SettingsPatch,
  translate,
} from '@license-insights/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../../api/http';
import { patchSettings, resetSettings, settingsQuery } from '../../api/ops';
import { QueryView } from '../../components/states';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { settingsMessages } from '../SettingsPage.messages';
import { ConfirmDialog } from './ConfirmDialog';
import { fieldOfMessage } from './helpers';
import { FailureBar, useNotify } from './notify';
import { RULE_ICONS } from './RecommendationCard';

type Unit = 'percent' | 'points' | 'days' | 'licenses' | 'requests' | 'workloads' | 'per100';

const UNITS: Readonly<Record<string, Unit>> = {
  'LOW_ADOPTION.usageBelow': 'percent',
  'LOW_ADOPTION.deploymentBelow': 'percent',
  'LOW_ADOPTION.minLicensesSold': 'licenses',
  'LOW_ADOPTION.weakestWorkloads': 'workloads',
  'HIGH_HOWTO_SUPPORT.howToPer100AtLeast': 'per100',
  'HIGH_HOWTO_SUPPORT.minHowToRequests': 'requests',
  'UPSELL.usageAtLeast': 'percent',
  'UPSELL.deploymentAtLeast': 'percent',
  'UPSELL.minLicensesSold': 'licenses',
  'UPSELL.headroomPercent': 'percent',
  'DECLINING_USAGE.dropPointsAtLeast': 'points',
  'DECLINING_USAGE.minLicensesSold': 'licenses',
  'RECLAIM_AT_RENEWAL.withinDays': 'days',
  'RECLAIM_AT_RENEWAL.minLicenses': 'licenses',
};

/** `RULE.field` of every number of a rule, in the settings' order. */
const fieldsOf = (rule: RuleId): string[] => Object.keys(SETTING_RANGES[rule]);
const rangeOf = (rule: RuleId, field: string): SettingRange =>
  (SETTING_RANGES[rule] as Readonly<Record<string, SettingRange>>)[field] as SettingRange;
const settingOf = (s: RecommendationSettings, rule: RuleId, field: string): number | boolean =>
  (s[rule] as Readonly<Record<string, number | boolean>>)[field] as number | boolean;

/** The draft: a number field as typed (text), `enabled` as a boolean; keyed `RULE.field`. */
type Draft = Readonly<Record<string, string | boolean>>;

function draftOf(s: RecommendationSettings): Draft {
  const d: Record<string, string | boolean> = {};
  for (const rule of RULE_IDS) {
    d[`${rule}.enabled`] = s[rule].enabled;
    for (const f of fieldsOf(rule)) d[`${rule}.${f}`] = String(settingOf(s, rule, f));
  }
  return d;
}

/** A number as typed: the browser's number input gives "", "12" or "12.5" (a comma typed is read too). */
function parseNumber(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '' || !/^-?\d*\.?\d+$|^-?\d+\.?$/.test(t)) return null;
  return Number(t);
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '16px' },
  bar: {
    position: 'sticky',
    top: 0,
    zIndex: 2,
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: '8px',
    padding: '10px 0',
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  spacer: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
  rules: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(440px, 1fr))', gap: '16px' },
  card: { padding: '16px 20px', gap: '12px' },
  off: { backgroundColor: tokens.colorNeutralBackground2 },
  head: { display: 'flex', alignItems: 'center', gap: '10px', flexWrap: 'wrap' },
  icon: { fontSize: '20px', color: tokens.colorBrandForeground1, display: 'inline-flex' },
  ruleTitle: { margin: 0, flexGrow: 1 },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(190px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
  },
  unit: { color: tokens.colorNeutralForeground3, whiteSpace: 'nowrap' },
  labelLine: { display: 'inline-flex', gap: '6px', alignItems: 'center', flexWrap: 'wrap' },
});

export function ThresholdsForm({ canManage }: { canManage: boolean }) {
  const query = useQuery(settingsQuery());
  return (
    <QueryView query={query}>
      {(data) => (
        <ThresholdsEditor
          // A new answer (saved, reset, changed elsewhere) starts a fresh draft.
          key={JSON.stringify(data.settings)}
          settings={data.settings}
          changed={data.changed}
          canManage={canManage}
        />
      )}
    </QueryView>
  );
}

function ThresholdsEditor({
  settings,
  changed,
  canManage,
}: {
  settings: RecommendationSettings;
  changed: { at: string; by: string } | null;
  canManage: boolean;
}) {
  const s = useStyles();
  const t = useT(settingsMessages);
  const { locale } = useLocale();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const saved = useMemo(() => draftOf(settings), [settings]);
  const [draft, setDraft] = useState<Draft>(saved);
  const [tried, setTried] = useState(false);
  const [resetting, setResetting] = useState<RuleId | 'all' | null>(null);

  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: ['settings'] });
    void queryClient.invalidateQueries({ queryKey: ['recommendations'] });
  };

  /** Per `RULE.field`: the problem with the value typed, in the language. */
  const problems = useMemo(() => {
    const out: Record<string, string> = {};
    for (const rule of RULE_IDS) {
      for (const f of fieldsOf(rule)) {
        const r = rangeOf(rule, f);
        const v = parseNumber(String(draft[`${rule}.${f}`] ?? ''));
        if (v === null || !isInRange(r, v)) {
          out[`${rule}.${f}`] = t(r.integer ? 'thresholds.invalidWhole' : 'thresholds.invalid', {
            min: formatNumber(locale, r.min),
            max: formatNumber(locale, r.max),
          });
        }
      }
    }
    return out;
  }, [draft, t, locale]);

  /** What differs from the saved settings, as the PATCH body. */
  const changes = useMemo(() => {
    const patch: Record<string, Record<string, number | boolean>> = {};
    let n = 0;
    for (const rule of RULE_IDS) {
      for (const f of ['enabled', ...fieldsOf(rule)]) {
        const key = `${rule}.${f}`;
        const now = draft[key];
        const was = settingOf(settings, rule, f);
        const value = typeof now === 'boolean' ? now : parseNumber(now ?? '');
        if (value === null || value === was) continue;
        patch[rule] = { ...patch[rule], [f]: value };
        n += 1;
      }
    }
    return { patch: patch as SettingsPatch, n };
  }, [draft, settings]);

  const save = useMutation({
    mutationFn: () => patchSettings(changes.patch),
    onSuccess: (r) => {
      notify.success(t('thresholds.saved', { n: r.changes.length }));
      reload();
    },
  });
  const reset = useMutation({
    mutationFn: (rule: RuleId | 'all') => resetSettings(rule === 'all' ? null : rule),
    onSuccess: (r) => {
      notify.success(
        t('thresholds.resetDone', { rules: r.rules.map((x) => translate(locale, `rule.${x}`)).join(', ') }),
      );
      setResetting(null);
      reload();
    },
  });

  // A refusal of the API that names a field is shown at that field.
  const apiField =
    save.error instanceof ApiError && save.error.status === 400 ? fieldOfMessage(save.error.message) : null;
  const invalid = Object.keys(problems).length > 0;

  const submit = () => {
    setTried(true);
    if (invalid || changes.n === 0) return;
    save.mutate();
  };

  return (
    <form
      className={s.root}
      // The fields are checked here, with messages in the language (not the browser's bubbles).
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Text className={s.muted}>
        {changed === null
          ? t('thresholds.defaults')
          : t('thresholds.changed', { by: changed.by, at: fmtInstant(locale, changed.at) })}
      </Text>
      {canManage ? (
        <div className={s.bar}>
          <Button
            type="submit"
            appearance="primary"
            icon={save.isPending ? <Spinner size="tiny" /> : <SaveRegular />}
            disabled={save.isPending || changes.n === 0}
          >
            {save.isPending
              ? t('thresholds.saving')
              : changes.n === 0
                ? t('thresholds.save')
                : t('thresholds.saveCount', { n: changes.n })}
          </Button>
          <Button
            icon={<DismissRegular />}
            disabled={changes.n === 0 || save.isPending}
            onClick={() => {
              setDraft(saved);
              setTried(false);
              save.reset();
            }}
          >
            {t('thresholds.discard')}
          </Button>
          <Text className={s.muted} aria-live="polite">
            {changes.n > 0 ? t('thresholds.unsaved') : t('thresholds.noChanges')}
          </Text>
          <span className={s.spacer} />
          <Button
            appearance="subtle"
            icon={<ArrowResetRegular />}
            onClick={() => {
              reset.reset();
              setResetting('all');
            }}
          >
            {t('thresholds.resetAll')}
          </Button>
        </div>
      ) : (
        <MessageBar intent="info">
          <MessageBarBody>{t('thresholds.readOnly')}</MessageBarBody>
        </MessageBar>
      )}
      {tried && invalid ? (
        <MessageBar intent="error">
          <MessageBarBody>{t('thresholds.fixFirst')}</MessageBarBody>
        </MessageBar>
      ) : null}
      {save.error && apiField === null ? <FailureBar error={save.error} /> : null}

      <div className={s.rules}>
        {RULE_IDS.map((rule) => {
          const enabled = draft[`${rule}.enabled`] === true;
          const ruleName = translate(locale, `rule.${rule}`);
          return (
            <Card key={rule} className={enabled ? s.card : `${s.card} ${s.off}`} data-rule={rule}>
              <div className={s.head}>
                <span className={s.icon} aria-hidden="true">
                  {RULE_ICONS[rule]}
                </span>
                <Text as="h3" size={400} weight="semibold" className={s.ruleTitle}>
                  {ruleName}
                </Text>
                <Switch
                  checked={enabled}
                  disabled={!canManage}
                  label={enabled ? t('thresholds.enabled') : t('thresholds.disabled')}
                  aria-label={t('thresholds.enabledLabel', {
                    rule: ruleName,
                    state: enabled ? t('thresholds.enabled') : t('thresholds.disabled'),
                  })}
                  onChange={(_e, d) => setDraft((prev) => ({ ...prev, [`${rule}.enabled`]: d.checked }))}
                />
              </div>
              <Text className={s.muted}>{t(`rule.${rule}`)}</Text>
              <div className={s.fields}>
                {fieldsOf(rule).map((f) => {
                  const key = `${rule}.${f}`;
                  const r = rangeOf(rule, f);
                  const def = settingOf(DEFAULT_RECOMMENDATION_SETTINGS, rule, f) as number;
                  const problem = problems[key];
                  const fromApi = apiField === key && save.error ? save.error.message : null;
                  const show =
                    fromApi ??
                    (problem !== undefined && (tried || draft[key] !== saved[key]) ? problem : null);
                  const isChanged = draft[key] !== saved[key];
                  const unit = t(`unit.${UNITS[key] ?? 'licenses'}`);
                  return (
                    <Field
                      key={key}
                      label={
                        <span className={s.labelLine}>
                          {t(`field.${key}` as `field.LOW_ADOPTION.usageBelow`)}
                          {isChanged ? (
                            <Badge size="small" appearance="tint" color="brand">
                              {t('thresholds.changedMark')}
                            </Badge>
                          ) : null}
                        </span>
                      }
                      hint={`${t(r.integer ? 'thresholds.rangeWhole' : 'thresholds.range', {
                        min: formatNumber(locale, r.min),
                        max: formatNumber(locale, r.max),
                      })} · ${t('thresholds.default', { value: formatNumber(locale, def) })}`}
                      validationState={show === null ? 'none' : 'error'}
                      validationMessage={show}
                    >
                      <Input
                        type="number"
                        inputMode={r.integer ? 'numeric' : 'decimal'}
                        min={r.min}
                        max={r.max}
                        step={r.integer ? 1 : 'any'}
                        value={String(draft[key] ?? '')}
                        disabled={!canManage}
                        contentAfter={<span className={s.unit}>{unit}</span>}
                        onChange={(_e, d) => setDraft((prev) => ({ ...prev, [key]: d.value }))}
                        data-field={key}
                      />
                    </Field>
                  );
                })}
              </div>
              {canManage ? (
                <div>
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<ArrowResetRegular />}
                    aria-label={t('thresholds.resetRuleLabel', { rule: ruleName })}
                    onClick={() => {
                      reset.reset();
                      setResetting(rule);
                    }}
                  >
                    {t('thresholds.resetRule')}
                  </Button>
                </div>
              ) : null}
            </Card>
          );
        })}
      </div>
      <ConfirmDialog
        open={resetting !== null}
        title={
          resetting === 'all' || resetting === null
            ? t('thresholds.resetAllTitle')
            : t('thresholds.resetTitle', { rule: translate(locale, `rule.${resetting}`) })
        }
        confirmLabel={t('thresholds.resetRule')}
        busy={reset.isPending}
        onCancel={() => setResetting(null)}
        onConfirm={() => {
          if (resetting !== null) reset.mutate(resetting);
        }}
      >
        <Text as="p" block>
          {t('thresholds.resetText')}
        </Text>
        {reset.error ? <FailureBar error={reset.error} /> : null}
      </ConfirmDialog>
    </form>
  );
}
