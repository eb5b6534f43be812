import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  root: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: '12px', marginBottom: '16px' },
  titles: { flexGrow: 1, minWidth: '240px', display: 'flex', flexDirection: 'column', gap: '2px' },
  sub: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: '8px', alignItems: 'flex-end' },
});

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  const s = useStyles();
  return (
    <header className={s.root}>
      <div className={s.titles}>
        <Text as="h1" size={700} weight="semibold">
          {title}
        </Text>
        {subtitle === undefined ? null : <Text className={s.sub}>{subtitle}</Text>}
      </div>
      {actions === undefined ? null : <div className={s.actions}>{actions}</div>}
    </header>
  );
}
