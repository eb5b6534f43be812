/**
 * Recommendations across the portfolio (SPEC §4): the playbook's cards of a day by priority, each
 * with its customer, product, the problem / consider / what-to-try texts (translated by the API),
 * evidence and thresholds; filters (rule, channel, day, customer name) live in the URL. Cards that
 * exclusions silence are listed apart, and so are the exclusions; admin agents add and remove them.
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Select,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular, SearchRegular } from '@fluentui/react-icons';
import {
  type RecommendationCard as Card,
  channelViewSchema,
  daySchema,
  RULE_IDS,
  ruleIdSchema,
  type StaleMetrics,
  translate,
} from '@license-insights/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { exclusionsQuery, recommendationsQuery } from '../api/ops';
import { can, useMe } from '../app/auth';
import { clearReady, markReady } from '../app/ready';
import { useSearchState } from '../app/search-state';
import { commonMessages } from '../components/common.messages';
import { PageHeader } from '../components/PageHeader';
import { Empty, QueryView } from '../components/states';
import { fmtDay } from '../format';
import { useLocale, useT } from '../i18n';
import { ExcludeDialog, type ExcludeTarget } from './ops/ExcludeDialog';
import { ExclusionsTable } from './ops/ExclusionsTable';
import { silencingReason } from './ops/helpers';
import { OpsToaster } from './ops/notify';
import { RecommendationCard } from './ops/RecommendationCard';
import { recommendationsMessages } from './RecommendationsPage.messages';

const PAGE_SIZE = 20;

const useStyles = makeStyles({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '12px 16px',
    alignItems: 'flex-end',
    marginBottom: '16px',
  },
  filter: { minWidth: '180px' },
  summary: { display: 'block', color: tokens.colorNeutralForeground2, margin: '0 0 12px' },
  cards: { display: 'flex', flexDirection: 'column', gap: '12px' },
  pager: { display: 'flex', alignItems: 'center', gap: '8px', marginTop: '16px', flexWrap: 'wrap' },
  section: { marginTop: '32px', display: 'flex', flexDirection: 'column', gap: '8px' },
  muted: { color: tokens.colorNeutralForeground3, margin: 0 },
  heading: { margin: 0 },
  summaryToggle: {
    cursor: 'pointer',
    padding: '4px 0',
    color: tokens.colorBrandForegroundLink,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

function StaleNote({ stale, canCompute }: { stale: StaleMetrics; canCompute: boolean }) {
  const t = useT(recommendationsMessages);
  const { locale } = useLocale();
  const navigate = useNavigate();
  return (
    <MessageBar intent="warning" style={{ marginBottom: 12 }}>
      <MessageBarBody>
        <MessageBarTitle>{t('stale.title')}</MessageBarTitle>
        {stale.customers.length > 0 && stale.fromDay !== null
          ? `${t('stale.customers', { n: stale.customers.length, day: fmtDay(locale, stale.fromDay) })} `
          : null}
        {stale.uncomputed === null
          ? null
          : `${t('stale.days', {
              first: fmtDay(locale, stale.uncomputed.firstDay),
              last: fmtDay(locale, stale.uncomputed.lastDay),
            })} `}
        {canCompute ? null : t('stale.ask')}
      </MessageBarBody>
      {canCompute ? (
        <MessageBarActions>
          <Button onClick={() => navigate('/imports')}>{t('stale.action')}</Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}

export default function RecommendationsPage() {
  const s = useStyles();
  const t = useT(recommendationsMessages);
  const common = useT(commonMessages);
  const { locale } = useLocale();
  const me = useMe();
  const canManage = can(me.data, 'manage_data');
  const { get, set } = useSearchState();

  // The URL's filters, read leniently: a hand-edited value the API would refuse is left out.
  const rule = ruleIdSchema.safeParse(get('rule')).data;
  const view = channelViewSchema.safeParse(get('view')).data;
  const day = daySchema.safeParse(get('day')).data;
  const q = get('q') ?? '';
  const page = Math.max(1, Number.parseInt(get('page') ?? '1', 10) || 1);
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);

  const query = useQuery({
    ...recommendationsQuery({ rule, view, day, lang: locale }),
    placeholderData: keepPreviousData,
  });
  const exclusions = useQuery(exclusionsQuery());
  const [excluding, setExcluding] = useState<ExcludeTarget | null>(null);
  const top = useRef<HTMLDivElement>(null);
  const goTo = (n: number) => {
    set({ page: n === 1 ? null : n });
    top.current?.scrollIntoView({ block: 'start' });
  };

  useEffect(() => {
    clearReady();
  }, []);
  useEffect(() => {
    if (query.data !== undefined && !query.isPlaceholderData) markReady('recommendations');
  }, [query.data, query.isPlaceholderData]);

  const needle = q.trim().toLocaleLowerCase(locale);
  const cards = useMemo(
    () =>
      (query.data?.cards ?? []).filter(
        (c) => needle === '' || c.customerName.toLocaleLowerCase(locale).includes(needle),
      ),
    [query.data, needle, locale],
  );
  const pages = Math.max(1, Math.ceil(cards.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = cards.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  return (
    <>
      <OpsToaster />
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <search className={s.filters} aria-label={t('filters')}>
        <Field label={t('rule')} className={s.filter}>
          <Select value={rule ?? ''} onChange={(_e, d) => set({ rule: d.value, page: null })}>
            <option value="">{t('allRules')}</option>
            {RULE_IDS.map((r) => (
              <option key={r} value={r}>
                {translate(locale, `rule.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('view')} className={s.filter}>
          <Select
            value={view ?? 'all'}
            onChange={(_e, d) => set({ view: d.value === 'all' ? null : d.value, page: null })}
          >
            <option value="all">{t('view.all')}</option>
            <option value="own">{t('view.own')}</option>
          </Select>
        </Field>
        <Field label={t('day')} className={s.filter}>
          <Input
            type="date"
            value={day ?? ''}
            max={query.data?.day}
            onChange={(_e, d) => set({ day: d.value, page: null })}
          />
        </Field>
        {day === undefined ? null : (
          <Button appearance="subtle" onClick={() => set({ day: null, page: null })}>
            {t('latest')}
          </Button>
        )}
        <Field label={t('search')} className={s.filter}>
          <Input
            type="search"
            contentBefore={<SearchRegular />}
            placeholder={t('searchPlaceholder')}
            value={search}
            onChange={(_e, d) => {
              setSearch(d.value);
              set({ q: d.value, page: null }, { replace: true });
            }}
          />
        </Field>
      </search>

      <QueryView query={query}>
        {(data) => (
          <>
            {data.stale === null ? null : <StaleNote stale={data.stale} canCompute={canManage} />}
            <div ref={top} style={{ scrollMarginTop: 16 }} />
            {cards.length === 0 ? null : (
              <Text as="p" block className={s.summary} aria-live="polite">
                {t('summary', { count: cards.length, day: fmtDay(locale, data.day) })}
              </Text>
            )}
            {cards.length === 0 ? (
              <Empty>
                {needle !== ''
                  ? t('noneSearch', { q })
                  : rule !== undefined
                    ? t('noneRule', {
                        rule: translate(locale, `rule.${rule}`),
                        day: fmtDay(locale, data.day),
                      })
                    : t('none', { day: fmtDay(locale, data.day) })}
              </Empty>
            ) : (
              <div className={s.cards} style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}>
                {shown.map((c) => (
                  <RecommendationCard
                    key={c.id}
                    card={c}
                    {...(canManage ? { onExclude: (card: Card) => setExcluding(card) } : {})}
                  />
                ))}
              </div>
            )}
            {pages > 1 ? (
              <nav className={s.pager} aria-label={common('page', { page: current, pages })}>
                <Button
                  icon={<ChevronLeftRegular />}
                  disabled={current <= 1}
                  onClick={() => goTo(current - 1)}
                  aria-label={common('previous')}
                />
                <Text>{common('page', { page: current, pages })}</Text>
                <Button
                  icon={<ChevronRightRegular />}
                  disabled={current >= pages}
                  onClick={() => goTo(current + 1)}
                  aria-label={common('next')}
                />
                <Text className={s.muted}>
                  {t('shown', {
                    from: (current - 1) * PAGE_SIZE + 1,
                    to: Math.min(current * PAGE_SIZE, cards.length),
                    total: cards.length,
                  })}
                </Text>
              </nav>
            ) : null}

            <section className={s.section} aria-labelledby="silenced-title">
              <Text as="h2" size={500} weight="semibold" id="silenced-title" className={s.heading}>
                {t('silencedTitle')}
              </Text>
              {data.silenced.length === 0 ? (
                <Empty>{t('silencedNone', { day: fmtDay(locale, data.day) })}</Empty>
              ) : (
                <>
                  <Text as="p" block className={s.muted}>
                    {t('silencedIntro', { n: data.silenced.length })}
                  </Text>
                  <details>
                    <summary className={s.summaryToggle}>{t('silencedShow')}</summary>
                    <div className={s.cards} style={{ marginTop: 8 }}>
                      {data.silenced.map((c) => (
                        <RecommendationCard
                          key={c.id}
                          card={c}
                          headingLevel="h3"
                          silencedReason={silencingReason(c, exclusions.data)}
                        />
                      ))}
                    </div>
                  </details>
                </>
              )}
            </section>
          </>
        )}
      </QueryView>

      <section className={s.section} aria-labelledby="exclusions-title">
        <Text as="h2" size={500} weight="semibold" id="exclusions-title" className={s.heading}>
          {t('exclusionsTitle')}
        </Text>
        <ExclusionsTable canManage={canManage} />
      </section>
      {canManage ? <ExcludeDialog target={excluding} onClose={() => setExcluding(null)} /> : null}
    </>
  );
}
