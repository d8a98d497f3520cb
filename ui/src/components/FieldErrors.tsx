// The errors of one field, each under it, marked for the end-to-end tests with its path.
export function FieldErrors({ id, path, messages }: { id?: string; path: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div id={id} className="field-errors">
      {messages.map((message) => (
        <p key={message} className="field-error" data-testid="field-error" data-field={path}>
          {message}
        </p>
      ))}
    </div>
  );
}
