/** A customer that does not exist, or lies outside the account's scope (the API answers 404 alike). */
import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { PersonQuestionMarkRegular } from '@fluentui/react-icons';
import { useNavigate } from 'react-router';
import { useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: '12px',
    padding: '32px 0',
    maxWidth: '640px',
  },
  icon: { fontSize: '48px', color: tokens.colorNeutralForeground3 },
  id: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  p: { margin: 0 },
});

export function NoSuchCustomer({ customerId }: { customerId: string }) {
  const s = useStyles();
  const t = useT(customerMessages);
  const navigate = useNavigate();
  return (
    <section className={s.root} data-state="no-such-customer">
      <PersonQuestionMarkRegular className={s.icon} aria-hidden />
      <Text as="h1" block size={700} weight="semibold" className={s.p}>
        {t('notFound.title')}
      </Text>
      <Text as="p" block className={s.p}>
        {t('notFound.body')} <span className={s.id}>{customerId}</span>
      </Text>
      <Text as="p" block className={s.p}>
        {t('notFound.hint')}
      </Text>
      <Button appearance="primary" onClick={() => navigate('/insights')}>
        {t('notFound.back')}
      </Button>
    </section>
  );
}
