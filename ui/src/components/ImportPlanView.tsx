// An import plan as the Import dialog shows it before anything is stored: per datasource what
// happens to it (create / join / replace), its URL, how authentication was mapped, the secrets it
// carries (counted by field, never shown: the plan has only `{ set: true }` markers) and those
// still to enter; the environments; the saved queries grouped by their group; everything
// dropped, with the reason. Queries are collapsed per datasource and per group, and rendered
// only when opened, so a description of a thousand operations shows at once.
import { useState } from 'react';
import type { DatasourceAction } from '../bindings/DatasourceAction';
import type { ImportPlan } from '../bindings/ImportPlan';
import type { PlannedDatasource } from '../bindings/PlannedDatasource';
import type { PlannedQuery } from '../bindings/PlannedQuery';
import { AUTH_TYPE_LABELS } from '../state/format';

const ACTION_LABELS: Record<DatasourceAction, string> = {
  create: 'New',
  join: 'Joins existing',
  replace: 'Replaces existing',
};

/** Dropped items shown open up to this many; more start collapsed. */
export const DROPPED_OPEN_UP_TO = 5;
/** Rows of one group rendered before "Show all". */
export const GROUP_PAGE = 100;

/** `n noun`, the plural (`noun` + s unless given) for any count but one. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The queries by group, in the order groups first appear; ungrouped ones under `null`. */
export function groupQueries(queries: PlannedQuery[]): [string | null, PlannedQuery[]][] {
  const groups = new Map<string | null, PlannedQuery[]>();
  for (const query of queries) {
    const list = groups.get(query.group) ?? [];
    list.push(query);
    groups.set(query.group, list);
  }
  return [...groups.entries()];
}

export function ImportPlanView({ plan }: { plan: ImportPlan }) {
  const queries = plan.datasources.reduce((sum, ds) => sum + ds.queries.length, 0);
  const secrets = plan.datasources.reduce((sum, ds) => sum + ds.secrets.length, 0);
  const setup = plan.datasources.reduce((sum, ds) => sum + ds.needsSetup.length, 0);
  return (
    <div className="import-plan" data-testid="import-plan">
      <p className="import-summary" data-testid="import-summary">
        {plan.source} ({plan.format}): {count(plan.datasources.length, 'datasource')},{' '}
        {count(plan.environments.length, 'environment')}, {count(queries, 'query', 'queries')},{' '}
        {count(secrets, 'secret')} sealed, {setup} still to enter, {plan.dropped.length} dropped.
      </p>
      {plan.datasources.length > 0 && (
        <section aria-labelledby="import-datasources">
          <h3 id="import-datasources">Datasources</h3>
          <ul className="import-datasources">
            {plan.datasources.map((ds, index) => (
              <PlannedDatasourceItem key={`${ds.item}-${index}`} ds={ds} />
            ))}
          </ul>
        </section>
      )}
      {plan.environments.length > 0 && (
        <section aria-labelledby="import-environments">
          <h3 id="import-environments">Environments</h3>
          <ul className="import-environments" data-testid="import-environments">
            {plan.environments.map((env) => (
              <li key={env.item}>
                <strong>{env.config.name}</strong>
                {env.config.production && <span className="badge badge-warn">production</span>}{' '}
                <span className="muted">
                  {count(env.config.variables.length, 'variable')}
                  {env.config.variables.length > 0 &&
                    `: ${env.config.variables.map((v) => (v.secret ? `${v.key} (secret)` : v.key)).join(', ')}`}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {plan.dropped.length > 0 && (
        <details
          className="import-dropped"
          data-testid="import-dropped"
          open={plan.dropped.length <= DROPPED_OPEN_UP_TO}
        >
          <summary>Dropped: {plan.dropped.length} (not imported)</summary>
          <ul>
            {plan.dropped.map((d, index) => (
              <li key={`${d.item}-${d.what}-${index}`}>
                <span className="muted">{d.item}</span> <strong>{d.what}</strong>: {d.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function PlannedDatasourceItem({ ds }: { ds: PlannedDatasource }) {
  const [open, setOpen] = useState(false);
  const groups = groupQueries(ds.queries);
  return (
    <li className="import-datasource" data-testid="import-datasource">
      <div className="import-datasource-head">
        <span className={`badge ${ds.action === 'create' ? 'badge-ok' : 'badge-warn'}`} data-testid="import-action">
          {ACTION_LABELS[ds.action]}
        </span>
        <strong className="import-name">{ds.config.name}</strong>
        <span className="mono muted import-url">{ds.config.url}</span>
      </div>
      <p className="import-auth">
        {AUTH_TYPE_LABELS[ds.config.auth.type]}: {ds.authMapping}
      </p>
      {ds.secrets.length > 0 && (
        <p className="import-secrets" data-testid="import-secrets">
          {count(ds.secrets.length, 'secret')} sealed on import ({ds.secrets.join(', ')}), never shown.
        </p>
      )}
      {ds.needsSetup.length > 0 && (
        <div className="import-setup" data-testid="import-needs-setup">
          <span className="badge badge-warn">Needs setup</span> enter after importing:
          <ul>
            {ds.needsSetup.map((e) => (
              <li key={e.field}>
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {ds.queries.length > 0 && (
        <details className="import-queries" onToggle={(event) => setOpen(event.currentTarget.open)}>
          <summary data-testid="import-queries-toggle">
            {count(ds.queries.length, 'saved query', 'saved queries')}
            {groups.length > 1 || groups[0]?.[0] !== null ? ` in ${count(groups.length, 'group')}` : ''}
          </summary>
          {open &&
            (groups.length === 1 && groups[0][0] === null ? (
              <QueryRows queries={groups[0][1]} />
            ) : (
              groups.map(([group, list]) => <QueryGroup key={group ?? ''} group={group} queries={list} />)
            ))}
        </details>
      )}
    </li>
  );
}

function QueryGroup({ group, queries }: { group: string | null; queries: PlannedQuery[] }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="import-group" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        {group ?? 'No group'} <span className="muted">({queries.length})</span>
      </summary>
      {open && <QueryRows queries={queries} />}
    </details>
  );
}

function QueryRows({ queries }: { queries: PlannedQuery[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? queries : queries.slice(0, GROUP_PAGE);
  return (
    <>
      <ul className="import-query-list" data-testid="import-query-list">
        {shown.map((q, index) => (
          <li key={`${q.name}-${index}`}>
            {q.name}
            {q.name !== `${q.request.method} ${q.request.path}` && (
              <>
                {' '}
                <span className="mono muted">
                  {q.request.method} {q.request.path}
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      {!all && queries.length > GROUP_PAGE && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {queries.length}
        </button>
      )}
    </>
  );
}
