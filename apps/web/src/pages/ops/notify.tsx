/**
 * Success and failure messages of the operations pages as Fluent toasts: `<OpsToaster />` once on a
 * page, `useNotify()` wherever something is written. A failure keeps the API's words (what was
 * wrong, what would help); a toast is also announced to screen readers (Fluent's live region).
 */
import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Toast,
  ToastBody,
  Toaster,
  ToastTitle,
  useId,
  useToastController,
} from '@fluentui/react-components';
import { useCallback, useMemo } from 'react';
import { commonMessages } from '../../components/common.messages';
import { errorText } from '../../components/states';
import { useT } from '../../i18n';
import { opsMessages } from './ops.messages';

const TOASTER_ID = 'ops-toaster';

export function OpsToaster() {
  return <Toaster toasterId={TOASTER_ID} position="top-end" pauseOnHover pauseOnWindowBlur />;
}

export function useNotify(): {
  success: (text: string, detail?: string) => void;
  failure: (error: unknown) => void;
} {
  const { dispatchToast } = useToastController(TOASTER_ID);
  const t = useT(opsMessages);
  const common = useT(commonMessages);
  const id = useId('toast');
  const success = useCallback(
    (text: string, detail?: string) =>
      dispatchToast(
        <Toast>
          <ToastTitle>{text}</ToastTitle>
          {detail === undefined ? null : <ToastBody>{detail}</ToastBody>}
        </Toast>,
        { intent: 'success', toastId: `${id}-${Date.now()}` },
      ),
    [dispatchToast, id],
  );
  const failure = useCallback(
    (error: unknown) =>
      dispatchToast(
        <Toast>
          <ToastTitle>{t('failed')}</ToastTitle>
          <ToastBody>{errorText(error, common('error.network'))}</ToastBody>
        </Toast>,
        { intent: 'error', timeout: 12_000 },
      ),
    [dispatchToast, t, common],
  );
  return useMemo(() => ({ success, failure }), [success, failure]);
}

/** A write that failed, where it was asked for (a dialog, a form): the API's words. */
export function FailureBar({ error }: { error: unknown }) {
  const t = useT(opsMessages);
  const common = useT(commonMessages);
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{t('failed')}</MessageBarTitle>
        {errorText(error, common('error.network'))}
      </MessageBarBody>
    </MessageBar>
  );
}
