/**
 * An import's report (the same document `insights import` prints): the outcome in words, per file
 * what was read, stored and rejected, and every problem with file:line:column, the column's name,
 * the value found and what was expected; the rejected rows download when there are any.
 */
import {
  Badge,
  Button,
  MessageBar,
  MessageBarActions,
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
import { ArrowDownloadRegular, ErrorCircleRegular, WarningRegular } from '@fluentui/react-icons';
import type { ErrorHint, Problem, ImportReport as Report } from '@license-insights/contracts';
import { fmtInt } from '../../format';
import { type Translate, useLocale, useT } from '../../i18n';
import { importsMessages } from '../ImportsPage.messages';
import { problemWhere } from './helpers';

type Key = keyof (typeof importsMessages)['en'];

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px' },
  wrap: { overflowX: 'auto' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', '& > div': { justifyContent: 'flex-end' } },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
  },
  value: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: '0 4px',
    borderRadius: tokens.borderRadiusSmall,
    overflowWrap: 'anywhere',
  },
  muted: { color: tokens.colorNeutralForeground3 },
  severity: { display: 'inline-flex', alignItems: 'center', gap: '4px' },
  error: { color: tokens.colorPaletteRedForeground1 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  hint: { display: 'block', color: tokens.colorNeutralForeground2, marginTop: '2px' },
});

/** The words of a problem's hint, for the hints an upload can act on. */
function hintText(t: Translate<Key>, hint: ErrorHint | undefined): string | null {
  if (hint === undefined) return null;
  switch (hint.kind) {
    case 'name_customer':
    case 'name_report_period':
    case 'name_format':
    case 'create_customer':
    case 'use_customer':
    case 'omit_customer':
    case 'compute_metrics':
    case 'import_data':
      return t(`hint.${hint.kind}`);
    case 'search_catalog':
      return t('hint.search_catalog', { words: hint.words });
    default:
      return null;
  }
}

export function ProblemsTable({ problems }: { problems: readonly Problem[] }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const codeName = (code: string) => {
    const key = `code.${code}` as Key;
    return key in importsMessages.en ? t(key) : code;
  };
  return (
    <div className={s.wrap}>
      <Table size="small" aria-label={t('report.problems')} style={{ minWidth: 860 }}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: 110 }}>{t('report.severity')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 230 }}>{t('report.where')}</TableHeaderCell>
            <TableHeaderCell style={{ width: 130 }}>{t('report.field')}</TableHeaderCell>
            <TableHeaderCell>{t('report.value')}</TableHeaderCell>
            <TableHeaderCell>{t('report.expected')}</TableHeaderCell>
            <TableHeaderCell>{t('report.message')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {problems.map((p, i) => {
            const hint = hintText(t, p.hint);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no id; the list never reorders
              <TableRow key={i} data-problem={p.code}>
                <TableCell>
                  <span className={`${s.severity} ${p.severity === 'error' ? s.error : s.warning}`}>
                    {p.severity === 'error' ? <ErrorCircleRegular /> : <WarningRegular />}
                    {t(p.severity === 'error' ? 'report.error' : 'report.warning')}
                  </span>
                </TableCell>
                <TableCell className={s.code}>
                  {problemWhere(p)}
                  {p.line === undefined ? <span className={s.muted}> ({t('report.wholeFile')})</span> : null}
                </TableCell>
                <TableCell className={s.code}>{p.field ?? '—'}</TableCell>
                <TableCell>
                  {p.value === undefined ? (
                    '—'
                  ) : p.value === '' ? (
                    <span className={s.muted}>{t('report.empty')}</span>
                  ) : (
                    <span className={s.value}>{p.value}</span>
                  )}
                </TableCell>
                <TableCell>{p.expected ?? '—'}</TableCell>
                <TableCell>
                  <strong>{codeName(p.code)}</strong>: {p.message}
                  {hint === null ? null : <span className={s.hint}>{hint}</span>}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

export function ImportReport({ report }: { report: Report }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const problems = report.files.flatMap((f) => [...f.errors, ...f.warnings]);
  const rejectedRows = report.files.reduce((n, f) => n + f.rejected, 0);
  const truncated = report.files.filter((f) => f.errorCount > f.errors.length);

  const outcome = {
    committed: { intent: 'success' as const, text: t('report.committed') },
    unchanged: { intent: 'info' as const, text: t('report.unchanged') },
    rejected: { intent: 'error' as const, text: t('report.rejected', { n: report.errorCount }) },
    partial: { intent: 'warning' as const, text: t('report.partial', { n: rejectedRows }) },
  }[report.outcome];

  return (
    <div className={s.root} data-outcome={report.outcome}>
      <MessageBar intent={outcome.intent} layout="multiline">
        <MessageBarBody>
          {outcome.text}
          {report.warningCount > 0 ? ` ${t('report.warnings', { n: report.warningCount })}.` : null}
        </MessageBarBody>
        {report.rejectsFile === null ? null : (
          <MessageBarActions>
            <Button as="a" href={report.rejectsFile} download icon={<ArrowDownloadRegular />}>
              {t('report.rejects')}
            </Button>
          </MessageBarActions>
        )}
      </MessageBar>

      <Text as="h3" size={400} weight="semibold">
        {t('report.files')}
      </Text>
      <div className={s.wrap}>
        <Table size="small" aria-label={t('report.files')} style={{ minWidth: 720 }}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('report.file')}</TableHeaderCell>
              <TableHeaderCell>{t('report.kind')}</TableHeaderCell>
              <TableHeaderCell className={s.num}>{t('report.rows')}</TableHeaderCell>
              <TableHeaderCell className={s.num}>{t('report.inserted')}</TableHeaderCell>
              <TableHeaderCell className={s.num}>{t('report.updated')}</TableHeaderCell>
              <TableHeaderCell className={s.num}>{t('report.unchangedRows')}</TableHeaderCell>
              <TableHeaderCell className={s.num}>{t('report.rejectedRows')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.files.map((f) => (
              <TableRow key={f.file}>
                <TableCell className={s.code}>
                  {f.file}{' '}
                  {f.fileRejected ? (
                    <Badge color="danger" appearance="tint" icon={<ErrorCircleRegular />}>
                      {t('report.fileRejected')}
                    </Badge>
                  ) : null}
                </TableCell>
                <TableCell>
                  {f.kind === 'unknown'
                    ? t('report.kind.unknown')
                    : f.entity === null
                      ? f.kind
                      : `${f.kind} · ${f.entity}`}
                </TableCell>
                <TableCell className={s.num}>{fmtInt(locale, f.rows)}</TableCell>
                <TableCell className={s.num}>{fmtInt(locale, f.inserted)}</TableCell>
                <TableCell className={s.num}>{fmtInt(locale, f.updated)}</TableCell>
                <TableCell className={s.num}>{fmtInt(locale, f.unchanged)}</TableCell>
                <TableCell className={s.num}>{fmtInt(locale, f.rejected)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>

      <Text as="h3" size={400} weight="semibold">
        {t('report.problems')}
      </Text>
      {problems.length === 0 ? (
        <Text className={s.muted}>{t('report.noProblems')}</Text>
      ) : (
        <>
          <ProblemsTable problems={problems} />
          {truncated.map((f) => (
            <Text key={f.file} as="p" className={s.muted}>
              {t('report.more', { file: f.file, shown: f.errors.length, n: f.errorCount })}
            </Text>
          ))}
        </>
      )}
    </div>
  );
}
