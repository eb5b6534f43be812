/**
 * A new API token for the signed-in account: a name, roles (only the caller's own are offered),
 * an expiry. Its secret is shown once, here, with a copy button and a warning; closing the dialog
 * forgets it.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Select,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { CreatedApiToken, Role } from '@license-insights/contracts';
import { type FormEvent, useState } from 'react';
import { fieldProblems, useCreateToken } from '../../api/admin';
import { ApiError } from '../../api/http';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { tokensMessages } from '../TokensPage.messages';
import { adminMessages } from './admin.messages';
import { CopyField, FailureBar, fieldError, RoleCheckboxes } from './shared';

const useStyles = makeStyles({
  surface: { maxWidth: '640px', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: '16px' },
  muted: { color: tokens.colorNeutralForeground3 },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: '8px 10px',
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: 0,
  },
});

/** The expiries offered (days); the API takes 1 … 366. */
const EXPIRIES = [7, 30, 90, 180, 366] as const;

/** The curl line that calls the portfolio summary with a token. */
export function curlExample(secret: string): string {
  return `curl -H "Authorization: Bearer ${secret}" ${window.location.origin}/api/v1/portfolio/summary`;
}

export function CreateTokenDialog({
  ownRoles,
  onClose,
  onCreated,
}: {
  ownRoles: readonly Role[];
  onClose: () => void;
  onCreated: (created: CreatedApiToken) => void;
}) {
  const s = useStyles();
  const t = useT(tokensMessages);
  const a = useT(adminMessages);
  const { locale } = useLocale();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([...ownRoles]);
  const [days, setDays] = useState(90);
  const [checked, setChecked] = useState(false);
  const create = useCreateToken();
  const created = create.data;
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      if (create.error !== null) create.reset();
      set(v);
    };

  const server = { ...fieldProblems(create.error) };
  if (server.name !== undefined) server.name = t('form.noName');
  if (server.roles !== undefined) server.roles = t('form.noRole');
  // Roles wider than the caller's (the list offers none, but the account may have changed meanwhile).
  if (create.error instanceof ApiError && create.error.code === 'auth.forbidden')
    server.roles = t('form.tooWide');
  const errors: Record<string, string> = { ...server };
  if (checked && name.trim() === '') errors.name = t('form.noName');
  if (checked && roles.length === 0) errors.roles = t('form.noRole');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (name.trim() === '' || roles.length === 0) return;
    create.mutate({ name: name.trim(), roles, expiresInDays: days }, { onSuccess: onCreated });
  };

  if (created !== undefined) {
    return (
      <Dialog open modalType="alert">
        <DialogSurface className={s.surface}>
          <DialogBody>
            <DialogTitle>{t('secret.title')}</DialogTitle>
            <DialogContent className={s.form}>
              <MessageBar intent="warning" role="alert">
                <MessageBarBody>{t('secret.warning')}</MessageBarBody>
              </MessageBar>
              <CopyField
                label={t('secret.label', { name: created.token.name })}
                value={created.secret}
                hint={t('secret.expires', { time: fmtInstant(locale, created.token.expiresAt) })}
              />
              <div>
                <Text weight="semibold" as="p" style={{ margin: '0 0 4px' }}>
                  {t('secret.try')}
                </Text>
                <pre className={s.code}>{curlExample(created.secret)}</pre>
              </div>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>
                {t('secret.done')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    );
  }

  return (
    <Dialog open onOpenChange={(_, d) => (d.open || create.isPending ? undefined : onClose())}>
      <DialogSurface className={s.surface}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>{t('form.title')}</DialogTitle>
            <DialogContent className={s.form}>
              <Field label={t('form.name')} hint={t('form.nameHint')} required {...fieldError(errors.name)}>
                <Input
                  value={name}
                  onChange={(_, d) => edited(setName)(d.value)}
                  maxLength={200}
                  name="name"
                />
              </Field>
              <RoleCheckboxes
                value={roles}
                onChange={edited(setRoles)}
                offered={ownRoles}
                error={errors.roles}
                label={t('form.roles')}
              />
              <Field label={t('form.expires')} {...fieldError(errors.expiresInDays)}>
                <Select value={String(days)} onChange={(_, d) => setDays(Number(d.value))}>
                  {EXPIRIES.map((n) => (
                    <option key={n} value={n}>
                      {n === 366 ? t('form.daysYear', { n }) : t('form.days', { n })}
                    </option>
                  ))}
                </Select>
              </Field>
              <MessageBar intent="info">
                <MessageBarBody>
                  <MessageBarTitle>{t('form.rolesHint')}</MessageBarTitle>
                  {t('form.scope')}
                </MessageBarBody>
              </MessageBar>
              <FailureBar error={create.error} fieldsShown={Object.keys(server).length > 0} />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={create.isPending}>
                {create.isPending ? a('working') : t('form.submit')}
              </Button>
              <Button onClick={onClose} disabled={create.isPending}>
                {a('cancel')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
