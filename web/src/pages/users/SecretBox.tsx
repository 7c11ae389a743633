// The new key's secret, shown once in a highlighted box with "Copiar". The result ("Copiado", or
// the fallback of selecting the text when the clipboard is not available) is announced.
import { useEffect, useRef, useState } from 'react';
import { t } from '../../i18n/index.ts';

export function SecretBox({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const s = t.users.secret;
  const textRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<{ text: string; copied: boolean }>({ text: '', copied: false });

  // Move focus to the box so keyboard and screen-reader users land on the secret and its warning.
  useEffect(() => headingRef.current?.focus(), []);

  function selectText() {
    const el = textRef.current;
    const selection = window.getSelection();
    if (!el || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy() {
    setStatus({ text: '', copied: false });
    try {
      await navigator.clipboard.writeText(secret);
      setStatus({ text: s.copied, copied: true });
    } catch {
      selectText();
      setStatus({ text: s.selected, copied: false });
    }
  }

  return (
    <div className="secret-panel" role="region" aria-labelledby="secret-heading">
      <h3 id="secret-heading" ref={headingRef} tabIndex={-1}>
        {s.heading(name)}
      </h3>
      <p className="notice warn secret-warning">
        <strong>{s.warning}</strong>
      </p>
      <div className="secret-row">
        <code className="secret" ref={textRef} aria-label={s.label} data-testid="api-key-secret">
          {secret}
        </code>
        <button type="button" className="primary" onClick={() => void copy()}>
          {s.copy}
        </button>
      </div>
      <p className={status.copied ? 'copy-status copied' : 'copy-status'} aria-live="polite" role="status">
        {status.text}
      </p>
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          {s.done}
        </button>
      </div>
    </div>
  );
}
