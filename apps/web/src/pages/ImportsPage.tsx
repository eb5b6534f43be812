/** Imports: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function ImportsPage() {
  return <PageHeader title="Imports" />;
}
