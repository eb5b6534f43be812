/**
 * Which customers a staff account sees: all of the partner's, or only chosen customer groups and
 * customers (SPEC §5). Groups come from GET /api/v1/groups (with their sizes); customers are
 * searched by name, id or domain on the server (the portfolio may hold 10 000).
 */
import {
  Field,
  makeStyles,
  Radio,
  RadioGroup,
  Spinner,
  Tag,
  TagPicker,
  TagPickerControl,
  TagPickerGroup,
  TagPickerInput,
  TagPickerList,
  TagPickerOption,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { CustomerScope } from '@license-insights/contracts';
import { useEffect, useState } from 'react';
import { useCustomerSearch, useGroups } from '../../api/admin';
import { useT } from '../../i18n';
import { staffMessages } from '../StaffPage.messages';
import { CustomerName, fieldError } from './shared';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px' },
  limited: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    paddingLeft: '12px',
    borderLeft: `2px solid ${tokens.colorNeutralStroke2}`,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function ScopeEditor({
  value,
  onChange,
  errors,
}: {
  value: CustomerScope;
  onChange: (scope: CustomerScope) => void;
  errors: Readonly<Record<string, string>>;
}) {
  const s = useStyles();
  const t = useT(staffMessages);
  const groups = useGroups();
  const [query, setQuery] = useState('');
  // Searched once typing pauses, not on every key.
  const [search, setSearch] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);
  const limited = value !== null;
  const customers = useCustomerSearch(search, limited);
  // Names of customers picked from the search (a scope read from the server has ids only).
  const [names, setNames] = useState<Readonly<Record<string, string>>>({});

  const scope = value ?? { customers: [], groups: [] };
  const groupOptions = (groups.data?.groups ?? []).filter((g) => !scope.groups.includes(g.group));
  const customerOptions = (customers.data?.rows ?? []).filter((c) => !scope.customers.includes(c.customerId));

  return (
    <div className={s.root}>
      <Field label={t('scope')}>
        <RadioGroup
          value={limited ? 'limited' : 'all'}
          onChange={(_, d) => onChange(d.value === 'all' ? null : { customers: [], groups: [] })}
        >
          <Radio value="all" label={t('scope.all')} />
          <Radio value="limited" label={t('scope.limited')} />
        </RadioGroup>
      </Field>
      {!limited ? null : (
        <div className={s.limited}>
          <Field
            label={t('scope.groups')}
            hint={t('scope.groupsHint')}
            {...fieldError(errors['scope.groups'])}
          >
            <TagPicker
              selectedOptions={[...scope.groups]}
              onOptionSelect={(_, d) => {
                if (d.value !== '') onChange({ ...scope, groups: d.selectedOptions });
              }}
            >
              <TagPickerControl>
                <TagPickerGroup aria-label={t('scope.groupsChosen')}>
                  {scope.groups.map((g) => (
                    <Tag key={g} value={g} shape="rounded">
                      {g}
                    </Tag>
                  ))}
                </TagPickerGroup>
                <TagPickerInput aria-label={t('scope.groups')} />
              </TagPickerControl>
              <TagPickerList>
                {groups.isPending ? (
                  <TagPickerOption value="" text="">
                    {t('loading')}
                  </TagPickerOption>
                ) : groupOptions.length === 0 ? (
                  <TagPickerOption value="" text="">
                    {t('scope.noGroups')}
                  </TagPickerOption>
                ) : (
                  groupOptions.map((g) => (
                    <TagPickerOption key={g.group} value={g.group} text={g.group}>
                      {g.group} <span className={s.muted}>· {t('scope.groupSize', { n: g.customers })}</span>
                    </TagPickerOption>
                  ))
                )}
              </TagPickerList>
            </TagPicker>
          </Field>
          <Field
            label={t('scope.customers')}
            hint={t('scope.customersHint')}
            {...fieldError(errors['scope.customers'])}
          >
            <TagPicker
              selectedOptions={[...scope.customers]}
              onOptionSelect={(_, d) => {
                if (d.value === '') return;
                const picked = customers.data?.rows.find((c) => c.customerId === d.value);
                if (picked !== undefined) setNames((n) => ({ ...n, [picked.customerId]: picked.name }));
                onChange({ ...scope, customers: d.selectedOptions });
                setQuery('');
              }}
            >
              <TagPickerControl expandIcon={customers.isFetching ? <Spinner size="extra-tiny" /> : null}>
                <TagPickerGroup aria-label={t('scope.customersChosen')}>
                  {scope.customers.map((id) => (
                    <Tag key={id} value={id} shape="rounded">
                      {names[id] ?? <CustomerName customerId={id} />}
                    </Tag>
                  ))}
                </TagPickerGroup>
                <TagPickerInput
                  aria-label={t('scope.customers')}
                  placeholder={t('scope.search')}
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                />
              </TagPickerControl>
              <TagPickerList>
                {customerOptions.length === 0 ? (
                  <TagPickerOption value="" text="">
                    {customers.isPending ? t('loading') : t('scope.noMatch')}
                  </TagPickerOption>
                ) : (
                  customerOptions.map((c) => (
                    <TagPickerOption key={c.customerId} value={c.customerId} text={c.name}>
                      {c.name}
                      {c.domain === null ? null : <span className={s.muted}> · {c.domain}</span>}
                    </TagPickerOption>
                  ))
                )}
              </TagPickerList>
            </TagPicker>
          </Field>
          {scope.groups.length === 0 && scope.customers.length === 0 ? (
            <Text className={s.muted} role="status">
              {t('scope.empty')}
            </Text>
          ) : null}
        </div>
      )}
    </div>
  );
}
