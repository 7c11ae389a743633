// Privacidad (admin, customers:privacy): a person's rights (search, record, consent,
// restriction, export, erasure), retention as the server applies it, and the breach register.
// The open person lives in component state only: no id or personal data in the address.
import { useState } from 'react';
import { Page } from '../../components/Page.tsx';
import { Tabs } from '../../components/Tabs.tsx';
import { t } from '../../i18n/index.ts';
import { BreachesPanel } from './BreachesPanel.tsx';
import { PersonPanel } from './PersonPanel.tsx';
import { PersonSearch, type PersonHit } from './PersonSearch.tsx';
import { RetentionPanel } from './RetentionPanel.tsx';
import './privacy.css';

const TABS = ['people', 'retention', 'breaches'] as const;

export default function PrivacyPage() {
  return (
    <Page title={t.privacy.title}>
      <p className="muted privacy-intro">{t.privacy.intro}</p>
      <Tabs idPrefix="privacy" label={t.privacy.tabsLabel} tabs={TABS} labels={t.privacy.tabs} panelClassName="privacy-panel" panel={(tab) => (tab === 'people' ? <People /> : tab === 'retention' ? <RetentionPanel /> : <BreachesPanel />)} />
    </Page>
  );
}

function People() {
  const [hit, setHit] = useState<PersonHit | null>(null);
  return (
    <div className="privacy-stack">
      <PersonSearch onOpen={setHit} />
      {hit && <PersonPanel key={hit.id} hit={hit} onClose={() => setHit(null)} />}
    </div>
  );
}
