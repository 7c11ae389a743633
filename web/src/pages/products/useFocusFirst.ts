// Puts the keyboard on the first field of a form opened in a Dialog. The native dialog focuses
// its first focusable element (the × button) when showModal() runs, which happens in the
// Dialog's effect after ours, and React's autoFocus fires before that, so the move waits a frame.
import { useEffect, type RefObject } from 'react';

export function useFocusFirst(ref: RefObject<HTMLElement | null>, selector = 'input, select, textarea'): void {
  useEffect(() => {
    const frame = requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>(selector)?.focus());
    return () => cancelAnimationFrame(frame);
  }, [ref, selector]);
}
