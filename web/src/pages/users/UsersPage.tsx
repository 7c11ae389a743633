// Usuarios y claves (admin): dashboard accounts (create, role, disable, password reset) and API
// keys (create with the secret shown once, revoke).
import { Page } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { ApiKeysSection } from './ApiKeysSection.tsx';
import { UsersSection } from './UsersSection.tsx';
import './users.css';

export default function UsersPage() {
  return (
    <Page title={t.users.title}>
      <UsersSection />
      <ApiKeysSection />
    </Page>
  );
}
