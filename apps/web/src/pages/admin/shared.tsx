/**
 * Pieces the admin pages share: role badges and role check boxes (Partner Center's role names),
 * a read-only secret with a copy button, a confirmation dialog, toasts, a customer scope in words,
 * and a failure shown in a form.
 */
import {
  Badge,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Text,
  Toast,
  ToastBody,
  Toaster,
  ToastTitle,
  tokens,
  useId,
  useToastController,
} from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular, ErrorCircleRegular } from '@fluentui/react-icons';
import { type CustomerScope, ROLES, type Role } from '@license-insights/contracts';
import { type ReactNode, useCallback, useRef, useState } from 'react';
import { useCustomer } from '../../api/admin';
import { commonMessages } from '../../components/common.messages';
import { errorText } from '../../components/states';
import { useT } from '../../i18n';
import { adminMessages } from './admin.messages';

const useStyles = makeStyles({
  badges: { display: 'flex', flexWrap: 'wrap', gap: '4px' },
  // A long role name (Polish) wraps inside its badge rather than out of the column.
  badge: { height: 'auto', minHeight: '20px', whiteSpace: 'normal', textAlign: 'start' },
  roleBox: { display: 'flex', flexDirection: 'column', gap: '4px' },
  roleRow: { display: 'flex', flexDirection: 'column' },
  fieldset: { border: 'none', margin: 0, padding: 0, minWidth: 0 },
  legend: {
    padding: 0,
    marginBottom: '4px',
    fontWeight: tokens.fontWeightRegular,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    color: tokens.colorNeutralForeground1,
  },
  required: { color: tokens.colorPaletteRedForeground3 },
  error: {
    display: 'flex',
    alignItems: 'center',
    gap: '4px',
    color: tokens.colorPaletteRedForeground1,
    fontSize: tokens.fontSizeBase200,
  },
  roleHelp: {
    display: 'block',
    margin: 0,
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    paddingLeft: '32px',
    marginTop: '-6px',
  },
  copyRow: { display: 'flex', gap: '8px', alignItems: 'center' },
  copyInput: { flexGrow: 1, minWidth: 0, fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground3 },
  srOnly: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

/** A Field's validation props for an error message (none when undefined). */
export function fieldError(message: string | undefined): {
  validationState: 'error' | 'none';
  validationMessage: string | null;
} {
  return message === undefined
    ? { validationState: 'none', validationMessage: null }
    : { validationState: 'error', validationMessage: message };
}

/** Text for screen readers only (a header cell of a column of buttons). */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className={useStyles().srOnly}>{children}</span>;
}

export function RoleBadges({ roles }: { roles: readonly Role[] }) {
  const s = useStyles();
  const t = useT(adminMessages);
  return (
    <span className={s.badges}>
      {roles.map((r) => (
        <Badge key={r} appearance="tint" color="brand" shape="rounded" className={s.badge}>
          {t(`role.${r}`)}
        </Badge>
      ))}
    </span>
  );
}

/** The three roles as check boxes, each with what it allows; `offered` limits the choice. */
export function RoleCheckboxes({
  value,
  onChange,
  offered = ROLES,
  error,
  label,
}: {
  value: readonly Role[];
  onChange: (roles: Role[]) => void;
  offered?: readonly Role[];
  error?: string | undefined;
  label?: string;
}) {
  const s = useStyles();
  const t = useT(adminMessages);
  const toggle = (r: Role, on: boolean) =>
    onChange(ROLES.filter((x) => (x === r ? on : value.includes(x)) && offered.includes(x)));
  const errorId = useId('roles-error');
  return (
    <fieldset
      className={s.fieldset}
      aria-invalid={error === undefined ? undefined : true}
      aria-describedby={error === undefined ? undefined : errorId}
    >
      <legend className={s.legend}>
        {label ?? t('roles')}
        <span className={s.required} aria-hidden="true">
          {' *'}
        </span>
      </legend>
      <div className={s.roleBox}>
        {offered.map((r) => (
          <div key={r} className={s.roleRow}>
            <Checkbox
              checked={value.includes(r)}
              onChange={(_, d) => toggle(r, d.checked === true)}
              label={t(`role.${r}`)}
            />
            <Text as="p" className={s.roleHelp}>
              {t(`roleHelp.${r}`)}
            </Text>
          </div>
        ))}
      </div>
      {error === undefined ? null : (
        <Text id={errorId} className={s.error}>
          <ErrorCircleRegular aria-hidden="true" /> {error}
        </Text>
      )}
    </fieldset>
  );
}

/** A secret (or a link) to copy once: read-only, selected on focus, with a copy button. */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const s = useStyles();
  const t = useT(adminMessages);
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // Not a secure context (plain http on another host): the old way, from the selected text.
      input.current?.select();
      setState(document.execCommand?.('copy') === true ? 'copied' : 'failed');
    }
    setTimeout(() => setState('idle'), 4000);
  };
  return (
    <Field
      label={label}
      hint={hint ?? null}
      validationState={state === 'failed' ? 'warning' : state === 'copied' ? 'success' : 'none'}
      validationMessage={state === 'failed' ? t('copyFailed') : state === 'copied' ? t('copied') : null}
    >
      <div className={s.copyRow}>
        <Input
          input={{ ref: input }}
          readOnly
          value={value}
          className={s.copyInput}
          onFocus={(e) => e.currentTarget.select()}
          data-secret=""
        />
        <Button
          appearance="primary"
          icon={state === 'copied' ? <CheckmarkRegular /> : <CopyRegular />}
          onClick={copy}
        >
          {state === 'copied' ? t('copied') : t('copy')}
        </Button>
      </div>
    </Field>
  );
}

/** A yes/no question before a change that cannot be taken back lightly. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  busy,
  error,
  errorMessage,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  error: unknown;
  /** Said instead of the API's message when the page knows the failure. */
  errorMessage?: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT(adminMessages);
  return (
    <Dialog open={open} onOpenChange={(_, d) => (d.open ? undefined : onCancel())} modalType="alert">
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {children}
            <FailureBar error={error} {...(errorMessage === undefined ? {} : { message: errorMessage })} />
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              onClick={onConfirm}
              disabled={busy}
              style={
                danger
                  ? {
                      backgroundColor: tokens.colorStatusDangerBackground3,
                      color: tokens.colorNeutralForegroundOnBrand,
                    }
                  : undefined
              }
            >
              {busy ? t('working') : confirmLabel}
            </Button>
            <Button onClick={onCancel} disabled={busy}>
              {t('cancel')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** A failed write in a form or dialog: the API's message (its fields are shown at the fields). */
export function FailureBar({
  error,
  fieldsShown = false,
  message,
}: {
  error: unknown;
  fieldsShown?: boolean;
  /** Said instead of the API's message (a failure the page knows, in its language). */
  message?: string;
}) {
  const t = useT(adminMessages);
  const common = useT(commonMessages);
  if (error === null || error === undefined) return null;
  return (
    <MessageBar intent="error" role="alert" style={{ marginTop: 12 }}>
      <MessageBarBody>
        <MessageBarTitle>{t('failedTitle')}</MessageBarTitle>
        {message ?? (fieldsShown ? t('fixFields') : errorText(error, common('error.network')))}
      </MessageBarBody>
    </MessageBar>
  );
}

/** Toasts of one page: put `toaster` in the page, call `notify` after a change. */
export function useNotify(): {
  toaster: ReactNode;
  notify: (intent: 'success' | 'error' | 'info', title: string, body?: string) => void;
} {
  const toasterId = useId('admin-toaster');
  const { dispatchToast } = useToastController(toasterId);
  const notify = useCallback(
    (intent: 'success' | 'error' | 'info', title: string, body?: string) =>
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
          {body === undefined ? null : <ToastBody>{body}</ToastBody>}
        </Toast>,
        { intent, timeout: intent === 'error' ? 8000 : 5000 },
      ),
    [dispatchToast],
  );
  return { toaster: <Toaster toasterId={toasterId} position="top-end" />, notify };
}

/** A customer's name, looked up by id (the id itself while loading or when it is not visible). */
export function CustomerName({ customerId }: { customerId: string }) {
  const q = useCustomer(customerId);
  return <>{q.data?.name ?? customerId}</>;
}

/** Which customers an account (or a token) sees, in words. */
export function ScopeText({ scope }: { scope: CustomerScope }) {
  const s = useStyles();
  const t = useT(adminMessages);
  if (scope === null) return <Text>{t('allCustomers')}</Text>;
  if (scope.groups.length === 0 && scope.customers.length === 0) {
    return <Text className={s.muted}>{t('noCustomers')}</Text>;
  }
  return (
    <span style={{ display: 'flex', flexDirection: 'column' }}>
      {scope.groups.length === 0 ? null : (
        <Text>{t('scopeGroups', { n: scope.groups.length, names: scope.groups.join(', ') })}</Text>
      )}
      {scope.customers.length === 0 ? null : (
        <Text>
          {t('scopeCustomers', { n: scope.customers.length })}
          {': '}
          {scope.customers.slice(0, 3).map((id, i) => (
            <span key={id}>
              {i === 0 ? '' : ', '}
              <CustomerName customerId={id} />
            </span>
          ))}
          {scope.customers.length > 3 ? ', …' : ''}
        </Text>
      )}
    </span>
  );
}
