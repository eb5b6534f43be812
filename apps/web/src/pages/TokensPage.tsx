/** Tokens: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function TokensPage() {
  return <PageHeader title="Tokens" />;
}
