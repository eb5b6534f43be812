/** A link to a page of the app, drawn as Fluent draws links (react-router navigation, no reload). */
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

const useStyles = makeStyles({
  link: {
    color: tokens.colorBrandForegroundLink,
    // Underlined: a link is told from the text around it by more than its colour.
    textDecorationLine: 'underline',
    textUnderlineOffset: '2px',
    ':hover': { color: tokens.colorBrandForegroundLinkHover, textDecorationThickness: '2px' },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: '2px' },
  },
});

export function AppLink({
  to,
  children,
  className,
}: {
  to: string;
  children: ReactNode;
  className?: string;
}) {
  const s = useStyles();
  return (
    <Link to={to} className={mergeClasses(s.link, className)}>
      {children}
    </Link>
  );
}
