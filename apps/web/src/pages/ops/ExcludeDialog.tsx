/**
 * Silence a card: this product of the customer, or every product (`*`), with a reason the team
 * reads later. POST /api/v1/exclusions; the recommendations, exclusions and settings log reload.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  makeStyles,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { ALL_PRODUCTS } from '@license-insights/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { addExclusion } from '../../api/ops';
import { useT } from '../../i18n';
import { FailureBar, useNotify } from './notify';
import { opsMessages } from './ops.messages';

export interface ExcludeTarget {
  customerId: string;
  customerName: string;
  productId: string | null;
  productName: string | null;
}

const MAX_REASON = 500;

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: '14px' },
});

export function ExcludeDialog({ target, onClose }: { target: ExcludeTarget | null; onClose: () => void }) {
  const s = useStyles();
  const t = useT(opsMessages);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<'product' | 'all'>('product');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);

  const mutation = useMutation({
    mutationFn: addExclusion,
    onSuccess: (res) => {
      void queryClient.invalidateQueries({ queryKey: ['recommendations'] });
      void queryClient.invalidateQueries({ queryKey: ['exclusions'] });
      void queryClient.invalidateQueries({ queryKey: ['settings', 'log'] });
      const product =
        res.exclusion.productId === ALL_PRODUCTS ? t('exclusions.allProducts') : (target?.productName ?? '');
      notify.success(
        t('excludeDialog.done', { customer: target?.customerName ?? '', product }),
        res.previousReason === null ? undefined : t('excludeDialog.replaced', { reason: res.previousReason }),
      );
      onClose();
    },
  });
  const { reset } = mutation;

  // A new card: a fresh form.
  useEffect(() => {
    if (target === null) return;
    setScope(target.productId === null ? 'all' : 'product');
    setReason('');
    setTouched(false);
    reset();
  }, [target, reset]);

  const missing = reason.trim() === '';
  const submit = () => {
    setTouched(true);
    if (target === null || missing) return;
    mutation.mutate({
      customerId: target.customerId,
      productId: scope === 'all' || target.productId === null ? ALL_PRODUCTS : target.productId,
      reason: reason.trim(),
    });
  };

  return (
    <Dialog open={target !== null} onOpenChange={(_e, d) => (d.open ? undefined : onClose())}>
      <DialogSurface>
        <form
          // The reason is checked here, with a message in the language (not the browser's bubble).
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{t('excludeDialog.title')}</DialogTitle>
            <DialogContent className={s.content}>
              <Text as="p" block>
                {t('excludeDialog.intro', { customer: target?.customerName ?? '' })}
              </Text>
              {target?.productId === null || target === null ? null : (
                <Field label={t('excludeDialog.scope')}>
                  <RadioGroup value={scope} onChange={(_e, d) => setScope(d.value as 'product' | 'all')}>
                    <Radio
                      value="product"
                      label={t('excludeDialog.product', { product: target.productName ?? target.productId })}
                    />
                    <Radio value="all" label={t('excludeDialog.all')} />
                  </RadioGroup>
                </Field>
              )}
              <Field
                label={t('excludeDialog.reason')}
                required
                hint={t('excludeDialog.reasonHint')}
                validationState={touched && missing ? 'error' : 'none'}
                validationMessage={touched && missing ? t('excludeDialog.reasonMissing') : null}
              >
                <Textarea
                  value={reason}
                  maxLength={MAX_REASON}
                  resize="vertical"
                  onChange={(_e, d) => setReason(d.value)}
                  onBlur={() => setTouched(true)}
                />
              </Field>
              {mutation.error ? <FailureBar error={mutation.error} /> : null}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose} disabled={mutation.isPending}>
                {t('cancel')}
              </Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={mutation.isPending}
                icon={mutation.isPending ? <Spinner size="tiny" /> : null}
              >
                {mutation.isPending ? t('excludeDialog.working') : t('excludeDialog.submit')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
