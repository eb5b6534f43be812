/**
 * The exclusions (GET /api/v1/exclusions, with names) as a table; an admin agent removes one after
 * a confirmation (DELETE /api/v1/exclusions/:customerId/:productId).
 */
import {
  Button,
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
import { DeleteRegular } from '@fluentui/react-icons';
import { ALL_PRODUCTS, type NamedExclusion } from '@license-insights/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { exclusionsQuery, removeExclusion } from '../../api/ops';
import { Empty, QueryView } from '../../components/states';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { AppLink } from './AppLink';
import { ConfirmDialog } from './ConfirmDialog';
import { FailureBar, useNotify } from './notify';
import { opsMessages } from './ops.messages';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  table: { minWidth: '720px' },
  muted: { color: tokens.colorNeutralForeground3 },
  reason: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
});

export function useExclusionNames() {
  const t = useT(opsMessages);
  return {
    customer: (e: Pick<NamedExclusion, 'customerId' | 'customerName'>) =>
      e.customerName ?? t('exclusions.unknownName', { id: e.customerId }),
    product: (e: Pick<NamedExclusion, 'productId' | 'productName'>) =>
      e.productId === ALL_PRODUCTS
        ? t('exclusions.allProducts')
        : (e.productName ?? t('exclusions.unknownName', { id: e.productId })),
  };
}

export function ExclusionsTable({ canManage }: { canManage: boolean }) {
  const s = useStyles();
  const t = useT(opsMessages);
  const { locale } = useLocale();
  const names = useExclusionNames();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const query = useQuery(exclusionsQuery());
  const [asked, setAsked] = useState<NamedExclusion | null>(null);

  const remove = useMutation({
    mutationFn: (e: NamedExclusion) => removeExclusion(e.customerId, e.productId),
    onSuccess: (_r, e) => {
      void queryClient.invalidateQueries({ queryKey: ['exclusions'] });
      void queryClient.invalidateQueries({ queryKey: ['recommendations'] });
      void queryClient.invalidateQueries({ queryKey: ['settings', 'log'] });
      notify.success(t('exclusions.removed', { customer: names.customer(e), product: names.product(e) }));
      setAsked(null);
    },
  });

  return (
    <QueryView query={query}>
      {(list) =>
        list.length === 0 ? (
          <Empty>{t('exclusions.empty')}</Empty>
        ) : (
          <div className={s.wrap}>
            <Table className={s.table} size="small" aria-label={t('exclusions.title')}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('exclusions.customer')}</TableHeaderCell>
                  <TableHeaderCell>{t('exclusions.product')}</TableHeaderCell>
                  <TableHeaderCell>{t('exclusions.reason')}</TableHeaderCell>
                  <TableHeaderCell>{t('exclusions.by')}</TableHeaderCell>
                  <TableHeaderCell>{t('exclusions.at')}</TableHeaderCell>
                  {canManage ? <TableHeaderCell>{t('exclusions.actions')}</TableHeaderCell> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.map((e) => (
                  <TableRow key={`${e.customerId}|${e.productId}`}>
                    <TableCell>
                      {e.customerName === null ? (
                        <span className={s.muted}>{names.customer(e)}</span>
                      ) : (
                        <AppLink to={`/customers/${encodeURIComponent(e.customerId)}`}>
                          {e.customerName}
                        </AppLink>
                      )}
                    </TableCell>
                    <TableCell>
                      <span
                        className={
                          e.productName === null && e.productId !== ALL_PRODUCTS ? s.muted : undefined
                        }
                      >
                        {names.product(e)}
                      </span>
                    </TableCell>
                    <TableCell className={s.reason}>{e.reason}</TableCell>
                    <TableCell>{e.createdBy}</TableCell>
                    <TableCell>{fmtInstant(locale, e.createdAt)}</TableCell>
                    {canManage ? (
                      <TableCell>
                        <Button
                          size="small"
                          appearance="subtle"
                          icon={<DeleteRegular />}
                          aria-label={t('exclusions.removeLabel', {
                            customer: names.customer(e),
                            product: names.product(e),
                          })}
                          onClick={() => {
                            remove.reset();
                            setAsked(e);
                          }}
                        >
                          {t('exclusions.remove')}
                        </Button>
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {canManage ? null : (
              <Text as="p" block className={s.muted}>
                {t('exclusions.readOnly')}
              </Text>
            )}
            <ConfirmDialog
              open={asked !== null}
              title={t('exclusions.confirmTitle')}
              confirmLabel={t('exclusions.remove')}
              busy={remove.isPending}
              onCancel={() => setAsked(null)}
              onConfirm={() => {
                if (asked !== null) remove.mutate(asked);
              }}
            >
              <Text as="p" block>
                {asked === null
                  ? null
                  : t('exclusions.confirmText', {
                      customer: names.customer(asked),
                      product: names.product(asked),
                    })}
              </Text>
              {remove.error ? <FailureBar error={remove.error} /> : null}
            </ConfirmDialog>
          </div>
        )
      }
    </QueryView>
  );
}
