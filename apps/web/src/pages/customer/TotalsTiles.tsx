/** The customer's roll-up on D (the API's totals): counts and both percentages, with their reasons. */
import { makeStyles, tokens } from '@fluentui/react-components';
import type { Totals } from '@license-insights/contracts';
import { Dash } from '../../components/Value';
import { fmtInt, fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { Tile } from './parts';
import { ReasonsButton } from './Reasons';

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', gap: '10px' },
  over: { color: tokens.colorPaletteMarigoldForeground2 },
});

export function TotalsTiles({ totals, subject }: { totals: Totals; subject: string }) {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const pct = (v: number | null, reason: 'notSold' | 'notMeasured') =>
    v === null ? (
      <Dash reason={reason} />
    ) : (
      <span className={v > 100 ? s.over : undefined}>{fmtPct(locale, v)}</span>
    );
  return (
    <div className={s.row} data-tiles="customer">
      <Tile label={t('col.sold')} value={fmtInt(locale, totals.sold)} />
      <Tile label={t('col.soldOwn')} value={fmtInt(locale, totals.soldOwn)} />
      <Tile label={t('col.assigned')} value={fmtInt(locale, totals.assigned)} />
      <Tile
        label={t('col.active')}
        value={totals.active === null ? <Dash reason="notMeasured" /> : fmtInt(locale, totals.active)}
      />
      <Tile
        label={t('col.deployment')}
        value={
          <>
            {pct(totals.deploymentPercent, 'notSold')}
            <ReasonsButton reasons={totals.deploymentReasons} kind="deployment" subject={subject} />
          </>
        }
      />
      <Tile
        label={t('col.usage')}
        value={
          <>
            {pct(totals.usagePercent, totals.sold === 0 ? 'notSold' : 'notMeasured')}
            <ReasonsButton reasons={totals.usageReasons} kind="usage" subject={subject} />
          </>
        }
        note={
          totals.soldNotMeasured > 0
            ? t('totals.notMeasured', { n: totals.soldNotMeasured })
            : totals.partialWindow
              ? t('partial.tooltip')
              : t('totals.measuredOnly')
        }
      />
    </div>
  );
}
