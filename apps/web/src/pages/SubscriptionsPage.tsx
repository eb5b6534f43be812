/** Subscriptions: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function SubscriptionsPage() {
  return <PageHeader title="Subscriptions" />;
}
