/**
 * One card of the playbook: rule, customer (a link to its analytics), product, workload or
 * subscription, the priority, the problem / consider / what-to-try texts the API translated, the
 * evidence and the thresholds that made it fire. An admin agent may silence it (exclusion).
 */
import { Badge, Button, Card, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import {
  ArrowTrendingDownRegular,
  ArrowTrendingRegular,
  CalendarArrowCounterclockwiseRegular,
  HatGraduationRegular,
  QuestionCircleRegular,
  SpeakerMuteRegular,
} from '@fluentui/react-icons';
import {
  type RecommendationCard as Card_,
  type RuleId,
  translate,
  workloadName,
} from '@license-insights/contracts';
import type { ReactElement } from 'react';
import { useLocale, useT } from '../../i18n';
import { AppLink } from './AppLink';
import { EvidenceList } from './evidence';
import { priorityText } from './helpers';
import { opsMessages } from './ops.messages';

export const RULE_ICONS: Readonly<Record<RuleId, ReactElement>> = {
  LOW_ADOPTION: <HatGraduationRegular />,
  HIGH_HOWTO_SUPPORT: <QuestionCircleRegular />,
  UPSELL: <ArrowTrendingRegular />,
  DECLINING_USAGE: <ArrowTrendingDownRegular />,
  RECLAIM_AT_RENEWAL: <CalendarArrowCounterclockwiseRegular />,
};

/** Badge colours are a second signal only: the rule is always named beside its icon. */
const RULE_COLORS: Readonly<Record<RuleId, 'brand' | 'danger' | 'success' | 'warning' | 'informative'>> = {
  LOW_ADOPTION: 'warning',
  HIGH_HOWTO_SUPPORT: 'informative',
  UPSELL: 'success',
  DECLINING_USAGE: 'danger',
  RECLAIM_AT_RENEWAL: 'brand',
};

const useStyles = makeStyles({
  card: { padding: '16px 20px', gap: '10px' },
  silenced: { backgroundColor: tokens.colorNeutralBackground2 },
  head: { display: 'flex', alignItems: 'flex-start', gap: '12px', flexWrap: 'wrap' },
  rank: {
    minWidth: '32px',
    height: '32px',
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorNeutralBackground3,
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontWeight: tokens.fontWeightSemibold,
    fontVariantNumeric: 'tabular-nums',
    flexShrink: 0,
  },
  titles: { flexGrow: 1, minWidth: '220px', display: 'flex', flexDirection: 'column', gap: '4px' },
  titleLine: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '8px' },
  customer: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  sub: { color: tokens.colorNeutralForeground2 },
  priority: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  texts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(110px, max-content) 1fr',
    gap: '6px 16px',
    margin: 0,
    '@media (max-width: 700px)': { gridTemplateColumns: '1fr' },
  },
  label: { color: tokens.colorNeutralForeground3, fontWeight: tokens.fontWeightSemibold },
  text: { margin: 0 },
  tryText: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  section: { display: 'flex', flexDirection: 'column', gap: '6px' },
  sectionTitle: {
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground3,
    margin: 0,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
  },
  details: { borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: '10px' },
  summary: {
    cursor: 'pointer',
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

export function RuleBadge({ rule }: { rule: RuleId }) {
  const { locale } = useLocale();
  return (
    <Badge appearance="tint" color={RULE_COLORS[rule]} icon={RULE_ICONS[rule]} shape="rounded">
      {translate(locale, `rule.${rule}`)}
    </Badge>
  );
}

export function RecommendationCard({
  card,
  silencedReason,
  onExclude,
  headingLevel = 'h2',
}: {
  card: Card_;
  /** The card's title level: h2 in the page's list, h3 inside a section. */
  headingLevel?: 'h2' | 'h3';
  /** Set for a card an exclusion silenced: its reason. */
  silencedReason?: string | null;
  /** Present for an account that may add exclusions. */
  onExclude?: (card: Card_) => void;
}) {
  const s = useStyles();
  const t = useT(opsMessages);
  const { locale } = useLocale();
  const silenced = silencedReason !== undefined;
  const products = new Map(
    card.productId !== null && card.productName !== null ? [[card.productId, card.productName]] : [],
  );
  const headingId = `card-${card.id}`;
  const details = [
    card.workload === null ? null : t('workload', { name: workloadName(locale, card.workload) }),
    card.subscriptionId === null ? null : t('subscription', { id: card.subscriptionId }),
    card.productId === null ? t('wholeCustomer') : null,
  ]
    .filter((x) => x !== null)
    .join(' · ');
  return (
    <Card
      className={mergeClasses(s.card, silenced && s.silenced)}
      role="article"
      aria-labelledby={headingId}
      data-card={card.rule}
    >
      <div className={s.head}>
        {silenced ? null : (
          <span className={s.rank} role="img" aria-label={t('rank', { rank: card.rank })}>
            {card.rank}
          </span>
        )}
        <div className={s.titles}>
          <div className={s.titleLine}>
            <RuleBadge rule={card.rule} />
            {silenced ? (
              <Badge appearance="outline" color="informative" icon={<SpeakerMuteRegular />}>
                {t('silencedBadge')}
              </Badge>
            ) : null}
          </div>
          <Text as={headingLevel} id={headingId} className={s.customer}>
            <AppLink to={`/customers/${encodeURIComponent(card.customerId)}`}>{card.customerName}</AppLink>
            {card.productName === null ? null : <span className={s.sub}> · {card.productName}</span>}
          </Text>
          {details === '' ? null : <Text className={s.sub}>{details}</Text>}
          <Text className={s.priority}>{t('priority', { text: priorityText(locale, card.priority) })}</Text>
        </div>
        {onExclude === undefined || silenced ? null : (
          <Button
            appearance="subtle"
            icon={<SpeakerMuteRegular />}
            onClick={() => onExclude(card)}
            aria-label={t('excludeLabel', { customer: card.customerName })}
          >
            {t('exclude')}
          </Button>
        )}
      </div>
      {silenced && silencedReason !== null ? (
        <Text className={s.sub}>
          {t('exclusions.reason')}: {silencedReason}
        </Text>
      ) : null}
      <dl className={s.texts}>
        <dt className={s.label}>{t('problem')}</dt>
        <dd className={s.text}>{card.text.problem}</dd>
        <dt className={s.label}>{t('consider')}</dt>
        <dd className={s.text}>{card.text.consider}</dd>
        <dt className={s.label}>{t('try')}</dt>
        <dd className={s.tryText}>{card.text.try}</dd>
      </dl>
      <div className={mergeClasses(s.section, s.details)}>
        <p className={s.sectionTitle}>{t('evidence')}</p>
        <EvidenceList values={card.evidence} products={products} />
      </div>
      <details>
        <summary className={s.summary}>{t('thresholds')}</summary>
        <div style={{ marginTop: 8 }}>
          <EvidenceList values={card.thresholds} products={products} />
        </div>
      </details>
    </Card>
  );
}
