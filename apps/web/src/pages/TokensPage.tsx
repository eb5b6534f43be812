/**
 * API tokens (every signed-in account): the caller's tokens with their roles, dates and state;
 * create one (roles at most the caller's, an expiry; the secret shown once), revoke one, and how
 * to call the API with it.
 */
import {
  Badge,
  Button,
  Link,
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
  AddRegular,
  CheckmarkCircleRegular,
  ClockDismissRegular,
  DeleteRegular,
  ProhibitedRegular,
} from '@fluentui/react-icons';
import type { ApiToken } from '@license-insights/contracts';
import { useEffect, useMemo, useState } from 'react';
import { useRevokeToken, useTokens } from '../api/admin';
import { useMe } from '../app/auth';
import { markReady } from '../app/ready';
import { PageHeader } from '../components/PageHeader';
import { Empty, QueryView } from '../components/states';
import { fmtInstant } from '../format';
import { useLocale, useT } from '../i18n';
import { adminMessages } from './admin/admin.messages';
import { CreateTokenDialog, curlExample } from './admin/CreateTokenDialog';
import { ConfirmDialog, RoleBadges, useNotify, VisuallyHidden } from './admin/shared';
import { tokensMessages } from './TokensPage.messages';

const useStyles = makeStyles({
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '860px' },
  count: { color: tokens.colorNeutralForeground3, marginBottom: '8px', display: 'block' },
  muted: { color: tokens.colorNeutralForeground3 },
  name: { fontWeight: tokens.fontWeightSemibold },
  inactiveRow: { '& td': { color: tokens.colorNeutralForeground3 } },
  usage: {
    marginTop: '32px',
    padding: '16px 20px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground2,
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
  },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: '8px 10px',
    borderRadius: tokens.borderRadiusMedium,
    overflowX: 'auto',
    whiteSpace: 'pre',
    margin: 0,
  },
  h2: { margin: 0 },
  date: { whiteSpace: 'nowrap' },
  rolesCell: { paddingTop: '6px', paddingBottom: '6px' },
  actionsCell: { width: '120px' },
});

type Status = 'active' | 'expired' | 'revoked';

function statusOf(token: ApiToken, now: number): Status {
  if (token.revokedAt !== null) return 'revoked';
  return Date.parse(token.expiresAt) <= now ? 'expired' : 'active';
}

export default function TokensPage() {
  const s = useStyles();
  const t = useT(tokensMessages);
  const a = useT(adminMessages);
  const { locale } = useLocale();
  const me = useMe();
  const list = useTokens();
  const revoke = useRevokeToken();
  const { toaster, notify } = useNotify();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  useEffect(() => {
    if (list.data !== undefined) markReady('tokens');
  }, [list.data]);

  // Active tokens first, newest first within each state.
  const rows = useMemo(() => {
    const now = Date.now();
    const order: Record<Status, number> = { active: 0, expired: 1, revoked: 2 };
    return (list.data?.tokens ?? [])
      .map((token) => ({ token, status: statusOf(token, now) }))
      .sort(
        (x, y) => order[x.status] - order[y.status] || y.token.createdAt.localeCompare(x.token.createdAt),
      );
  }, [list.data]);

  const ownRoles = me.data?.roles ?? [];
  // Only a browser session creates tokens (the API refuses a token making tokens).
  const canCreate = me.data?.via === 'session' && ownRoles.length > 0;

  return (
    <section>
      {toaster}
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          canCreate ? (
            <Button appearance="primary" icon={<AddRegular />} onClick={() => setCreating(true)}>
              {t('create')}
            </Button>
          ) : undefined
        }
      />
      <QueryView query={list}>
        {() =>
          rows.length === 0 ? (
            <Empty>{t('empty')}</Empty>
          ) : (
            <>
              <Text className={s.count}>{t('count', { n: rows.length })}</Text>
              <div className={s.tableWrap}>
                <Table className={s.table} aria-label={t('tableLabel')}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('col.name')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 250 }}>{t('col.roles')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.created')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.expires')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.lastUsed')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.status')}</TableHeaderCell>
                      <TableHeaderCell className={s.actionsCell}>
                        <VisuallyHidden>{t('col.actions')}</VisuallyHidden>
                      </TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map(({ token, status }) => (
                      <TableRow
                        key={token.tokenId}
                        className={status === 'active' ? undefined : s.inactiveRow}
                        data-token={token.tokenId}
                      >
                        <TableCell>
                          <Text className={s.name}>{token.name}</Text>
                        </TableCell>
                        <TableCell className={s.rolesCell}>
                          <RoleBadges roles={token.roles} />
                        </TableCell>
                        <TableCell className={s.date}>{fmtInstant(locale, token.createdAt)}</TableCell>
                        <TableCell className={s.date}>{fmtInstant(locale, token.expiresAt)}</TableCell>
                        <TableCell className={s.date}>
                          {token.lastUsedAt === null ? (
                            <Text className={s.muted}>{a('never')}</Text>
                          ) : (
                            fmtInstant(locale, token.lastUsedAt)
                          )}
                        </TableCell>
                        <TableCell>
                          {status === 'active' ? (
                            <Badge appearance="tint" color="success" icon={<CheckmarkCircleRegular />}>
                              {t('status.active')}
                            </Badge>
                          ) : status === 'expired' ? (
                            <Badge appearance="tint" color="warning" icon={<ClockDismissRegular />}>
                              {t('status.expired')}
                            </Badge>
                          ) : (
                            <Badge
                              appearance="tint"
                              color="danger"
                              icon={<ProhibitedRegular />}
                              title={t('revokedOn', { time: fmtInstant(locale, token.revokedAt ?? '') })}
                            >
                              {t('status.revoked')}
                            </Badge>
                          )}
                        </TableCell>
                        <TableCell>
                          {status === 'revoked' ? null : (
                            <Button
                              appearance="subtle"
                              icon={<DeleteRegular />}
                              aria-label={t('revokeLabel', { name: token.name })}
                              onClick={() => setRevoking(token)}
                            >
                              {t('revoke')}
                            </Button>
                          )}
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

      <section className={s.usage} aria-labelledby="token-usage">
        <Text as="h2" size={400} weight="semibold" id="token-usage" className={s.h2}>
          {t('usage.title')}
        </Text>
        <Text as="p" className={s.h2}>
          {t('usage.body')}{' '}
          <Link href="/api/docs" target="_blank" rel="noreferrer">
            /api/docs
          </Link>
        </Text>
        <Text className={s.muted}>{t('usage.example')}</Text>
        <pre className={s.code}>{curlExample('li_pat_…')}</pre>
      </section>

      {creating ? (
        <CreateTokenDialog
          ownRoles={ownRoles}
          onClose={() => setCreating(false)}
          onCreated={(created) => notify('success', t('created', { name: created.token.name }))}
        />
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        title={t('revoke.title', { name: revoking?.name ?? '' })}
        confirmLabel={t('revoke.confirm')}
        danger
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => {
          if (revoking === null) return;
          const name = revoking.name;
          revoke.mutate(revoking.tokenId, {
            onSuccess: () => {
              setRevoking(null);
              revoke.reset();
              notify('success', t('revoke.done', { name }));
            },
          });
        }}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
      >
        <Text as="p">{t('revoke.body')}</Text>
      </ConfirmDialog>
    </section>
  );
}
