/** Loading, error and empty states: designed, never a blank area. */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { ApiError } from '../api/http';
import { useT } from '../i18n';
import { commonMessages } from './common.messages';

export function Loading({ label }: { label?: string }) {
  const t = useT(commonMessages);
  return <Spinner size="small" label={label ?? t('loading')} style={{ padding: 24 }} />;
}

export function errorText(error: unknown, network: string): string {
  if (error instanceof ApiError)
    return error.body.hintText ? `${error.message} — ${error.body.hintText}` : error.message;
  if (error instanceof TypeError) return network;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT(commonMessages);
  return (
    <MessageBar intent="error" role="alert" style={{ margin: '8px 0' }}>
      <MessageBarBody>
        <MessageBarTitle>{t('errorTitle')}</MessageBarTitle>
        {errorText(error, t('error.network'))}
      </MessageBarBody>
      {onRetry === undefined ? null : (
        <MessageBarActions>
          <Button onClick={onRetry}>{t('retry')}</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const t = useT(commonMessages);
  return (
    <Text as="p" style={{ padding: '16px 0', color: 'var(--colorNeutralForeground3)' }}>
      {children ?? t('empty')}
    </Text>
  );
}

/** A query's states around its content: loading, error (with retry), else the content. */
export function QueryView<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.error || query.data === undefined)
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}
