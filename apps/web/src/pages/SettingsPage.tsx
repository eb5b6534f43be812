/**
 * Settings (SPEC §4–§5, admin agents): the playbook's thresholds as a form, the exclusions (remove),
 * the customer groups and the product catalog with the partner's overrides (both read-only here:
 * they change by import), and the change log. The section shown is in the URL (`tab`).
 */
import { makeStyles, Tab, TabList, Text, tokens } from '@fluentui/react-components';
import { useEffect } from 'react';
import { can, useMe } from '../app/auth';
import { clearReady, markReady } from '../app/ready';
import { useSearchState } from '../app/search-state';
import { PageHeader } from '../components/PageHeader';
import { useT } from '../i18n';
import { CatalogView } from './ops/CatalogView';
import { ExclusionsTable } from './ops/ExclusionsTable';
import { GroupsView } from './ops/GroupsView';
import { OpsToaster } from './ops/notify';
import { opsMessages } from './ops/ops.messages';
import { SettingsLog } from './ops/SettingsLog';
import { ThresholdsForm } from './ops/ThresholdsForm';
import { settingsMessages } from './SettingsPage.messages';

const TABS = ['thresholds', 'exclusions', 'groups', 'catalog', 'log'] as const;
type TabName = (typeof TABS)[number];

const useStyles = makeStyles({
  tabs: { marginBottom: '16px', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  panel: { display: 'flex', flexDirection: 'column', gap: '12px' },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

export default function SettingsPage() {
  const s = useStyles();
  const t = useT(settingsMessages);
  const ops = useT(opsMessages);
  const me = useMe();
  const canManage = can(me.data, 'manage_data');
  const canLog = can(me.data, 'read_audit');
  const { get, set } = useSearchState();
  const tabs = TABS.filter((x) => x !== 'log' || canLog);
  const asked = get('tab');
  const tab: TabName = tabs.find((x) => x === asked) ?? 'thresholds';

  useEffect(() => {
    clearReady();
    markReady('settings');
  }, []);

  const title: Record<TabName, string> = {
    thresholds: t('thresholds.title'),
    exclusions: t('tab.exclusions'),
    groups: t('groups.title'),
    catalog: t('catalog.title'),
    log: t('log.title'),
  };

  return (
    <>
      <OpsToaster />
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <TabList
        className={s.tabs}
        selectedValue={tab}
        aria-label={t('tabs')}
        // Another section drops the catalog search (`q`) of the one before.
        onTabSelect={(_e, d) => set({ tab: d.value === 'thresholds' ? null : String(d.value), q: null })}
      >
        {tabs.map((x) => (
          <Tab key={x} value={x} id={`tab-${x}`} aria-controls={`panel-${x}`}>
            {t(`tab.${x}`)}
          </Tab>
        ))}
      </TabList>
      <section className={s.panel} id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <Text as="h2" size={500} weight="semibold" className={s.heading}>
          {title[tab]}
        </Text>
        {tab === 'thresholds' ? (
          <>
            <Text className={s.muted}>{t('thresholds.intro')}</Text>
            <ThresholdsForm canManage={canManage} />
          </>
        ) : tab === 'exclusions' ? (
          <>
            <Text className={s.muted}>{ops('exclusions.intro')}</Text>
            <ExclusionsTable canManage={canManage} />
          </>
        ) : tab === 'groups' ? (
          <GroupsView />
        ) : tab === 'catalog' ? (
          <CatalogView />
        ) : (
          <>
            <Text className={s.muted}>{t('log.intro')}</Text>
            <SettingsLog />
          </>
        )}
      </section>
    </>
  );
}
