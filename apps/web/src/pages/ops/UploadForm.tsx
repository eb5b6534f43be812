/**
 * The upload of an import: files chosen or dropped, the options the API takes (format, the customer
 * of exports without a tenant id, the report period, the as-of day, the channel, partial, compute
 * after), and the bytes sent as a progress bar (XMLHttpRequest), with cancel. Answers the job the
 * server queued.
 */
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  ProgressBar,
  Radio,
  RadioGroup,
  Select,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { CloudArrowUpRegular, DeleteRegular, DismissRegular, DocumentRegular } from '@fluentui/react-icons';
import { CHANNELS, FORMATS, type Job, MAX_UPLOAD_FILES } from '@license-insights/contracts';
import { useRef, useState } from 'react';
import { type UploadFields, uploadImport } from '../../api/ops';
import { fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { importsMessages } from '../ImportsPage.messages';
import { fmtBytes } from './helpers';
import { FailureBar } from './notify';

const PERIODS = ['D7', 'D30', 'D90', 'D180'] as const;

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '16px' },
  drop: {
    border: `2px dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: '24px',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    gap: '8px',
    textAlign: 'center',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  dragging: {
    border: `2px dashed ${tokens.colorBrandStroke1}`,
    backgroundColor: tokens.colorBrandBackground2,
  },
  dropLine: { display: 'flex', alignItems: 'center', gap: '8px', flexWrap: 'wrap', justifyContent: 'center' },
  icon: { fontSize: '32px', color: tokens.colorBrandForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', '& > div': { justifyContent: 'flex-end' } },
  fileName: { display: 'inline-flex', alignItems: 'center', gap: '6px', overflowWrap: 'anywhere' },
  options: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))',
    gap: '16px 24px',
    alignItems: 'start',
    paddingTop: '8px',
  },
  wide: { gridColumn: '1 / -1' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  hidden: { display: 'none' },
  srOnly: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
});

type CustomerMode = 'none' | 'existing' | 'new';

export function UploadForm({ onStarted }: { onStarted: (job: Job) => void }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [format, setFormat] = useState('');
  const [customerMode, setCustomerMode] = useState<CustomerMode>('none');
  const [customer, setCustomer] = useState('');
  const [period, setPeriod] = useState('');
  const [asOf, setAsOf] = useState('');
  const [channel, setChannel] = useState('');
  const [partial, setPartial] = useState(false);
  const [compute, setCompute] = useState(true);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cancelled, setCancelled] = useState(false);
  const [tried, setTried] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const add = (list: FileList | null) => {
    if (list === null) return;
    setFiles((prev) => {
      const seen = new Set(prev.map((f) => `${f.name}|${f.size}|${f.lastModified}`));
      return [...prev, ...Array.from(list).filter((f) => !seen.has(`${f.name}|${f.size}|${f.lastModified}`))];
    });
    setError(null);
    setCancelled(false);
  };

  const total = files.reduce((n, f) => n + f.size, 0);
  const tooMany = files.length > MAX_UPLOAD_FILES;
  const customerMissing = customerMode !== 'none' && customer.trim() === '';
  const uploading = progress !== null;

  const submit = async () => {
    setTried(true);
    if (files.length === 0 || tooMany || customerMissing || uploading) return;
    const fields: UploadFields = {
      format: format || undefined,
      customer: customerMode === 'existing' ? customer.trim() : undefined,
      createCustomer: customerMode === 'new' ? customer.trim() : undefined,
      period: period || undefined,
      asOf: asOf || undefined,
      channel: channel || undefined,
      partial: partial ? 'true' : 'false',
      compute: compute ? 'true' : 'false',
    };
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setCancelled(false);
    setProgress({ sent: 0, total });
    try {
      const job = await uploadImport(
        files,
        fields,
        (sent, all) => setProgress({ sent, total: all }),
        controller.signal,
      );
      setFiles([]);
      setTried(false);
      onStarted(job);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') setCancelled(true);
      else setError(e);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const pct = progress === null || progress.total === 0 ? 0 : progress.sent / progress.total;

  return (
    <form
      className={s.form}
      // Checked here, with messages in the language (not the browser's bubbles).
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the button chooses files by keyboard */}
      <div
        className={mergeClasses(s.drop, dragging && s.dragging)}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (!uploading) add(e.dataTransfer.files);
        }}
      >
        <CloudArrowUpRegular className={s.icon} aria-hidden="true" />
        <div className={s.dropLine}>
          <Text>{t('upload.drop')}</Text>
          <Button onClick={() => input.current?.click()} disabled={uploading}>
            {t('upload.choose')}
          </Button>
        </div>
        <Text size={200} className={s.muted}>
          {t('upload.formats', { max: MAX_UPLOAD_FILES })}
        </Text>
        <input
          ref={input}
          type="file"
          multiple
          className={s.hidden}
          accept=".csv,.ndjson,.jsonl,.json,.txt,text/csv,application/json"
          onChange={(e) => {
            add(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
          tabIndex={-1}
          aria-hidden="true"
        />
      </div>

      {files.length === 0 ? (
        tried ? (
          <MessageBar intent="warning">
            <MessageBarBody>{t('upload.none')}</MessageBarBody>
          </MessageBar>
        ) : null
      ) : (
        <div>
          <Table size="small" aria-label={t('upload.files')}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('upload.file')}</TableHeaderCell>
                <TableHeaderCell className={s.num} style={{ width: 120 }}>
                  {t('upload.size')}
                </TableHeaderCell>
                <TableHeaderCell style={{ width: 48 }}>
                  <span className={s.srOnly}>{t('upload.actions')}</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {files.map((f, i) => (
                <TableRow key={`${f.name}|${f.size}|${f.lastModified}`}>
                  <TableCell>
                    <span className={s.fileName}>
                      <DocumentRegular aria-hidden="true" />
                      {f.name}
                    </span>
                  </TableCell>
                  <TableCell className={s.num}>{fmtBytes(locale, f.size)}</TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      appearance="subtle"
                      icon={<DeleteRegular />}
                      disabled={uploading}
                      aria-label={t('upload.remove', { name: f.name })}
                      onClick={() => setFiles((prev) => prev.filter((_, j) => j !== i))}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Text as="p" block className={s.muted}>
            {t('upload.total', { n: files.length, size: fmtBytes(locale, total) })}
          </Text>
        </div>
      )}
      {tooMany ? (
        <MessageBar intent="error">
          <MessageBarBody>{t('upload.tooMany', { max: MAX_UPLOAD_FILES })}</MessageBarBody>
        </MessageBar>
      ) : null}

      <Accordion collapsible defaultOpenItems={[]}>
        <AccordionItem value="options">
          <AccordionHeader>
            {t('upload.options')}
            <Text size={200} className={s.muted} style={{ marginLeft: 8 }}>
              {t('upload.optionsHint')}
            </Text>
          </AccordionHeader>
          <AccordionPanel>
            <div className={s.options}>
              <Field label={t('upload.format')}>
                <Select value={format} onChange={(_e, d) => setFormat(d.value)}>
                  <option value="">{t('upload.format.auto')}</option>
                  {FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {t(`upload.format.${f}`)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label={t('upload.period')}>
                <Select value={period} onChange={(_e, d) => setPeriod(d.value)}>
                  <option value="">{t('upload.period.auto')}</option>
                  {PERIODS.map((p) => (
                    <option key={p} value={p}>
                      {t(`upload.period.${p}`)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label={t('upload.customerMode')} className={s.wide}>
                <RadioGroup
                  layout="horizontal"
                  value={customerMode}
                  onChange={(_e, d) => setCustomerMode(d.value as CustomerMode)}
                >
                  <Radio value="none" label={t('upload.customerMode.none')} />
                  <Radio value="existing" label={t('upload.customerMode.existing')} />
                  <Radio value="new" label={t('upload.customerMode.new')} />
                </RadioGroup>
              </Field>
              {customerMode === 'none' ? null : (
                <Field
                  label={t(customerMode === 'new' ? 'upload.createCustomer' : 'upload.customer')}
                  required
                  validationState={tried && customerMissing ? 'error' : 'none'}
                  validationMessage={tried && customerMissing ? t('upload.customerMissing') : null}
                >
                  <Input value={customer} maxLength={1000} onChange={(_e, d) => setCustomer(d.value)} />
                </Field>
              )}
              <Field label={t('upload.asOf')} hint={t('upload.asOfHint')}>
                <Input type="date" value={asOf} onChange={(_e, d) => setAsOf(d.value)} />
              </Field>
              <Field label={t('upload.channel')}>
                <Select value={channel} onChange={(_e, d) => setChannel(d.value)}>
                  {(['direct', ...CHANNELS.filter((c) => c !== 'direct')] as const).map((c) => (
                    <option key={c} value={c === 'direct' ? '' : c}>
                      {t(`upload.channel.${c}`)}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
          </AccordionPanel>
        </AccordionItem>
      </Accordion>

      <Field hint={t('upload.partialHint')}>
        <Switch checked={partial} onChange={(_e, d) => setPartial(d.checked)} label={t('upload.partial')} />
      </Field>
      <Switch checked={compute} onChange={(_e, d) => setCompute(d.checked)} label={t('upload.compute')} />

      {progress === null ? null : (
        <Field
          label={t('upload.progressLabel')}
          validationState="none"
          validationMessageIcon={null}
          validationMessage={t('upload.uploading', {
            sent: fmtBytes(locale, progress.sent),
            total: fmtBytes(locale, progress.total),
            pct: fmtPct(locale, pct * 100, 0),
          })}
        >
          <ProgressBar value={pct} max={1} thickness="large" />
        </Field>
      )}
      {cancelled ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('upload.cancelled')}</MessageBarBody>
        </MessageBar>
      ) : null}
      {error === null ? null : <FailureBar error={error} />}

      <div className={s.actions}>
        <Button appearance="primary" type="submit" icon={<CloudArrowUpRegular />} disabled={uploading}>
          {t('upload.submit')}
        </Button>
        {uploading ? (
          <Button icon={<DismissRegular />} onClick={() => abort.current?.abort()}>
            {t('upload.cancel')}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
