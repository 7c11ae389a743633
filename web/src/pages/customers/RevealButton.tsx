import { t } from '../../i18n/index.ts';
import { AUDIT_NOTICE_ID } from './model.ts';
import type { RevealTarget } from './RevealDialog.tsx';

/** "Ver datos" for one row; described by the page's notice that the access is audited. */
export function RevealButton({ target, onReveal }: { target: RevealTarget; onReveal: (target: RevealTarget) => void }) {
  return (
    <button
      type="button"
      aria-label={t.customers.reveal.buttonLabel(target.masked, target.ref)}
      aria-describedby={AUDIT_NOTICE_ID}
      onClick={() => onReveal(target)}
    >
      {t.customers.reveal.button}
    </button>
  );
}
