/**
 * The frame around every signed-in page: a header (product, language, theme, account), the
 * navigation — only the pages the roles allow (SPEC §5) — and the page itself.
 */
import {
  Button,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  makeStyles,
  mergeClasses,
  Text,
  ToggleButton,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowUploadRegular,
  BookRegular,
  DataUsageRegular,
  DocumentSearchRegular,
  KeyRegular,
  LightbulbRegular,
  LocalLanguageRegular,
  PeopleRegular,
  PersonCircleRegular,
  SettingsRegular,
  WeatherMoonRegular,
  WeatherSunnyRegular,
} from '@fluentui/react-icons';
import type { Principal, Right } from '@license-insights/contracts';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router';
import { z } from 'zod';
import { apiSend, rememberCsrfToken } from '../api/http';
import { useLocale, useT } from '../i18n';
import { can } from './auth';
import { shellMessages } from './shell.messages';
import { useTheme } from './theme';

type NavKey = 'insights' | 'recommendations' | 'imports' | 'settings' | 'staff' | 'tokens' | 'audit';

/** The pages and the right each needs (null: every signed-in account). */
export const NAV: readonly { key: NavKey; path: string; right: Right | null; icon: ReactNode }[] = [
  { key: 'insights', path: '/insights', right: 'read_aggregates', icon: <DataUsageRegular /> },
  { key: 'recommendations', path: '/recommendations', right: 'read_aggregates', icon: <LightbulbRegular /> },
  { key: 'imports', path: '/imports', right: 'manage_data', icon: <ArrowUploadRegular /> },
  { key: 'settings', path: '/settings', right: 'manage_data', icon: <SettingsRegular /> },
  { key: 'staff', path: '/staff', right: 'manage_staff', icon: <PeopleRegular /> },
  { key: 'tokens', path: '/tokens', right: null, icon: <KeyRegular /> },
  { key: 'audit', path: '/audit', right: 'read_audit', icon: <DocumentSearchRegular /> },
];

const useStyles = makeStyles({
  root: {
    display: 'grid',
    gridTemplateColumns: '220px 1fr',
    gridTemplateRows: '48px 1fr',
    minHeight: '100vh',
  },
  header: {
    gridColumn: '1 / 3',
    display: 'flex',
    alignItems: 'center',
    gap: '8px',
    padding: '0 12px 0 16px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { flexGrow: 1, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  headerButton: { color: tokens.colorNeutralForegroundOnBrand, minWidth: 'auto' },
  nav: {
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
    padding: '8px 0',
    display: 'flex',
    flexDirection: 'column',
  },
  link: {
    display: 'flex',
    alignItems: 'center',
    gap: '10px',
    padding: '8px 16px',
    margin: '1px 8px',
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    fontSize: tokens.fontSizeBase300,
    ':hover': { backgroundColor: tokens.colorNeutralBackground2Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandForeground1}`,
  },
  spacer: { flexGrow: 1 },
  main: { padding: '20px 28px 40px', minWidth: 0, backgroundColor: tokens.colorNeutralBackground1 },
  skip: {
    position: 'absolute',
    left: '-9999px',
    ':focus': {
      left: '8px',
      top: '8px',
      zIndex: 10,
      padding: '8px',
      backgroundColor: tokens.colorNeutralBackground1,
    },
  },
});

export function Shell({ principal, children }: { principal: Principal; children: ReactNode }) {
  const s = useStyles();
  const t = useT(shellMessages);
  const { locale, setLocale } = useLocale();
  const { theme, setTheme } = useTheme();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const signOut = async () => {
    try {
      await apiSend('POST', '/api/v1/auth/sign-out', z.unknown());
    } finally {
      rememberCsrfToken(null);
      queryClient.clear();
      navigate('/sign-in');
    }
  };

  return (
    <div className={s.root}>
      <a className={s.skip} href="#main">
        {t('skip')}
      </a>
      <header className={s.header}>
        <Text className={s.brand}>{t('brand')}</Text>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button
              appearance="transparent"
              className={s.headerButton}
              icon={<LocalLanguageRegular />}
              aria-label={`${t('language')}: ${locale === 'pl' ? 'Polski' : 'English'}`}
            >
              {locale === 'pl' ? 'Polski' : 'English'}
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem onClick={() => setLocale('en')} lang="en">
                English
              </MenuItem>
              <MenuItem onClick={() => setLocale('pl')} lang="pl">
                Polski
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
        <Tooltip content={t(theme === 'dark' ? 'theme.light' : 'theme.dark')} relationship="label">
          <ToggleButton
            appearance="transparent"
            className={s.headerButton}
            checked={theme === 'dark'}
            icon={theme === 'dark' ? <WeatherSunnyRegular /> : <WeatherMoonRegular />}
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          />
        </Tooltip>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button appearance="transparent" className={s.headerButton} icon={<PersonCircleRegular />}>
              {principal.displayName ?? principal.email}
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem disabled>{principal.email}</MenuItem>
              {principal.roles.map((r) => (
                <MenuItem key={r} disabled>
                  {t(`role.${r}`)}
                </MenuItem>
              ))}
              {principal.scope === null ? null : <MenuItem disabled>{t('scoped')}</MenuItem>}
              <MenuItem onClick={signOut}>{t('signOut')}</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      </header>
      <nav className={s.nav} aria-label={t('navLabel')}>
        {NAV.filter((n) => n.right === null || can(principal, n.right)).map((n) => (
          <NavLink
            key={n.key}
            to={n.path}
            data-nav={n.key}
            className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}
          >
            {n.icon}
            {t(`nav.${n.key}`)}
          </NavLink>
        ))}
        <div className={s.spacer} />
        <a className={s.link} href="/api/docs" target="_blank" rel="noreferrer">
          <BookRegular />
          {t('nav.apiDocs')}
        </a>
      </nav>
      <main id="main" className={s.main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
