/**
 * The product catalog as the partner sees it (GET /api/v1/catalog), read-only: the partner's own
 * products and overrides first, then a search of the whole catalog (the API searches). Products
 * change by importing products.csv; the shipped catalog with a new version of the product.
 */
import {
  Badge,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import {
  type CatalogEntry,
  formatMoneyPerMonth,
  workloadCodeSchema,
  workloadName,
} from '@license-insights/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { catalogQuery } from '../../api/ops';
import { useSearchState } from '../../app/search-state';
import { Empty, Loading, QueryView } from '../../components/states';
import { Dash } from '../../components/Value';
import { fmtDay } from '../../format';
import { useLocale, useT } from '../../i18n';
import { settingsMessages } from '../SettingsPage.messages';
import { AppLink } from './AppLink';

const MAX_SHOWN = 50;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px' },
  wrap: { overflowX: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
  small: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, display: 'block' },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
  },
  name: { display: 'flex', flexDirection: 'column', gap: '2px' },
  badges: { display: 'flex', gap: '4px', flexWrap: 'wrap' },
  search: { maxWidth: '420px' },
  h3: { margin: '8px 0 0' },
});

function CatalogTable({ products, label }: { products: readonly CatalogEntry[]; label: string }) {
  const s = useStyles();
  const t = useT(settingsMessages);
  const { locale } = useLocale();
  const workloads = (p: CatalogEntry) =>
    p.workloads.length === 0
      ? t('catalog.none')
      : p.workloads
          .map((w) => {
            const c = workloadCodeSchema.safeParse(w);
            return c.success ? workloadName(locale, c.data) : w;
          })
          .join(', ');
  return (
    <div className={s.wrap}>
      <Table size="small" aria-label={label} style={{ minWidth: 900 }}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('catalog.name')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 200 }}>{t('catalog.partNumber')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 80 }}>{t('catalog.service')}</TableHeaderCell>
            <TableHeaderCell>{t('catalog.workloads')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 140 }}>{t('catalog.price')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 120 }}>{t('catalog.origin')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {products.map((p) => (
            <TableRow key={p.productId}>
              <TableCell>
                <div className={s.name}>
                  <span>
                    {p.name}
                    {p.origin === 'discovered' ? (
                      <span className={s.muted}> ({t('catalog.nameUnknown')})</span>
                    ) : null}
                  </span>
                  <span className={s.code}>{p.productId}</span>
                  {p.replacesShipped ? (
                    <span className={s.badges}>
                      <Badge size="small" appearance="outline" color="informative">
                        {t('catalog.overrides')}
                      </Badge>
                    </span>
                  ) : null}
                </div>
              </TableCell>
              <TableCell className={s.code}>{p.partNumber ?? <Dash reason="unknown" />}</TableCell>
              <TableCell>{p.service}</TableCell>
              <TableCell>
                {workloads(p)}
                {/* A partner's own product has its workloads from its file (its source says so). */}
                {p.origin === 'custom' ? null : (
                  <span className={s.small}>{t('catalog.why', { reason: p.workloadReason })}</span>
                )}
              </TableCell>
              <TableCell>
                {p.listPrice === null ? (
                  <Dash reason="unknown" />
                ) : (
                  formatMoneyPerMonth(locale, p.listPrice, p.currency)
                )}
              </TableCell>
              <TableCell>
                <Badge
                  appearance="tint"
                  color={p.origin === 'custom' ? 'brand' : p.origin === 'discovered' ? 'warning' : 'subtle'}
                >
                  {t(`catalog.origin.${p.origin}`)}
                </Badge>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

export function CatalogView() {
  const s = useStyles();
  const t = useT(settingsMessages);
  const { locale } = useLocale();
  const { get, set } = useSearchState();
  const q = get('q') ?? '';
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);
  // The URL (and the search) follow the typing after a pause.
  useEffect(() => {
    if (typed === q) return;
    const timer = setTimeout(() => set({ q: typed.trim() }, { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [typed, q, set]);

  const all = useQuery(catalogQuery(null));
  const search = useQuery({
    ...catalogQuery(q.trim() === '' ? null : q.trim()),
    enabled: q.trim() !== '',
    placeholderData: keepPreviousData,
  });

  return (
    <div className={s.root}>
      <QueryView query={all}>
        {(data) => {
          const yours = data.products.filter((p) => p.origin !== 'catalog');
          return (
            <>
              <Text>
                {t('catalog.intro', {
                  version: data.catalogVersion,
                  source: data.source,
                  date: fmtDay(locale, data.sourceDate),
                })}
              </Text>
              <MessageBar intent="info">
                <MessageBarBody>
                  {t('catalog.how')} <AppLink to="/imports">{t('groups.importLink')}</AppLink>
                </MessageBarBody>
              </MessageBar>
              <Text as="h3" size={400} weight="semibold" className={s.h3}>
                {t('catalog.yours')}
              </Text>
              {yours.length === 0 ? (
                <Empty>{t('catalog.yoursEmpty')}</Empty>
              ) : (
                <CatalogTable products={yours} label={t('catalog.yours')} />
              )}
            </>
          );
        }}
      </QueryView>

      <Text as="h3" size={400} weight="semibold" className={s.h3}>
        {t('catalog.search')}
      </Text>
      <Field label={t('catalog.search')} className={s.search}>
        <Input
          type="search"
          contentBefore={<SearchRegular />}
          placeholder={t('catalog.searchPlaceholder')}
          value={typed}
          maxLength={200}
          onChange={(_e, d) => setTyped(d.value)}
        />
      </Field>
      {q.trim() === '' ? null : search.isPending ? (
        <Loading />
      ) : (
        <QueryView query={search}>
          {(data) =>
            data.products.length === 0 ? (
              <Empty>{t('catalog.noResults', { q })}</Empty>
            ) : (
              <>
                <Text className={s.muted} aria-live="polite">
                  {data.products.length > MAX_SHOWN
                    ? t('catalog.resultsMore', { shown: MAX_SHOWN, n: data.products.length })
                    : t('catalog.results', { n: data.products.length })}
                </Text>
                <CatalogTable products={data.products.slice(0, MAX_SHOWN)} label={t('catalog.search')} />
              </>
            )
          }
        </QueryView>
      )}
    </div>
  );
}
