/**
 * The KPI tiles: licenses sold, assigned, active (28 days), Deployment % and Usage %, each with
 * its month-over-month change as the API gives it (SPEC §2), and below them what that comparison
 * covers — the compared day, the customers compared, stood in for and left out.
 */
import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { ArrowDownRegular, ArrowRightRegular, ArrowUpRegular } from '@fluentui/react-icons';
import type { PortfolioSummary } from '@license-insights/contracts';
import type { ReactNode } from 'react';
import { memo } from 'react';
import { Dash, Int, Pct } from '../../components/Value';
import { fmtDay, fmtDelta, fmtInt, fmtPoints } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { deploymentReason, usageReason } from './reasons';
import { useCardStyles } from './styles';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(190px, 1fr))',
    gap: '12px',
  },
  tile: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow2,
    padding: '12px 16px 14px',
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
    minWidth: 0,
  },
  label: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase300, margin: 0 },
  value: {
    fontSize: tokens.fontSizeHero700,
    lineHeight: tokens.lineHeightHero700,
    fontWeight: tokens.fontWeightSemibold,
    fontVariantNumeric: 'tabular-nums',
  },
  change: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: '2px 6px',
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
  },
  delta: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: '2px',
    fontWeight: tokens.fontWeightSemibold,
    fontVariantNumeric: 'tabular-nums',
  },
  up: { color: tokens.colorPaletteGreenForeground1 },
  down: { color: tokens.colorPaletteRedForeground1 },
  vs: { color: tokens.colorNeutralForeground3 },
  note: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, marginTop: 'auto' },
  mom: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '2px 12px',
    marginTop: '8px',
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
  },
});

type Kind = 'count' | 'points';

function Change({
  value,
  kind,
  comparedDay,
  goodWhenUp,
}: {
  value: number | null;
  kind: Kind;
  comparedDay: string;
  goodWhenUp: boolean;
}) {
  const s = useStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const vs = <span className={s.vs}>{t('mom.vs', { day: fmtDay(locale, comparedDay) })}</span>;
  if (value === null) {
    return (
      <div className={s.change}>
        <span className={s.delta}>
          <Dash reason="beforeData" />
        </span>
        <span className={s.vs}>{t('mom.noHistory')}</span>
      </div>
    );
  }
  const text = kind === 'count' ? fmtDelta(locale, value) : fmtPoints(locale, value);
  // A rounded zero is "no change" (no arrow, no colour).
  const shown = kind === 'count' ? Math.round(value) : Math.round(value * 10) / 10;
  const Icon = shown > 0 ? ArrowUpRegular : shown < 0 ? ArrowDownRegular : ArrowRightRegular;
  const good = shown === 0 ? null : shown > 0 === goodWhenUp;
  return (
    <div className={s.change}>
      <span
        className={mergeClasses(s.delta, good === true && s.up, good === false && s.down)}
        role="img"
        aria-label={t('mom.label', { change: text })}
      >
        <Icon aria-hidden />
        {text}
      </span>
      {vs}
    </div>
  );
}

function Tile({
  label,
  value,
  change,
  note,
}: {
  label: string;
  value: ReactNode;
  change: ReactNode;
  note?: ReactNode;
}) {
  const s = useStyles();
  return (
    <div className={s.tile} data-kpi>
      <h3 className={s.label}>{label}</h3>
      <div className={s.value}>{value}</div>
      {change}
      {note === undefined ? null : <div className={s.note}>{note}</div>}
    </div>
  );
}

export const KpiTiles = memo(function KpiTiles({ summary }: { summary: PortfolioSummary }) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const { totals, monthOverMonth: mom } = summary;
  const ch = mom.change;
  const compared = mom.comparedDay;
  return (
    <section aria-labelledby="kpi-heading">
      <h2 id="kpi-heading" className={c.visuallyHidden}>
        {t('totals')}
      </h2>
      <div className={s.grid}>
        <Tile
          label={t('kpi.sold')}
          value={<Int value={totals.sold} />}
          change={<Change value={ch.sold} kind="count" comparedDay={compared} goodWhenUp />}
          note={t('kpi.soldOwn', { n: fmtInt(locale, totals.soldOwn) })}
        />
        <Tile
          label={t('kpi.assigned')}
          value={<Int value={totals.assigned} />}
          change={<Change value={ch.assigned} kind="count" comparedDay={compared} goodWhenUp />}
          note={t('kpi.assignedNote')}
        />
        <Tile
          label={t('kpi.active')}
          value={<Int value={totals.active} reason={usageReason(totals)} />}
          change={<Change value={ch.active} kind="count" comparedDay={compared} goodWhenUp />}
          note={t('kpi.activeNote')}
        />
        <Tile
          label={t('kpi.deployment')}
          value={<Pct value={totals.deploymentPercent} reason={deploymentReason(totals)} />}
          change={<Change value={ch.deploymentPoints} kind="points" comparedDay={compared} goodWhenUp />}
          note={t('kpi.deploymentNote')}
        />
        <Tile
          label={t('kpi.usage')}
          value={<Pct value={totals.usagePercent} reason={usageReason(totals)} />}
          change={<Change value={ch.usagePoints} kind="points" comparedDay={compared} goodWhenUp />}
          note={t('kpi.usageNote', {
            measured: fmtInt(locale, totals.soldMeasured),
            sold: fmtInt(locale, totals.sold),
          })}
        />
      </div>
      <div className={s.mom} data-mom>
        {mom.customers === 0 ? (
          <Text size={200}>{t('mom.none', { compared: fmtDay(locale, compared) })}</Text>
        ) : (
          <>
            <Text size={200}>
              {t('mom.compared', {
                day: fmtDay(locale, summary.filter.day),
                compared: fmtDay(locale, compared),
                n: mom.customers,
              })}
            </Text>
            {mom.standIns > 0 ? <Text size={200}>{t('mom.standIns', { n: mom.standIns })}</Text> : null}
          </>
        )}
        {mom.leftOut > 0 ? (
          <Text size={200} weight="semibold" data-left-out>
            {t('mom.leftOut', { n: mom.leftOut })}
          </Text>
        ) : null}
        {totals.partialWindow ? <Text size={200}>{t('partial')}</Text> : null}
      </div>
    </section>
  );
});
