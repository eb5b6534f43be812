/**
 * Why a value exceeds 100 % (SPEC §2.1): the reason codes the API decomposed the excess into, with
 * their counts and what each means, in a tooltip of a button beside the value (shown on hover and
 * on keyboard focus, read as the button's description; the icon, not only a colour, says there is
 * an explanation). A tooltip rather than a popover: Fluent's popover adds focusable, aria-hidden
 * elements to the page that axe-core reports as serious.
 */
import { Button, makeStyles, Text, Tooltip, tokens } from '@fluentui/react-components';
import { Info16Regular } from '@fluentui/react-icons';
import type { Reasons } from '@license-insights/contracts';
import { fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { reasonEntries } from './rows';

const useStyles = makeStyles({
  // No display here: Fluent hides a closed tooltip with display: none.
  surface: { maxWidth: '380px', padding: '10px 12px' },
  block: { display: 'block', marginBottom: '6px' },
  list: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '6px' },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100 },
  trigger: {
    minWidth: 'auto',
    padding: '0 2px',
    height: '20px',
    color: tokens.colorPaletteMarigoldForeground2,
  },
});

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
    <Tooltip
      withArrow
      positioning="below-end"
      relationship="description"
      content={{
        className: s.surface,
        children: (
          <>
            <Text weight="semibold" className={s.block}>
              {title}
            </Text>
            <Text size={200} className={s.block}>
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
          </>
        ),
      }}
    >
      <Button
        appearance="transparent"
        size="small"
        className={s.trigger}
        icon={<Info16Regular />}
        aria-label={title}
        data-reasons={entries.map(([c, n]) => `${c}:${n}`).join(';')}
      />
    </Tooltip>
  );
}
