/**
 * The customer groups (GET /api/v1/groups) with how many customers each holds, read-only: groups
 * come from customers.csv and change by importing it again.
 */
import {
  MessageBar,
  MessageBarBody,
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
import { useQuery } from '@tanstack/react-query';
import { groupsQuery } from '../../api/ops';
import { Empty, QueryView } from '../../components/states';
import { fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { settingsMessages } from '../SettingsPage.messages';
import { AppLink } from './AppLink';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '720px' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', '& > div': { justifyContent: 'flex-end' } },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function GroupsView() {
  const s = useStyles();
  const t = useT(settingsMessages);
  const { locale } = useLocale();
  const query = useQuery(groupsQuery());
  return (
    <div className={s.root}>
      <Text>{t('groups.intro')}</Text>
      <MessageBar intent="info">
        <MessageBarBody>
          {t('groups.how')} <AppLink to="/imports">{t('groups.importLink')}</AppLink>
        </MessageBarBody>
      </MessageBar>
      <QueryView query={query}>
        {(data) =>
          data.groups.length === 0 ? (
            <Empty>{t('groups.empty')}</Empty>
          ) : (
            <>
              <Table size="small" aria-label={t('groups.title')}>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>{t('groups.group')}</TableHeaderCell>
                    <TableHeaderCell className={s.num}>{t('groups.customers')}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.groups.map((g) => (
                    <TableRow key={g.group}>
                      <TableCell>{g.group}</TableCell>
                      <TableCell className={s.num}>{fmtInt(locale, g.customers)}</TableCell>
                    </TableRow>
                  ))}
                  <TableRow>
                    <TableCell className={s.muted}>{t('groups.ungrouped')}</TableCell>
                    <TableCell className={s.num}>{fmtInt(locale, data.ungrouped)}</TableCell>
                  </TableRow>
                </TableBody>
              </Table>
              <Text className={s.muted}>{t('groups.total', { n: data.customers })}</Text>
            </>
          )
        }
      </QueryView>
    </div>
  );
}
