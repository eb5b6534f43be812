/** Recommendations: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function RecommendationsPage() {
  return <PageHeader title="Recommendations" />;
}
