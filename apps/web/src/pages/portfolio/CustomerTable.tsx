/**
 * The customer table (GET /api/v1/customers): paged, sorted and searched on the server, so it
 * stays instant with 10 000 customers; the previous page stays on screen while the next loads.
 * Sort, order, page, search and band live in the URL.
 */
import {
  Button,
  Field,
  makeStyles,
  mergeClasses,
  SearchBox,
  Spinner,
  Tag,
  Text,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSortDownRegular,
  ArrowSortUpRegular,
  ChevronDoubleLeftRegular,
  ChevronDoubleRightRegular,
  ChevronLeftRegular,
  ChevronRightRegular,
} from '@fluentui/react-icons';
import type {
  CustomerSort,
  CustomerTable as CustomerTableData,
  UsageBand,
} from '@license-insights/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { CustomerTableState } from '../../api/portfolio';
import { useTheme } from '../../app/theme';
import { commonMessages } from '../../components/common.messages';
import { ErrorState, Loading } from '../../components/states';
import { Dash, Int, Pct } from '../../components/Value';
import { fmtInt, fmtPoints } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { BAND_COLORS } from './BandsCard';
import { deploymentReason, usageReason } from './reasons';
import { useCardStyles } from './styles';

const useStyles = makeStyles({
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: '8px 12px' },
  search: { width: '280px', maxWidth: '100%' },
  // A plain table styled as Fluent's small one: 50 rows of Fluent cells cost more to draw than a
  // sort may take (issue 13: ≤ 200 ms).
  table: {
    width: '100%',
    minWidth: '600px',
    borderCollapse: 'collapse',
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    '& th': {
      textAlign: 'left',
      fontWeight: tokens.fontWeightSemibold,
      padding: '0 8px',
      height: '32px',
      borderBottom: `1px solid ${tokens.colorNeutralStroke1}`,
      verticalAlign: 'middle',
    },
    '& td': {
      padding: '0 8px',
      height: '44px',
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
      verticalAlign: 'middle',
    },
    '& tbody tr:hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    // Narrow screens (about 1024 px): smaller type and padding, so nine columns fit without scrolling.
    '@media (max-width: 1279px)': {
      fontSize: tokens.fontSizeBase200,
      lineHeight: tokens.lineHeightBase200,
      '& th': { padding: '0 6px' },
      '& td': { padding: '0 6px' },
    },
  },
  num: {
    textAlign: 'right',
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
    '& > button': { marginLeft: 'auto' },
  },
  // Narrow screens: the groups and own columns go (the group filter still narrows by group).
  wide: { '@media (max-width: 1279px)': { display: 'none' } },
  // Dimmed only when the next rows are slow to come: a quick answer repaints the table once.
  updating: {
    animationName: { from: { opacity: 1 }, to: { opacity: 0.55 } },
    animationDelay: '250ms',
    animationDuration: '150ms',
    animationFillMode: 'forwards',
  },
  name: { display: 'flex', flexDirection: 'column', minWidth: 0, padding: '4px 0' },
  link: {
    color: tokens.colorBrandForegroundLink,
    textDecorationLine: 'none',
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: 'anywhere',
    ':hover': { textDecorationLine: 'underline', color: tokens.colorBrandForegroundLinkHover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: '2px' },
  },
  domain: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  groups: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  band: { display: 'inline-flex', alignItems: 'center', gap: '6px', whiteSpace: 'nowrap' },
  swatch: { width: '10px', height: '10px', borderRadius: '2px', flexShrink: 0 },
  pager: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: '8px',
    paddingTop: '4px',
  },
  pagerButtons: { display: 'flex', alignItems: 'center', gap: '4px' },
  colCustomer: { width: '28%' },
  sortButton: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: '4px',
    padding: '4px 0',
    border: 'none',
    background: 'none',
    color: 'inherit',
    font: 'inherit',
    fontWeight: tokens.fontWeightSemibold,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    textAlign: 'inherit',
    // Narrow screens: long headers ("Deployment %") take two lines rather than push the table wider.
    '@media (max-width: 1279px)': { whiteSpace: 'normal' },
    ':hover': { color: tokens.colorBrandForeground1 },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: '2px' },
  },
  sortIcon: { fontSize: '14px', flexShrink: 0 },
});

type Column = { key: CustomerSort; label: string; numeric: boolean; hint?: string; narrowHidden?: boolean };

/**
 * Search waits this long after the last key: keys typed in one burst are one query, and a search
 * still draws its rows within 200 ms of the last key (issue 13's target). A query overtaken by the
 * next one is cancelled (TanStack Query aborts its fetch), and a table page costs the API ~20 ms.
 */
const SEARCH_DEBOUNCE_MS = 60;

/** The search box: its own text, sent to the URL shortly after the last key. */
function useDebounced(value: string | undefined, onChange: (v: string) => void) {
  const [text, setText] = useState(value ?? '');
  const last = useRef(value ?? '');
  // The URL changed from elsewhere (back button, a cleared filter): show it.
  useEffect(() => {
    if ((value ?? '') !== last.current) {
      last.current = value ?? '';
      setText(value ?? '');
    }
  }, [value]);
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => {
    if (text === last.current) return;
    const timer = setTimeout(() => {
      last.current = text;
      change.current(text);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return [text, setText] as const;
}

export function CustomerTable({
  query,
  state,
  linkQuery,
  onChange,
}: {
  query: UseQueryResult<CustomerTableData>;
  state: CustomerTableState;
  /** `?view=…&day=…` carried to the customer's page. */
  linkQuery: string;
  onChange: (changes: Record<string, string | number | null>, replace?: boolean) => void;
}) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const tc = useT(commonMessages);
  const { locale } = useLocale();
  const { theme } = useTheme();
  const [text, setText] = useDebounced(state.search, (v) => onChange({ q: v, page: null }, true));

  const columns: Column[] = [
    { key: 'name', label: t('col.customer'), numeric: false },
    { key: 'sold', label: t('col.sold'), numeric: true },
    { key: 'soldOwn', label: t('col.soldOwn'), numeric: true, narrowHidden: true },
    { key: 'assigned', label: t('col.assigned'), numeric: true },
    { key: 'active', label: t('col.active'), numeric: true },
    { key: 'deploymentPercent', label: t('col.deployment'), numeric: true },
    { key: 'usagePercent', label: t('col.usage'), numeric: true },
    { key: 'band', label: t('col.band'), numeric: false },
    { key: 'usageChange', label: t('col.change'), numeric: true, hint: t('col.changeHint') },
  ];

  const sortBy = (key: CustomerSort) => {
    // Names start A→Z; figures start with the largest.
    const order =
      state.sort === key ? (state.order === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    onChange({ sort: key === 'name' ? null : key, order: order === 'asc' ? null : 'desc', page: null });
  };

  const data = query.data;
  const pages = data === undefined ? 1 : Math.max(1, Math.ceil(data.total / data.pageSize));
  const page = data?.page ?? state.page;
  const go = (p: number) => onChange({ page: p === 1 ? null : p });
  // A page past the end (a bookmarked page 9 of a list now shorter): the last page instead.
  const past = data !== undefined && data.rows.length === 0 && data.total > 0 && data.page > 1;
  const change = useRef(onChange);
  change.current = onChange;
  useEffect(() => {
    if (past) change.current({ page: pages === 1 ? null : pages }, true);
  }, [past, pages]);
  const bandText = (b: UsageBand) => t(`band.${b}`);
  // In the table's narrow column the bands on the Usage % scale go by their short names.
  const bandCell = (b: UsageBand) =>
    b === 'unmeasured' || b === 'none' ? t(`band.${b}`) : t(`band.short.${b}`);

  return (
    <section className={c.card} aria-labelledby="customers-heading">
      <div className={c.head}>
        <div className={c.titles}>
          <h2 id="customers-heading" className={c.title}>
            {t('customers.title')}
          </h2>
        </div>
        <div className={s.tools}>
          {state.band === undefined ? null : (
            <Tag
              dismissible
              size="small"
              appearance="brand"
              dismissIcon={{ 'aria-label': t('customers.removeBand') }}
              onClick={() => onChange({ band: null, page: null })}
              data-band-filter={state.band}
            >
              {t('customers.band', { band: bandText(state.band) })}
            </Tag>
          )}
          <Field label={t('customers.search')} size="small">
            <SearchBox
              className={s.search}
              size="small"
              value={text}
              placeholder={t('customers.searchPlaceholder')}
              onChange={(_, d) => setText(d.value)}
            />
          </Field>
        </div>
      </div>

      {query.error !== null && !query.isFetching ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : null}
      {data === undefined ? (
        query.isPending ? (
          <Loading />
        ) : null
      ) : past ? (
        <Loading />
      ) : data.rows.length === 0 ? (
        <Text as="p" className={c.note} role="status">
          {t('customers.none')}
        </Text>
      ) : (
        <div className={c.tableWrap}>
          <table
            className={mergeClasses(s.table, query.isPlaceholderData && s.updating)}
            aria-labelledby="customers-heading"
            aria-busy={query.isFetching}
            data-customer-table
            // Names the query the drawn rows answer (the benchmark times a sort or search by it).
            data-rows-key={`${data.sort}:${data.order}:${data.page}:${JSON.stringify(data.filter)}`}
          >
            <thead>
              <tr>
                {columns.map((col) => {
                  const sorted = state.sort === col.key;
                  const cell = (
                    <th
                      key={col.key}
                      scope="col"
                      className={mergeClasses(
                        col.numeric && s.num,
                        col.key === 'name' && s.colCustomer,
                        col.narrowHidden === true && s.wide,
                      )}
                      {...(sorted ? { 'aria-sort': state.order === 'asc' ? 'ascending' : 'descending' } : {})}
                      data-sort={col.key}
                    >
                      <button type="button" className={s.sortButton} onClick={() => sortBy(col.key)}>
                        {col.label}
                        {sorted ? (
                          state.order === 'asc' ? (
                            <ArrowSortUpRegular aria-hidden className={s.sortIcon} />
                          ) : (
                            <ArrowSortDownRegular aria-hidden className={s.sortIcon} />
                          )
                        ) : null}
                      </button>
                    </th>
                  );
                  return col.key === 'name' ? (
                    [
                      cell,
                      <th key="groups" scope="col" className={s.wide}>
                        {t('col.groups')}
                      </th>,
                    ]
                  ) : col.hint === undefined ? (
                    cell
                  ) : (
                    <Tooltip key={col.key} content={col.hint} relationship="description">
                      {cell}
                    </Tooltip>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.customerId} data-customer={r.customerId}>
                  <td>
                    <div className={s.name}>
                      <Link
                        className={s.link}
                        to={`/customers/${encodeURIComponent(r.customerId)}${linkQuery}`}
                      >
                        {r.name}
                      </Link>
                      {r.domain === null ? null : <span className={s.domain}>{r.domain}</span>}
                    </div>
                  </td>
                  <td className={mergeClasses(s.groups, s.wide)}>{r.groups.join(', ')}</td>
                  <td className={s.num}>
                    <Int value={r.totals.sold} />
                  </td>
                  <td className={mergeClasses(s.num, s.wide)}>
                    <Int value={r.totals.soldOwn} />
                  </td>
                  <td className={s.num}>
                    <Int value={r.totals.assigned} />
                  </td>
                  <td className={s.num}>
                    <Int value={r.totals.active} reason={usageReason(r.totals)} />
                  </td>
                  <td className={s.num}>
                    <Pct value={r.totals.deploymentPercent} reason={deploymentReason(r.totals)} />
                  </td>
                  <td className={s.num}>
                    <Pct value={r.totals.usagePercent} reason={usageReason(r.totals)} />
                  </td>
                  <td>
                    <span className={s.band}>
                      <span
                        className={s.swatch}
                        style={{ backgroundColor: BAND_COLORS[r.band][theme === 'dark' ? 'dark' : 'light'] }}
                      />
                      {bandCell(r.band)}
                    </span>
                  </td>
                  <td className={s.num}>
                    {r.usageChange === null ? <Dash reason="beforeData" /> : fmtPoints(locale, r.usageChange)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {data === undefined || data.rows.length === 0 ? null : (
        <nav className={s.pager} aria-label={t('customers.pages')}>
          <Text size={200} aria-live="polite">
            {t('customers.showing', {
              from: fmtInt(locale, (page - 1) * data.pageSize + 1),
              to: fmtInt(locale, Math.min(page * data.pageSize, data.total)),
              total: fmtInt(locale, data.total),
            })}
            {query.isFetching ? (
              <Spinner
                size="extra-tiny"
                delay={250}
                label={t('customers.updating')}
                style={{ display: 'inline-flex', marginLeft: 8 }}
              />
            ) : null}
          </Text>
          <div className={s.pagerButtons}>
            <Button
              size="small"
              appearance="subtle"
              icon={<ChevronDoubleLeftRegular />}
              aria-label={t('customers.first')}
              disabled={page <= 1}
              onClick={() => go(1)}
            />
            <Button
              size="small"
              appearance="subtle"
              icon={<ChevronLeftRegular />}
              aria-label={tc('previous')}
              disabled={page <= 1}
              onClick={() => go(page - 1)}
            />
            <Text size={200}>{tc('page', { page: fmtInt(locale, page), pages: fmtInt(locale, pages) })}</Text>
            <Button
              size="small"
              appearance="subtle"
              icon={<ChevronRightRegular />}
              aria-label={tc('next')}
              disabled={page >= pages}
              onClick={() => go(page + 1)}
            />
            <Button
              size="small"
              appearance="subtle"
              icon={<ChevronDoubleRightRegular />}
              aria-label={t('customers.last')}
              disabled={page >= pages}
              onClick={() => go(pages)}
            />
          </div>
        </nav>
      )}
    </section>
  );
}
