// Auditoría (admin, auditor): the chain's verification status, the security alerts with
// acknowledge/close, and the event log with filters.
import { Page } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { AlertsSection } from './AlertsSection.tsx';
import { ChainStatus } from './ChainStatus.tsx';
import { EventsSection } from './EventsSection.tsx';
import './audit.css';

export default function AuditPage() {
  return (
    <Page title={t.audit.title}>
      <ChainStatus />
      <AlertsSection />
      <EventsSection />
    </Page>
  );
}
