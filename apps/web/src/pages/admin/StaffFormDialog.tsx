/**
 * Add a staff account (e-mail, name, roles, customers) or change one (name, roles, customers).
 * Fields are checked here for what a person forgets (no e-mail, no role); everything else is the
 * API's to judge, and its problems are shown at their fields.
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
  makeStyles,
} from '@fluentui/react-components';
import type { CustomerScope, Role, StaffAccount } from '@license-insights/contracts';
import { type FormEvent, useState } from 'react';
import { fieldProblems, useAddStaff, useUpdateStaff } from '../../api/admin';
import { ApiError } from '../../api/http';
import { useT } from '../../i18n';
import { staffMessages } from '../StaffPage.messages';
import { adminMessages } from './admin.messages';
import { ScopeEditor } from './ScopeEditor';
import { FailureBar, fieldError, RoleCheckboxes } from './shared';

const useStyles = makeStyles({
  surface: { maxWidth: '640px', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: '16px' },
});

const sameScope = (a: CustomerScope, b: CustomerScope) => JSON.stringify(a) === JSON.stringify(b);

export type StaffFormMode = { kind: 'add' } | { kind: 'edit'; account: StaffAccount };

export function StaffFormDialog({
  mode,
  onClose,
  onSaved,
}: {
  mode: StaffFormMode;
  onClose: () => void;
  onSaved: (account: StaffAccount, added: boolean) => void;
}) {
  const s = useStyles();
  const t = useT(staffMessages);
  const a = useT(adminMessages);
  const editing = mode.kind === 'edit' ? mode.account : null;
  const [email, setEmail] = useState(editing?.email ?? '');
  const [name, setName] = useState(editing?.displayName ?? '');
  const [roles, setRoles] = useState<Role[]>(editing === null ? [] : [...editing.roles]);
  const [scope, setScope] = useState<CustomerScope>(editing?.scope ?? null);
  const [checked, setChecked] = useState(false);
  const add = useAddStaff();
  const update = useUpdateStaff();
  const mutation = editing === null ? add : update;
  // A change to the form clears the last failure (its field messages no longer hold).
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      if (mutation.error !== null) mutation.reset();
      set(v);
    };

  // Local checks first (shown once the form was submitted), then the API's problems by field.
  const local: Record<string, string> = {};
  if (checked && editing === null && email.trim() === '') local.email = t('form.noEmail');
  if (checked && roles.length === 0) local.roles = t('form.noRole');
  const server = { ...fieldProblems(mutation.error) };
  // The API words its problems in English: the ones a person meets here, in the page's language.
  if (server.email !== undefined) server.email = t('form.badEmail');
  if (server.roles !== undefined) server.roles = t('form.noRole');
  const conflict = mutation.error instanceof ApiError && mutation.error.code === 'conflict';
  // Adding, a conflict is the e-mail taken; changing, it is the partner's last user management admin.
  if (conflict && editing === null) server.email = t('form.emailTaken');
  const errors: Record<string, string> = { ...server, ...local };
  const fieldsShown = Object.keys(server).length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if ((editing === null && email.trim() === '') || roles.length === 0) return;
    if (editing === null) {
      const displayName = name.trim();
      add.mutate(
        { email, roles, scope, ...(displayName === '' ? {} : { displayName }) },
        { onSuccess: (account) => onSaved(account, true) },
      );
    } else {
      const displayName = name.trim();
      update.mutate(
        {
          accountId: editing.accountId,
          change: {
            ...(roles.join() === editing.roles.join() ? {} : { roles }),
            ...(sameScope(scope, editing.scope) ? {} : { scope }),
            ...(displayName === '' || displayName === editing.displayName ? {} : { displayName }),
          },
        },
        { onSuccess: (account) => onSaved(account, false) },
      );
    }
  };

  const rightsChange =
    editing !== null && (roles.join() !== editing.roles.join() || !sameScope(scope, editing.scope));

  return (
    <Dialog open onOpenChange={(_, d) => (d.open || mutation.isPending ? undefined : onClose())}>
      <DialogSurface className={s.surface}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>
              {editing === null ? t('form.addTitle') : t('form.editTitle', { email: editing.email })}
            </DialogTitle>
            <DialogContent className={s.form}>
              {editing === null ? (
                <Field
                  label={t('form.email')}
                  hint={t('form.emailHint')}
                  required
                  {...fieldError(errors.email)}
                >
                  <Input
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(_, d) => edited(setEmail)(d.value)}
                    name="email"
                  />
                </Field>
              ) : null}
              <Field label={t('form.name')} hint={t('form.nameHint')} {...fieldError(errors.displayName)}>
                <Input
                  value={name}
                  onChange={(_, d) => edited(setName)(d.value)}
                  name="displayName"
                  maxLength={200}
                />
              </Field>
              <RoleCheckboxes
                value={roles}
                onChange={setRoles}
                error={errors.roles}
                label={t('form.roles')}
              />
              <ScopeEditor value={scope} onChange={edited(setScope)} errors={errors} />
              {rightsChange && editing !== null ? (
                <MessageBar intent="warning">
                  <MessageBarBody>{t('form.editWarning', { email: editing.email })}</MessageBarBody>
                </MessageBar>
              ) : null}
              <FailureBar
                error={mutation.error}
                fieldsShown={fieldsShown}
                {...(conflict && editing !== null ? { message: t('form.lastAdmin') } : {})}
              />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={mutation.isPending}>
                {mutation.isPending
                  ? a('working')
                  : editing === null
                    ? t('form.submitAdd')
                    : t('form.submitEdit')}
              </Button>
              <Button onClick={onClose} disabled={mutation.isPending}>
                {a('cancel')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
