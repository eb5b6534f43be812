/**
 * The customer's recommendation cards (GET …/recommendations?lang=…): the playbook's problem,
 * what to consider and what to try, as the API wrote them in the page's language, by priority.
 */
import { Badge, Card, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { RecommendationCard, RuleId } from '@license-insights/contracts';
import { type CustomerView, useCustomerRecommendations } from '../../api/customer';
import { Empty, QueryView } from '../../components/states';
import { fmtDay } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { RouterLink, Section } from './parts';
import { useWorkloadName } from './workloads';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))', gap: '12px' },
  card: { padding: '14px 16px', gap: '8px' },
  head: { display: 'flex', alignItems: 'center', gap: '8px', flexWrap: 'wrap' },
  label: {
    color: tokens.colorNeutralForeground2,
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase200,
    textTransform: 'uppercase',
    letterSpacing: '0.03em',
    margin: '0 0 2px',
  },
  para: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

const RULE_COLOR: Record<RuleId, 'danger' | 'warning' | 'success' | 'informative' | 'important'> = {
  LOW_ADOPTION: 'warning',
  HIGH_HOWTO_SUPPORT: 'informative',
  UPSELL: 'success',
  DECLINING_USAGE: 'danger',
  RECLAIM_AT_RENEWAL: 'important',
};

function CardView({ card }: { card: RecommendationCard }) {
  const s = useStyles();
  const t = useT(customerMessages);
  const workloadName = useWorkloadName();
  const title =
    [card.productName, card.workload === null ? null : workloadName(card.workload)]
      .filter((x) => x !== null)
      .join(' · ') || t('recs.wholeCustomer');
  return (
    <Card className={s.card} data-card={card.rule}>
      <div className={s.head}>
        <Badge appearance="filled" color={RULE_COLOR[card.rule]}>
          {t(`rule.${card.rule}`)}
        </Badge>
        <Text size={200} className={s.muted}>
          {t('recs.rank', { n: card.rank })}
          {card.priority.quantity > 0
            ? ` · ${t(card.priority.unit === 'users' ? 'recs.users' : 'recs.licenses', { n: card.priority.quantity })}`
            : ''}
        </Text>
      </div>
      <Text as="h3" block weight="semibold" size={400} className={s.para}>
        {title}
      </Text>
      <Text as="p" block className={s.para}>
        {card.text.problem}
      </Text>
      <div>
        <Text as="p" block className={s.label}>
          {t('recs.consider')}
        </Text>
        <Text as="p" block className={s.para}>
          {card.text.consider}
        </Text>
      </div>
      <div>
        <Text as="p" block className={s.label}>
          {t('recs.try')}
        </Text>
        <Text as="p" block className={s.para}>
          {card.text.try}
        </Text>
      </div>
    </Card>
  );
}

export function RecommendationCards({ customerId, view }: { customerId: string; view: CustomerView }) {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const recs = useCustomerRecommendations(customerId, view, locale);
  return (
    <Section
      id="recommendations"
      title={t('recs.title')}
      subtitle={t('recs.subtitle')}
      actions={<RouterLink to="/recommendations">{t('recs.all')}</RouterLink>}
    >
      <QueryView query={recs}>
        {(data) => (
          <>
            {data.cards.length === 0 ? (
              <Empty>{t('recs.none', { day: fmtDay(locale, data.day) })}</Empty>
            ) : (
              <div className={s.grid}>
                {data.cards.map((c) => (
                  <CardView key={c.id} card={c} />
                ))}
              </div>
            )}
            {data.silenced.length === 0 ? null : (
              <Text size={200} className={s.muted}>
                {t('recs.silenced', { n: data.silenced.length })}
              </Text>
            )}
          </>
        )}
      </QueryView>
    </Section>
  );
}
