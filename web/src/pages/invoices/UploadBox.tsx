// The upload area: drop a file on it, pick one, or (on phones) take a photo with the camera. The
// file goes up as multipart with a progress bar; the API's refusals are shown in Spanish.
import { useRef, useState, type DragEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { t } from '../../i18n/index.ts';
import { MAX_UPLOAD_BYTES, invoiceErrorMessage, invoiceKeys, uploadInvoice, type Invoice } from './model.ts';

const s = t.invoices.upload;
const ACCEPT = 'image/*,application/pdf';

type State = { kind: 'idle' } | { kind: 'uploading'; percent: number | null } | { kind: 'reading' } | { kind: 'error'; message: string };

export function UploadBox({ onUploaded }: { onUploaded: (invoice: Invoice) => void }) {
  const { csrf_token: csrfToken } = useSignedIn();
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const pickRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const busy = state.kind === 'uploading' || state.kind === 'reading';

  async function send(file: File | undefined) {
    if (!file || busy) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      setState({ kind: 'error', message: s.errors['invoice.too_large']! });
      return;
    }
    setState({ kind: 'uploading', percent: 0 });
    try {
      const invoice = await uploadInvoice(file, file.name || 'factura', csrfToken, (percent) =>
        setState(percent === 100 ? { kind: 'reading' } : { kind: 'uploading', percent }),
      );
      setState({ kind: 'idle' });
      void queryClient.invalidateQueries({ queryKey: invoiceKeys.all });
      queryClient.setQueryData(['invoices', 'one', invoice.id], invoice);
      onUploaded(invoice);
    } catch (error) {
      setState({ kind: 'error', message: error instanceof ApiError && error.status === 401 ? t.errors['auth.unauthenticated']! : invoiceErrorMessage(error) });
    } finally {
      // The same file can be chosen again after an error.
      if (pickRef.current) pickRef.current.value = '';
      if (cameraRef.current) cameraRef.current.value = '';
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void send(event.dataTransfer.files[0]);
  }

  return (
    <section className="card invoice-upload" aria-labelledby="invoice-upload-title">
      <h2 id="invoice-upload-title">{s.title}</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}${busy ? ' busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          if (!dragging) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-text">{s.drop}</p>
        <p className="dropzone-or muted" aria-hidden="true">
          {s.or}
        </p>
        <div className="dropzone-actions">
          <label className={`button primary file-button${busy ? ' disabled' : ''}`}>
            <input
              ref={pickRef}
              type="file"
              className="visually-hidden"
              accept={ACCEPT}
              aria-label={s.fileLabel}
              aria-describedby="invoice-upload-hint"
              disabled={busy}
              onChange={(e) => void send(e.target.files?.[0])}
            />
            <span aria-hidden="true">{s.pick}</span>
          </label>
          <label className={`button file-button camera-button${busy ? ' disabled' : ''}`}>
            <input
              ref={cameraRef}
              type="file"
              className="visually-hidden"
              accept={ACCEPT}
              capture="environment"
              aria-label={s.cameraLabel}
              disabled={busy}
              onChange={(e) => void send(e.target.files?.[0])}
            />
            <span aria-hidden="true">{s.camera}</span>
          </label>
        </div>
        <small id="invoice-upload-hint" className="muted">
          {s.hint}
        </small>
      </div>
      <div className="upload-status" aria-live="polite">
        {state.kind === 'uploading' && (
          <>
            <progress max={100} value={state.percent ?? undefined} aria-label={s.progressLabel} />
            <span>{s.uploading(state.percent)}</span>
          </>
        )}
        {state.kind === 'reading' && (
          <>
            <progress aria-label={s.progressLabel} />
            <span>{s.reading}</span>
          </>
        )}
      </div>
      {state.kind === 'error' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
    </section>
  );
}
