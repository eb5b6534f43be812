/**
 * A one-time sign-in link for a staff account: asked for explicitly (it is a credential), shown
 * once with a copy button, forgotten when the dialog closes.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Text,
} from '@fluentui/react-components';
import type { StaffAccount } from '@license-insights/contracts';
import { useSignInLink } from '../../api/admin';
import { ApiError } from '../../api/http';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { staffMessages } from '../StaffPage.messages';
import { adminMessages } from './admin.messages';
import { CopyField, FailureBar } from './shared';

const useStyles = makeStyles({
  surface: { maxWidth: '640px', width: '100%' },
  content: { display: 'flex', flexDirection: 'column', gap: '12px' },
});

export function SignInLinkDialog({
  account,
  justAdded,
  onClose,
}: {
  account: StaffAccount;
  /** The account was just added: say so above the offer. */
  justAdded: boolean;
  onClose: () => void;
}) {
  const s = useStyles();
  const t = useT(staffMessages);
  const a = useT(adminMessages);
  const { locale } = useLocale();
  const link = useSignInLink();
  const disabled = link.error instanceof ApiError && link.error.code === 'conflict';
  return (
    <Dialog open onOpenChange={(_, d) => (d.open || link.isPending ? undefined : onClose())}>
      <DialogSurface className={s.surface}>
        <DialogBody>
          <DialogTitle>{t('link.title', { email: account.email })}</DialogTitle>
          <DialogContent className={s.content}>
            {justAdded ? (
              <MessageBar intent="success">
                <MessageBarBody>
                  <MessageBarTitle>{t('form.addedTitle')}</MessageBarTitle>
                  {t('form.addedNext')}
                </MessageBarBody>
              </MessageBar>
            ) : null}
            {link.data === undefined ? (
              <Text as="p">{t('link.body', { email: account.email })}</Text>
            ) : (
              <CopyField
                label={t('link.label')}
                value={link.data.url}
                hint={t('link.expires', { time: fmtInstant(locale, link.data.expiresAt) })}
              />
            )}
            <FailureBar error={link.error} {...(disabled ? { message: t('link.disabled') } : {})} />
          </DialogContent>
          <DialogActions>
            {link.data === undefined ? (
              <>
                <Button
                  appearance="primary"
                  disabled={link.isPending || account.disabled}
                  onClick={() => link.mutate(account.accountId)}
                >
                  {link.isPending ? a('working') : t('link.create')}
                </Button>
                <Button onClick={onClose} disabled={link.isPending}>
                  {justAdded ? a('close') : a('cancel')}
                </Button>
              </>
            ) : (
              <Button appearance="primary" onClick={onClose}>
                {a('done')}
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
