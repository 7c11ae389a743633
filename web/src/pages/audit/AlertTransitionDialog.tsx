// Confirms an alert transition and sends it (POST /audit/alerts/{id}/acknowledge|close) with an
// optional note. A 409 (someone else closed it meanwhile) is shown here and the list refreshed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { t } from '../../i18n/index.ts';
import { SEVERITY_BADGE, auditErrorMessage, type Alert } from './model.ts';
import { fieldError, TextAreaField } from '../../components/form.tsx';

export interface Transition {
  alert: Alert;
  to: 'acknowledged' | 'closed';
}

export function AlertTransitionDialog({
  transition,
  onClose,
  onDone,
}: {
  transition: Transition | null;
  onClose: () => void;
  onDone: (to: Transition['to']) => void;
}) {
  const a = t.audit.alerts;
  const title = transition?.to === 'closed' ? a.closeTitle : a.acknowledgeTitle;
  return (
    <Dialog title={title} open={transition !== null} onClose={onClose}>
      {transition && <TransitionForm key={`${transition.alert.id}-${transition.to}`} transition={transition} onClose={onClose} onDone={onDone} />}
    </Dialog>
  );
}

function TransitionForm({ transition, onClose, onDone }: { transition: Transition; onClose: () => void; onDone: (to: Transition['to']) => void }) {
  const a = t.audit.alerts;
  const { alert, to } = transition;
  const [note, setNote] = useState('');
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: () => api.post<Alert>(`/audit/alerts/${encodeURIComponent(alert.id)}/${to === 'closed' ? 'close' : 'acknowledge'}`, note.trim() ? { note: note.trim() } : {}),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['audit'] });
      onDone(to);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: ['audit', 'alerts'] });
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    send.mutate();
  }

  return (
    <form className="transition-form" onSubmit={submit} noValidate>
      <p className="alert-head">
        <span className={SEVERITY_BADGE[alert.severity]}>{t.audit.severities[alert.severity]}</span>
        <strong>{t.audit.rules[alert.rule] ?? alert.rule}</strong>
      </p>
      <blockquote className="alert-quote">{alert.summary}</blockquote>
      <p className={to === 'closed' ? 'notice warn' : 'muted'}>{to === 'closed' ? a.closeWarning : a.acknowledgeIntro}</p>
      <TextAreaField label={a.noteLabel} hint={a.noteHint} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} error={fieldError(send.error, 'note')} />
      {send.error && (
        <p className="form-error" role="alert">
          {send.error instanceof ApiError && send.error.errors.length > 0 ? t.form.fixErrors : auditErrorMessage(send.error)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t.actions.cancel}
        </button>
        <button type="submit" className={to === 'closed' ? 'danger-solid' : 'primary'} disabled={send.isPending}>
          {send.isPending ? a.sending : to === 'closed' ? a.confirmClose : a.confirmAcknowledge}
        </button>
      </div>
    </form>
  );
}
