/**
 * The audit log's filters, kept in the URL (`action`, `actor`, `from`, `to`; changing one goes back
 * to the newest page): actions chosen from the known ones, part of the actor's name (sent once
 * typing pauses), and a range of days in the browser's time zone.
 */
import {
  Button,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  OptionGroup,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { auditMessages } from '../AuditPage.messages';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: '12px',
    padding: '12px 16px',
    marginBottom: '16px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusLarge,
  },
  action: { minWidth: '220px' },
  actor: { minWidth: '240px' },
  day: { width: '170px' },
});

/** The actions the log holds, grouped as a person looks for them. */
export const ACTION_GROUPS = {
  data: ['import', 'export', 'settings.change', 'exclusion.add', 'exclusion.remove'],
  access: ['auth.sign_in', 'auth.sign_out', 'auth.password_change', 'auth.password_set'],
  staff: [
    'account.create',
    'account.update',
    'account.link',
    'account.oidc_link',
    'account.roles_from_groups',
    'token.create',
    'token.revoke',
  ],
} as const;
export type KnownAction =
  | (typeof ACTION_GROUPS.data)[number]
  | (typeof ACTION_GROUPS.access)[number]
  | (typeof ACTION_GROUPS.staff)[number];
const KNOWN: ReadonlySet<string> = new Set(Object.values(ACTION_GROUPS).flat());
export const isKnownAction = (a: string): a is KnownAction => KNOWN.has(a);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const validDay = (d: string | null): string | null => (d !== null && DAY.test(d) ? d : null);

export function AuditFilterBar({
  actions,
  actor,
  from,
  to,
  onChange,
}: {
  actions: readonly string[];
  actor: string;
  from: string | null;
  to: string | null;
  onChange: (changes: Readonly<Record<string, string | null>>) => void;
}) {
  const s = useStyles();
  const t = useT(auditMessages);
  // The actor as typed; sent to the URL once typing pauses.
  const [typed, setTyped] = useState(actor);
  useEffect(() => setTyped(actor), [actor]);
  useEffect(() => {
    if (typed.trim() === actor) return;
    const timer = setTimeout(() => onChange({ actor: typed.trim() }), 400);
    return () => clearTimeout(timer);
  }, [typed, actor, onChange]);

  const label = (a: string) => (isKnownAction(a) ? t(`action.${a}`) : a);
  const anything = actions.length > 0 || actor !== '' || from !== null || to !== null;
  const badRange = from !== null && to !== null && to < from;

  return (
    <search className={s.bar} aria-label={t('filters')}>
      <Field label={t('filter.action')} className={s.action}>
        <Dropdown
          multiselect
          placeholder={t('filter.actionAll')}
          value={
            actions.length === 0
              ? ''
              : actions.length === 1
                ? label(actions[0] ?? '')
                : t('filter.actionSome', { n: actions.length })
          }
          selectedOptions={[...actions]}
          onOptionSelect={(_, d) => onChange({ action: d.selectedOptions.join(',') })}
        >
          {(Object.keys(ACTION_GROUPS) as (keyof typeof ACTION_GROUPS)[]).map((g) => (
            <OptionGroup key={g} label={t(`group.${g}`)}>
              {ACTION_GROUPS[g].map((a) => (
                <Option key={a} value={a} text={t(`action.${a}`)}>
                  {t(`action.${a}`)}
                </Option>
              ))}
            </OptionGroup>
          ))}
        </Dropdown>
      </Field>
      <Field label={t('filter.actor')} className={s.actor}>
        <Input
          value={typed}
          onChange={(_, d) => setTyped(d.value)}
          type="search"
          placeholder={t('filter.actorHint')}
        />
      </Field>
      <Field label={t('filter.from')} className={s.day}>
        <Input type="date" value={from ?? ''} onChange={(_, d) => onChange({ from: validDay(d.value) })} />
      </Field>
      <Field
        label={t('filter.to')}
        className={s.day}
        validationState={badRange ? 'warning' : 'none'}
        validationMessage={badRange ? t('filter.badRange') : null}
      >
        <Input type="date" value={to ?? ''} onChange={(_, d) => onChange({ to: validDay(d.value) })} />
      </Field>
      {anything ? (
        <Button
          icon={<DismissRegular />}
          onClick={() => {
            setTyped('');
            onChange({ action: null, actor: null, from: null, to: null });
          }}
        >
          {t('filter.clear')}
        </Button>
      ) : null}
    </search>
  );
}
