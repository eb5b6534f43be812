/**
 * The page's filters — channel (all partners / own), the as-of day, customer group, service and
 * product — and the export menu. Every choice goes to the URL; a new filter starts the customer
 * table at its first page.
 */

import {
  Button,
  Field,
  Input,
  Menu,
  MenuGroup,
  MenuGroupHeader,
  MenuItemLink,
  MenuList,
  MenuPopover,
  MenuTrigger,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular, DismissRegular } from '@fluentui/react-icons';
import {
  type ChannelView,
  EXPORT_FORMATS,
  SERVICE_CODES,
  type ServiceCode,
} from '@license-insights/contracts';
import { memo } from 'react';
import {
  exportUrl,
  type PortfolioFilters,
  useCustomerGroups,
  usePortfolioBreakdown,
  useStatus,
} from '../../api/portfolio';
import { fmtDay, fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { useCardStyles } from './styles';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: '8px 16px',
    padding: '10px 16px',
    margin: 0,
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground2,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  radios: { display: 'flex', flexWrap: 'nowrap', marginLeft: '-8px' },
  radioLabel: { fontSize: tokens.fontSizeBase200, paddingTop: '4px', paddingBottom: '4px' },
  date: { width: '160px' },
  select: { width: '180px' },
  product: { width: '240px' },
  spacer: { flexGrow: 1 },
});

type Change = Record<string, string | number | null>;

export const Controls = memo(function Controls({
  filters,
  shownDay,
  onChange,
  ready,
}: {
  filters: PortfolioFilters;
  /** The day the summary is of (the as-of day when none is chosen: the last computed day). */
  shownDay: string | undefined;
  onChange: (changes: Change) => void;
  /** The page's first data is drawn: the lists the filters offer may load now. */
  ready: boolean;
}) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const groups = useCustomerGroups();
  const status = useStatus(ready);
  // The products the other filters leave (the product filter itself off, so the list stays whole).
  const products = usePortfolioBreakdown({ ...filters, product: undefined }, 'product', ready);
  const metrics = status.data?.partners[0]?.metrics ?? null;
  const change = (c: Change) => onChange({ ...c, page: null });
  const any =
    filters.day !== undefined ||
    filters.view !== 'all' ||
    filters.service !== undefined ||
    filters.group !== undefined ||
    filters.product !== undefined;

  return (
    <fieldset className={s.bar}>
      <legend className={c.visuallyHidden}>{t('filters')}</legend>
      <Field label={t('channel')} size="small">
        <RadioGroup
          className={s.radios}
          layout="horizontal"
          value={filters.view}
          onChange={(_, d) => change({ view: (d.value as ChannelView) === 'all' ? null : d.value })}
        >
          <Radio value="all" label={{ children: t('channel.all'), className: s.radioLabel }} />
          <Radio value="own" label={{ children: t('channel.own'), className: s.radioLabel }} />
        </RadioGroup>
      </Field>
      <Field label={t('asOf')} size="small">
        <Input
          className={s.date}
          size="small"
          type="date"
          value={filters.day ?? shownDay ?? ''}
          title={
            metrics === null
              ? undefined
              : t('asOfHint', {
                  first: fmtDay(locale, metrics.firstDay),
                  last: fmtDay(locale, metrics.lastDay),
                })
          }
          min={metrics?.firstDay}
          max={metrics?.lastDay}
          onChange={(_, d) =>
            change({ day: d.value === '' || d.value === metrics?.lastDay ? null : d.value })
          }
        />
      </Field>
      <Field label={t('group')} size="small">
        <Select
          className={s.select}
          size="small"
          value={filters.group ?? ''}
          onChange={(_, d) => change({ group: d.value })}
        >
          <option value="">{t('group.all')}</option>
          {/* A group named in the URL stays choosable while the list loads (or when it is not in it). */}
          {filters.group !== undefined && !groups.data?.groups.some((g) => g.group === filters.group) ? (
            <option value={filters.group}>{filters.group}</option>
          ) : null}
          {(groups.data?.groups ?? []).map((g) => (
            <option key={g.group} value={g.group}>
              {t('group.option', { group: g.group, n: fmtInt(locale, g.customers) })}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('service')} size="small">
        <Select
          className={s.select}
          size="small"
          value={filters.service ?? ''}
          onChange={(_, d) => change({ service: d.value as ServiceCode | '' })}
        >
          <option value="">{t('service.all')}</option>
          {SERVICE_CODES.map((code) => (
            <option key={code} value={code}>
              {t(`service.${code}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('product')} size="small">
        <Select
          className={s.product}
          size="small"
          value={filters.product ?? ''}
          onChange={(_, d) => change({ product: d.value })}
        >
          <option value="">{t('product.all')}</option>
          {filters.product !== undefined && !products.data?.items.some((p) => p.key === filters.product) ? (
            <option value={filters.product}>{filters.product}</option>
          ) : null}
          {[...(products.data?.items ?? [])]
            .sort((a, b) => a.name.localeCompare(b.name, locale))
            .map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
        </Select>
      </Field>
      {any ? (
        <Button
          size="small"
          appearance="subtle"
          icon={<DismissRegular />}
          onClick={() =>
            change({ day: null, view: null, service: null, group: null, product: null, band: null })
          }
        >
          {t('clear')}
        </Button>
      ) : null}
      <div className={s.spacer} />
    </fieldset>
  );
});

export function ExportMenu({
  filters,
  shownDay,
}: {
  filters: PortfolioFilters;
  shownDay: string | undefined;
}) {
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const day = filters.day ?? shownDay;
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button icon={<ArrowDownloadRegular />} data-export>
          {t('export')}
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuGroup>
            <MenuGroupHeader>
              {t('export.note', {
                view: t(`view.${filters.view}`),
                day: day === undefined ? '' : fmtDay(locale, day),
              })}
            </MenuGroupHeader>
            {EXPORT_FORMATS.map((f) => (
              <MenuItemLink key={f} href={exportUrl(f, day, filters.view)} download data-export-format={f}>
                {t(`export.${f}`)}
              </MenuItemLink>
            ))}
          </MenuGroup>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
