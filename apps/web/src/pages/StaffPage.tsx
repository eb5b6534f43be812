/**
 * Partner staff (SPEC §5, user management admins): the accounts, their Partner Center roles, the
 * customers each sees, state and last sign-in; add one, change roles and customers, disable or
 * enable, and hand over a one-time sign-in link.
 */
import {
  Badge,
  Button,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
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
import {
  CheckmarkCircleRegular,
  EditRegular,
  LinkRegular,
  MoreHorizontalRegular,
  PersonAddRegular,
  PersonAvailableRegular,
  PersonProhibitedRegular,
  ProhibitedRegular,
} from '@fluentui/react-icons';
import type { StaffAccount } from '@license-insights/contracts';
import { useEffect, useMemo, useState } from 'react';
import { useStaff, useUpdateStaff } from '../api/admin';
import { ApiError } from '../api/http';
import { useMe } from '../app/auth';
import { markReady } from '../app/ready';
import { PageHeader } from '../components/PageHeader';
import { Empty, QueryView } from '../components/states';
import { fmtInstant } from '../format';
import { useLocale, useT } from '../i18n';
import { adminMessages } from './admin/admin.messages';
import { SignInLinkDialog } from './admin/SignInLinkDialog';
import { StaffFormDialog, type StaffFormMode } from './admin/StaffFormDialog';
import { ConfirmDialog, RoleBadges, ScopeText, useNotify, VisuallyHidden } from './admin/shared';
import { staffMessages } from './StaffPage.messages';

const useStyles = makeStyles({
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '1000px' },
  account: { display: 'flex', flexDirection: 'column', gap: '2px', padding: '6px 0' },
  name: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  count: { color: tokens.colorNeutralForeground3, marginBottom: '8px', display: 'block' },
  disabledRow: { '& td': { color: tokens.colorNeutralForeground3 } },
  actionsCell: { width: '56px' },
  date: { whiteSpace: 'nowrap' },
  rolesCell: { paddingTop: '6px', paddingBottom: '6px' },
});

type Pending = { kind: 'disable' | 'enable'; account: StaffAccount } | null;

export default function StaffPage() {
  const s = useStyles();
  const t = useT(staffMessages);
  const a = useT(adminMessages);
  const { locale } = useLocale();
  const me = useMe();
  const staff = useStaff();
  const update = useUpdateStaff();
  const { toaster, notify } = useNotify();
  const [form, setForm] = useState<StaffFormMode | null>(null);
  const [linkFor, setLinkFor] = useState<{ account: StaffAccount; justAdded: boolean } | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  useEffect(() => {
    if (staff.data !== undefined) markReady('staff');
  }, [staff.data]);

  const accounts = useMemo(
    () => [...(staff.data?.accounts ?? [])].sort((x, y) => x.email.localeCompare(y.email)),
    [staff.data],
  );

  const confirmState = () => {
    if (pending === null) return;
    const { kind, account } = pending;
    update.mutate(
      { accountId: account.accountId, change: { disabled: kind === 'disable' } },
      {
        onSuccess: () => {
          setPending(null);
          update.reset();
          notify('success', t(kind === 'disable' ? 'disable.done' : 'enable.done', { email: account.email }));
        },
      },
    );
  };

  const lastAdmin = update.error instanceof ApiError && update.error.code === 'conflict';

  return (
    <section aria-labelledby="staff-title">
      {toaster}
      <PageHeader
        title={<span id="staff-title">{t('title')}</span>}
        subtitle={t('subtitle')}
        actions={
          <Button appearance="primary" icon={<PersonAddRegular />} onClick={() => setForm({ kind: 'add' })}>
            {t('add')}
          </Button>
        }
      />
      <QueryView query={staff}>
        {() =>
          accounts.length === 0 ? (
            <Empty>{t('empty')}</Empty>
          ) : (
            <>
              <Text className={s.count}>{t('count', { n: accounts.length })}</Text>
              <div className={s.tableWrap}>
                <Table className={s.table} aria-label={t('tableLabel')}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('col.account')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 250 }}>{t('col.roles')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 230 }}>{t('col.scope')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 130 }}>{t('col.status')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 190 }}>{t('col.lastSignIn')}</TableHeaderCell>
                      <TableHeaderCell className={s.actionsCell}>
                        <VisuallyHidden>{t('col.actions')}</VisuallyHidden>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {accounts.map((acc) => (
                      <TableRow
                        key={acc.accountId}
                        className={acc.disabled ? s.disabledRow : undefined}
                        data-account={acc.email}
                      >
                        <TableCell>
                          <div className={s.account}>
                            <Text className={s.name}>
                              {acc.displayName ?? acc.email}{' '}
                              {acc.accountId === me.data?.accountId ? (
                                <Badge appearance="outline" size="small">
                                  {t('you')}
                                </Badge>
                              ) : null}
                            </Text>
                            {acc.displayName === null ? null : <Text className={s.muted}>{acc.email}</Text>}
                            <Text className={s.muted}>
                              {acc.oidcSubject !== null
                                ? t('signIn.oidc')
                                : acc.hasPassword
                                  ? t('signIn.password')
                                  : t('signIn.none')}
                            </Text>
                          </div>
                        </TableCell>
                        <TableCell className={s.rolesCell}>
                          <RoleBadges roles={acc.roles} />
                        </TableCell>
                        <TableCell className={s.rolesCell}>
                          <ScopeText scope={acc.scope} />
                        </TableCell>
                        <TableCell>
                          {acc.disabled ? (
                            <Badge appearance="tint" color="danger" icon={<ProhibitedRegular />}>
                              {t('disabled')}
                            </Badge>
                          ) : (
                            <Badge appearance="tint" color="success" icon={<CheckmarkCircleRegular />}>
                              {t('active')}
                            </Badge>
                          )}
                        </TableCell>
                        <TableCell className={s.date}>
                          {acc.lastSignInAt === null ? (
                            <Text className={s.muted}>{a('never')}</Text>
                          ) : (
                            fmtInstant(locale, acc.lastSignInAt)
                          )}
                        </TableCell>
                        <TableCell>
                          <Menu>
                            <MenuTrigger disableButtonEnhancement>
                              <Button
                                appearance="subtle"
                                icon={<MoreHorizontalRegular />}
                                aria-label={t('moreActions', { email: acc.email })}
                              />
                            </MenuTrigger>
                            <MenuPopover>
                              <MenuList>
                                <MenuItem
                                  icon={<EditRegular />}
                                  onClick={() => setForm({ kind: 'edit', account: acc })}
                                >
                                  {t('edit')}
                                </MenuItem>
                                <MenuItem
                                  icon={<LinkRegular />}
                                  disabled={acc.disabled}
                                  onClick={() => setLinkFor({ account: acc, justAdded: false })}
                                >
                                  {t('link')}
                                </MenuItem>
                                {acc.disabled ? (
                                  <MenuItem
                                    icon={<PersonAvailableRegular />}
                                    onClick={() => setPending({ kind: 'enable', account: acc })}
                                  >
                                    {t('enable')}
                                  </MenuItem>
                                ) : (
                                  <MenuItem
                                    icon={<PersonProhibitedRegular />}
                                    onClick={() => setPending({ kind: 'disable', account: acc })}
                                  >
                                    {t('disable')}
                                  </MenuItem>
                                )}
                              </MenuList>
                            </MenuPopover>
                          </Menu>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            </>
          )
        }
      </QueryView>

      {form === null ? null : (
        <StaffFormDialog
          mode={form}
          onClose={() => setForm(null)}
          onSaved={(account, added) => {
            setForm(null);
            if (added) setLinkFor({ account, justAdded: true });
            else notify('success', t('saved'), t('savedBody', { email: account.email }));
          }}
        />
      )}
      {linkFor === null ? null : (
        <SignInLinkDialog
          account={linkFor.account}
          justAdded={linkFor.justAdded}
          onClose={() => setLinkFor(null)}
        />
      )}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending === null
            ? ''
            : t(pending.kind === 'disable' ? 'disable.title' : 'enable.title', {
                email: pending.account.email,
              })
        }
        confirmLabel={t(pending?.kind === 'enable' ? 'enable.confirm' : 'disable.confirm')}
        danger={pending?.kind === 'disable'}
        busy={update.isPending}
        error={update.error}
        errorMessage={lastAdmin ? t('form.lastAdmin') : undefined}
        onConfirm={confirmState}
        onCancel={() => {
          setPending(null);
          update.reset();
        }}
      >
        <Text as="p">{t(pending?.kind === 'enable' ? 'enable.body' : 'disable.body')}</Text>
      </ConfirmDialog>
    </section>
  );
}
