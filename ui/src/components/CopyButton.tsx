// Copies a text to the clipboard and says so for a moment.
import { useEffect, useState } from 'react';
import { copyText } from '../clipboard';

export function CopyButton({
  text,
  label = 'Copy',
  testId,
  disabled,
}: {
  text: string;
  label?: string;
  testId?: string;
  disabled?: boolean;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      data-testid={testId}
      disabled={disabled}
      onClick={() => {
        copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select the text' : label}
    </button>
  );
}
