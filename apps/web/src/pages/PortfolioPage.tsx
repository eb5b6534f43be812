/** Portfolio: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function PortfolioPage() {
  return <PageHeader title="Portfolio" />;
}
