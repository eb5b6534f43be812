/** Workload names in the page's language (the API's rows carry the English name). */
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { useCallback } from 'react';
import { useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';

const isWorkload = (code: string): code is WorkloadCode =>
  (WORKLOAD_CODES as readonly string[]).includes(code);

export function useWorkloadName(): (code: string, fallback?: string) => string {
  const t = useT(customerMessages);
  return useCallback(
    (code: string, fallback?: string) => (isWorkload(code) ? t(`workload.${code}`) : (fallback ?? code)),
    [t],
  );
}
