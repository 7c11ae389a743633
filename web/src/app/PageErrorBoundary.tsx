// Keeps a failure inside one page from blanking the whole app: a page's code that cannot be
// downloaded (the server was updated and the file names changed) or a rendering bug shows a
// message with "Recargar" instead, and the navigation keeps working.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../i18n/index.ts';

interface Props {
  /** Changing it (the current path) clears the error: navigating away recovers. */
  resetKey: string;
  children: ReactNode;
}

export class PageErrorBoundary extends Component<Props, { error: Error | null; resetKey: string }> {
  constructor(props: Props) {
    super(props);
    this.state = { error: null, resetKey: props.resetKey };
  }

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: Error | null; resetKey: string }) {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    // The browser console is where a support person looks; nothing is sent anywhere.
    console.error('page failed', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    const outdated = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(this.state.error.message);
    return (
      <section className="page" aria-labelledby="page-error-title">
        <h1 id="page-error-title">{t.pageError.title}</h1>
        <div className="error-state" role="alert">
          <p>{outdated ? t.pageError.outdated : t.pageError.body}</p>
          <button type="button" className="primary" onClick={() => window.location.reload()}>
            {t.pageError.reload}
          </button>
        </div>
      </section>
    );
  }
}
