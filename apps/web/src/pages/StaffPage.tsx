/** Staff: being built (issue 13). */
import { PageHeader } from '../components/PageHeader';

export default function StaffPage() {
  return <PageHeader title="Staff" />;
}
