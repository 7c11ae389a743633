// A modal dialog on the native <dialog> element: focus trap, Escape and inert background come
// from the browser; focus starts at the first field (or [data-autofocus]).
import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../i18n/index.ts';

export function Dialog({ title, open, onClose, children, dismissible = true }: { title: string; open: boolean; onClose: () => void; children: ReactNode; dismissible?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The browser focuses the first focusable element (the × button); a form should start at
      // its first field instead, or at an element marked data-autofocus.
      const first = dialog.querySelector<HTMLElement>('[data-autofocus], .dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea');
      first?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        if (dismissible) onClose();
      }}
    >
      {open && (
        <div className="dialog-body">
          <header className="dialog-header">
            <h2>{title}</h2>
            {dismissible && (
              <button type="button" className="icon-button" onClick={onClose} aria-label={t.actions.close}>
                ×
              </button>
            )}
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}
