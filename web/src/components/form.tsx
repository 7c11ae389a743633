// Form fields with their label and the API's message for that field shown inline.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { errorMessage } from './states.tsx';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** The API's message for this field, if any. */
  error?: string | undefined;
  hint?: ReactNode;
}

export function Field({ label, error, hint, id, className, ...input }: FieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const describedBy = [error ? `${inputId}-error` : null, hint ? `${inputId}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>
        {label}
        {input.required && <span className="required" aria-hidden="true"> *</span>}
      </label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && (
        <small id={`${inputId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${inputId}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  error?: string | undefined;
  options: Array<{ value: string; label: string }>;
}

export function SelectField({ label, error, options, id, className, ...select }: SelectProps) {
  const autoId = useId();
  const selectId = id ?? autoId;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} aria-invalid={error ? true : undefined} aria-describedby={error ? `${selectId}-error` : undefined} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <small id={`${selectId}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * The form-level message for a failed submission; field messages are shown by each Field.
 * `message` words the other errors (a page with codes of its own passes its function).
 */
export function FormError({ error, message = errorMessage }: { error: unknown; message?: (error: unknown) => string }) {
  if (!error) return null;
  const text = error instanceof ApiError && error.errors.length > 0 ? t.form.fixErrors : message(error);
  return (
    <p className="form-error" role="alert">
      {text}
    </p>
  );
}

/** The API's message for one field of a failed submission. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(path) : undefined;
}

interface TextAreaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  error?: string | undefined;
  hint?: string;
}

export function TextAreaField({ label, error, hint, id, ...textarea }: TextAreaProps) {
  const autoId = useId();
  const areaId = id ?? autoId;
  const describedBy = [error ? `${areaId}-error` : null, hint ? `${areaId}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={areaId}>{label}</label>
      <textarea id={areaId} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...textarea} />
      {hint && (
        <small id={`${areaId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${areaId}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
