/** Customer: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function CustomerPage() {
  return <PageHeader title="Customer" />;
}
