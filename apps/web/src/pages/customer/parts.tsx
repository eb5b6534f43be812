/** Pieces the customer pages share: a titled section (h2), an in-app link, a figure tile, table styles. */
import { Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { MouseEvent, ReactNode } from 'react';
import { useNavigate } from 'react-router';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: '10px',
    padding: '16px 20px 20px',
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow2,
    minWidth: 0,
  },
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: '12px',
    justifyContent: 'space-between',
  },
  titles: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: '200px', flexGrow: 1 },
  h2: { margin: 0 },
  sub: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '8px' },
  tile: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: '10px 14px',
    minWidth: '120px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  tileLabel: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  tileValue: {
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase500,
    display: 'flex',
    alignItems: 'center',
    gap: '2px',
    fontVariantNumeric: 'tabular-nums',
  },
  tileNote: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase100, maxWidth: '220px' },
});

export function Section({
  id,
  title,
  subtitle,
  actions,
  children,
}: {
  id: string;
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const s = useStyles();
  return (
    <section className={s.section} aria-labelledby={`${id}-title`} data-section={id}>
      <div className={s.head}>
        <div className={s.titles}>
          <Text as="h2" id={`${id}-title`} size={500} weight="semibold" className={s.h2}>
            {title}
          </Text>
          {subtitle === undefined ? null : (
            <Text size={200} className={s.sub}>
              {subtitle}
            </Text>
          )}
        </div>
        {actions === undefined ? null : <div className={s.actions}>{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A Fluent link that moves within the app (a plain link for a new tab or window). */
export function RouterLink({ to, children }: { to: string; children: ReactNode }) {
  const navigate = useNavigate();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <Link href={to} onClick={onClick}>
      {children}
    </Link>
  );
}

export function Tile({ label, value, note }: { label: ReactNode; value: ReactNode; note?: ReactNode }) {
  const s = useStyles();
  return (
    <div className={s.tile}>
      <span className={s.tileLabel}>{label}</span>
      <span className={s.tileValue}>{value}</span>
      {note === undefined || note === null ? null : <span className={s.tileNote}>{note}</span>}
    </div>
  );
}

/**
 * Table styles: columns as wide as their content (Fluent's tables share the width equally), and
 * numbers right-aligned in their header cells too (a header cell's content is a flex box).
 */
export const useTableStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  table: { tableLayout: 'auto' },
  head: { fontWeight: tokens.fontWeightSemibold },
  numHead: { justifyContent: 'flex-end', textAlign: 'right' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
});
