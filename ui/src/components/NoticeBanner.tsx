// Dismissible notices: the store's (e.g. where the vault key lives) and background token problems.
export interface Notice {
  id: string;
  text: string;
  detail?: string;
  tone: 'info' | 'warn';
}

export function NoticeBanner({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: string) => void }) {
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div className={`notice notice-${notice.tone}`} role="status" key={notice.id} data-testid="notice">
          <div>
            <p>{notice.text}</p>
            {notice.detail && <p className="detail">{notice.detail}</p>}
          </div>
          <button type="button" aria-label="Dismiss notice" onClick={() => onDismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
