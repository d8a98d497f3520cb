// Pretty JSON with folding: objects and arrays collapse and expand; deep levels start folded
// and long lists show their first items, so large documents stay quick.
import { useState } from 'react';

const FIRST_OPEN_DEPTH = 2;
const CHILDREN_PAGE = 200;

export function JsonTree({ value }: { value: unknown }) {
  return (
    <div className="json-tree">
      <JsonNode value={value} depth={0} last />
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

interface JsonNodeProps {
  name?: string;
  value: unknown;
  depth: number;
  last: boolean;
}

function JsonNode({ name, value, depth, last }: JsonNodeProps) {
  const [open, setOpen] = useState(depth < FIRST_OPEN_DEPTH);
  const [limit, setLimit] = useState(CHILDREN_PAGE);
  const label =
    name === undefined ? null : (
      <>
        <span className="json-key">{JSON.stringify(name)}</span>:{' '}
      </>
    );
  const comma = last ? null : <span className="json-punct">,</span>;

  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {label}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray ? value.map((item, i) => [String(i), item]) : Object.entries(value);
  const [openBracket, closeBracket] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line">
        {label}
        <span className="json-punct">
          {openBracket}
          {closeBracket}
        </span>
        {comma}
      </div>
    );
  }

  const count = `${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}`;
  return (
    <div className="json-node">
      <div className="json-line">
        <button
          type="button"
          className="json-toggle"
          aria-expanded={open}
          aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? (isArray ? 'array' : 'object')}`}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'}
        </button>
        {label}
        <span className="json-punct">{openBracket}</span>
        {!open && (
          <>
            <span className="json-summary"> {count} </span>
            <span className="json-punct">{closeBracket}</span>
            {comma}
          </>
        )}
      </div>
      {open && (
        <>
          <div className="json-children">
            {entries.slice(0, limit).map(([key, item], index) => (
              <JsonNode
                key={key}
                name={isArray ? undefined : key}
                value={item}
                depth={depth + 1}
                last={index === entries.length - 1}
              />
            ))}
            {entries.length > limit && (
              <button type="button" className="link-button" onClick={() => setLimit(limit + CHILDREN_PAGE)}>
                Show {Math.min(CHILDREN_PAGE, entries.length - limit)} more of {entries.length - limit}
              </button>
            )}
          </div>
          <div className="json-line">
            <span className="json-punct">{closeBracket}</span>
            {comma}
          </div>
        </>
      )}
    </div>
  );
}
