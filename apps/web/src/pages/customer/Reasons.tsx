/**
 * Why a value exceeds 100 % (SPEC §2.1): the reason codes the API decomposed the excess into, with
 * their counts and what each means, behind a button beside the value (keyboard reachable; the
 * icon, not only a colour, says there is an explanation).
 */
import {
  Button,
  makeStyles,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Text,
  tokens,
} from '@fluentui/react-components';
import { Info16Regular } from '@fluentui/react-icons';
import { type ReasonCode, type Reasons, USAGE_REASON_CODES } from '@license-insights/contracts';
import { fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';

const useStyles = makeStyles({
  surface: { maxWidth: '380px', display: 'flex', flexDirection: 'column', gap: '8px' },
  list: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '6px' },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100 },
  muted: { color: tokens.colorNeutralForeground3 },
  trigger: {
    minWidth: 'auto',
    padding: '0 2px',
    height: '20px',
    color: tokens.colorPaletteMarigoldForeground2,
  },
});

/** The non-zero reasons, in the decomposition order of SPEC §2.1. */
export function reasonEntries(r: Reasons | null | undefined): [ReasonCode, number][] {
  if (r === null || r === undefined) return [];
  return USAGE_REASON_CODES.flatMap((code) => {
    const n = r[code] ?? 0;
    return n > 0 ? [[code, n] as [ReasonCode, number]] : [];
  });
}

export function hasReasons(r: Reasons | null | undefined): boolean {
  return reasonEntries(r).length > 0;
}

/**
 * The reasons of one excess: `kind` says which (usage: active above sold; deployment: assigned
 * above sold), `subject` what the value is of (a product, a workload, the customer).
 */
export function ReasonsButton({
  reasons,
  kind,
  subject,
}: {
  reasons: Reasons | null | undefined;
  kind: 'usage' | 'deployment';
  subject: string;
}) {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const entries = reasonEntries(reasons);
  if (entries.length === 0) return null;
  const title = t(kind === 'usage' ? 'reasons.usageTitle' : 'reasons.deploymentTitle', { subject });
  return (
    <Popover withArrow positioning="below-end">
      <PopoverTrigger disableButtonEnhancement>
        <Button
          appearance="transparent"
          size="small"
          className={s.trigger}
          icon={<Info16Regular />}
          aria-label={title}
          data-reasons={entries.map(([c, n]) => `${c}:${n}`).join(';')}
        />
      </PopoverTrigger>
      <PopoverSurface className={s.surface} aria-label={title}>
        <Text weight="semibold">{title}</Text>
        <Text size={200} className={s.muted}>
          {t(kind === 'usage' ? 'reasons.usageIntro' : 'reasons.deploymentIntro')}
        </Text>
        <ul className={s.list}>
          {entries.map(([code, n]) => (
            <li key={code}>
              <Text weight="semibold">
                {t(`reason.${code}`)} · +{fmtInt(locale, n)}
              </Text>{' '}
              <Text className={s.code}>({code})</Text>
              <br />
              <Text size={200}>{t(`reasonText.${code}`)}</Text>
            </li>
          ))}
        </ul>
      </PopoverSurface>
    </Popover>
  );
}
