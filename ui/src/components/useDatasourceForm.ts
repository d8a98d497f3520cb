// The datasource editor's form as a hook: loading, the fields as the active environment sees
// them (edits go to its overrides or to the base), what is unsaved, Save with its field errors
// (an environment's under its fields while it is active), the destination preview, presets and
// discovery, and Delete. The form's data and its mapping to the core's `DatasourceConfig` live
// in `state/datasourceForm.ts`.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../api';
import type { Datasource } from '../bindings/Datasource';
import type { DestinationCheck } from '../bindings/DestinationCheck';
import type { FieldError } from '../bindings/FieldError';
import type { Preset } from '../bindings/Preset';
import {
  applyDiscovery,
  applyPreset,
  discoveryOutcome,
  editForm,
  effectiveForm,
  emptyForm,
  fieldValue,
  formFromDatasource,
  formSnapshot,
  formToConfig,
  hasOverrides,
  isFieldShown,
  isOverridden,
  overrideField,
  overridePathOf,
  resetField,
  splitEnvironmentPath,
  uniqueName,
  type DatasourceForm,
  type DiscoveryOutcome,
  type FormFields,
} from '../state/datasourceForm';
import { fieldErrorsOf, needAttention } from '../state/fieldErrors';
import { remapFieldErrors } from '../state/rows';

export type Load = { status: 'loading' } | { status: 'ready' } | { status: 'failed'; message: string };

export interface FormProblem {
  message: string;
  /** Errors of fields that are not on screen, shown with the message. */
  others: FieldError[];
}

/** A field error and what the field held when it was reported: it goes once the field changes. */
interface MarkedError extends FieldError {
  value: string;
}

/** What went wrong with the last Save: the core's message, or field errors summed up by label. */
type Problem = { kind: 'message'; message: string } | { kind: 'fields'; errors: MarkedError[] };

export interface DatasourceFormOptions {
  /** `null` for a new datasource. */
  datasourceId: string | null;
  onSaved: (datasource: Datasource) => void;
  onDirtyChange: (dirty: boolean) => void;
  onDeleted: () => void;
  /** The active environment's name; `null`: the base only. */
  environmentName: string | null;
  /**
   * Whether the vault has other environments to differ from. With one environment there are no
   * override controls, unless the datasource already overrides something for it.
   */
  severalEnvironments: boolean;
}

/**
 * Where the error on `path` goes in `environment`: the field path on screen, or `null` for the
 * list over the form (another environment's field, or the base's value of a field this
 * environment overrides).
 */
function screenPath(form: DatasourceForm, environment: string | null, path: string): string | null {
  const { environment: of, field } = splitEnvironmentPath(path);
  if (of !== null) {
    if (environment === null || of.toLowerCase() !== environment.toLowerCase() || field === '') return null;
    return field;
  }
  return isOverridden(form, environment, overridePathOf(path)) ? null : path;
}

export function useDatasourceForm({
  datasourceId,
  onSaved,
  onDirtyChange,
  onDeleted,
  environmentName,
  severalEnvironments,
}: DatasourceFormOptions) {
  const [id, setId] = useState(datasourceId);
  const [load, setLoad] = useState<Load>(datasourceId ? { status: 'loading' } : { status: 'ready' });
  const [form, setForm] = useState<DatasourceForm>(emptyForm);
  const [baseline, setBaseline] = useState(() => formSnapshot(emptyForm()));
  const [version, setVersion] = useState(0);
  const [saving, setSaving] = useState(false);
  const [saveProblem, setSaveProblem] = useState<Problem | null>(null);
  /** Increases on each rejected Save, so the editor moves focus to the first error. */
  const [errorFocus, setErrorFocus] = useState(0);
  const [preset, setPreset] = useState<Preset | null>(null);
  const [discovering, setDiscovering] = useState(false);
  const [discoverError, setDiscoverError] = useState<string | null>(null);
  const [discovered, setDiscovered] = useState<DiscoveryOutcome | null>(null);
  const [destinations, setDestinations] = useState<DestinationCheck | null>(null);
  const [tokensDropped, setTokensDropped] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const formRef = useRef(form);
  formRef.current = form;

  const environment = severalEnvironments || hasOverrides(form, environmentName) ? environmentName : null;
  const snapshot = useMemo(() => formSnapshot(form), [form]);
  const dirty = load.status === 'ready' && snapshot !== baseline;
  /** The fields as the active environment sees them: what the inputs show. */
  const shownForm = useMemo(() => effectiveForm(form, environment), [form, environment]);

  // The errors of fields the person has not changed since, and the banner that goes with them:
  // under their fields when on screen in the active environment, listed over the form otherwise.
  const { problem, fieldErrors } = useMemo(() => {
    if (saveProblem === null) return { problem: null, fieldErrors: [] };
    if (saveProblem.kind === 'message')
      return { problem: { message: saveProblem.message, others: [] }, fieldErrors: [] };
    const shown: FieldError[] = [];
    const others: FieldError[] = [];
    for (const { field, message, value } of saveProblem.errors) {
      if (fieldValue(form, field) !== value) continue;
      const onScreen = screenPath(form, environment, field);
      if (onScreen !== null && isFieldShown(shownForm, onScreen)) shown.push({ field: onScreen, message });
      else others.push({ field, message });
    }
    const all = [...shown, ...others].map((error) => ({ ...error, field: splitEnvironmentPath(error.field).field }));
    return { problem: all.length === 0 ? null : { message: needAttention(all), others }, fieldErrors: shown };
  }, [saveProblem, form, shownForm, environment]);

  function reportFields(sent: DatasourceForm, errors: FieldError[]) {
    const mark = (error: FieldError): MarkedError => ({ ...error, value: fieldValue(sent, error.field) });
    setSaveProblem({ kind: 'fields', errors: errors.map(mark) });
    setErrorFocus((n) => n + 1);
  }

  function reset(datasource: Datasource) {
    const next = formFromDatasource(datasource);
    setForm(next);
    setBaseline(formSnapshot(next));
    setVersion((v) => v + 1);
  }

  function loadDatasource(toLoad: string) {
    setLoad({ status: 'loading' });
    api
      .getDatasource(toLoad)
      .then((datasource) => {
        reset(datasource);
        setLoad({ status: 'ready' });
      })
      .catch((error: unknown) => setLoad({ status: 'failed', message: errorMessage(error) }));
  }

  // The App keys the editor by the datasource it opened: load once, on mount.
  useEffect(() => {
    if (datasourceId) loadDatasource(datasourceId);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per editor, see above
  }, []);

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // Before saving: which saved secrets the changes would ask for again (the core decides).
  useEffect(() => {
    if (id === null || !dirty) {
      setDestinations(null);
      return;
    }
    const { config, errors } = formToConfig(formRef.current);
    if (errors.length > 0) return;
    let current = true;
    const timer = window.setTimeout(() => {
      api
        .checkDestinations(id, config)
        .then((check) => {
          if (current) setDestinations(check);
        })
        .catch(() => {
          // An incomplete form: the save will report it under its fields.
          if (current) setDestinations(null);
        });
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [id, dirty, snapshot]);

  /** An edit of the fields on screen: a field the environment overrides changes there, others in the base. */
  const update = (patch: Partial<FormFields>) => setForm((current) => editForm(current, environment, patch));

  /** The active environment's override controls. */
  const overrides = useMemo(
    () => ({
      environment,
      isOverridden: (path: string) => isOverridden(form, environment, path),
      wholeAuth: isOverridden(form, environment, 'auth.type'),
      override: (path: string) => {
        if (environment !== null) setForm((current) => overrideField(current, environment, path));
      },
      reset: (path: string) => {
        if (environment !== null) setForm((current) => resetField(current, environment, path));
      },
    }),
    [form, environment],
  );

  /** Saves the form; the saved datasource, or `null` with the problems shown. */
  async function save(): Promise<Datasource | null> {
    const sent = form;
    const { config, errors, rowMaps } = formToConfig(sent);
    if (errors.length > 0) {
      reportFields(sent, errors);
      return null;
    }
    setSaving(true);
    setSaveProblem(null);
    try {
      const { datasource, tokensDropped: dropped } = await api.saveDatasource(id, config);
      setTokensDropped(dropped);
      setDestinations(null);
      setId(datasource.id);
      if (formSnapshot(formRef.current) === formSnapshot(sent)) {
        reset(datasource);
      } else {
        // Typed on while saving: keep the new input, still marked unsaved.
        setBaseline(formSnapshot(formFromDatasource(datasource)));
      }
      onSaved(datasource);
      return datasource;
    } catch (error) {
      const mapped = remapFieldErrors(fieldErrorsOf(error), rowMaps);
      if (mapped.length > 0) {
        reportFields(sent, mapped);
      } else {
        setSaveProblem({ kind: 'message', message: errorMessage(error) });
        setErrorFocus((n) => n + 1);
      }
      return null;
    } finally {
      setSaving(false);
    }
  }

  /** The Name the last preset filled in: another preset replaces it, a typed name stays. */
  const presetName = useRef<string | null>(null);

  /** Fills the form from `picked`, and the Name with the provider's, unique among the datasources. */
  async function pickPreset(picked: Preset) {
    setPreset(picked);
    setDiscoverError(null);
    setDiscovered(null);
    setForm((current) => applyPreset(current, picked));
    const taken = await api
      .listDatasources()
      .then((list) => list.map((summary) => summary.name))
      .catch(() => []);
    const name = uniqueName(picked.name, taken);
    setForm((current) => {
      if (current.name.trim() !== '' && current.name !== presetName.current) return current;
      presetName.current = name;
      return { ...current, name };
    });
  }

  async function discover() {
    const { config } = formToConfig(form);
    if (config.auth.type !== 'oauth2') return;
    const { type: _type, ...auth } = config.auth;
    setDiscovering(true);
    setDiscoverError(null);
    setDiscovered(null);
    try {
      const found = await api.discover(auth, config.proxy);
      setForm((current) => applyDiscovery(current, found));
      setDiscovered(discoveryOutcome(auth, found));
    } catch (error) {
      setDiscoverError(errorMessage(error));
    } finally {
      setDiscovering(false);
    }
  }

  /** Deletes the datasource; `false` when the core refused (the problem is shown). */
  async function remove(): Promise<boolean> {
    if (id === null) return false;
    setDeleting(true);
    try {
      await api.deleteDatasource(id);
      onDirtyChange(false);
      onDeleted();
      return true;
    } catch (error) {
      setSaveProblem({ kind: 'message', message: errorMessage(error) });
      setDeleting(false);
      return false;
    }
  }

  return {
    id,
    load,
    loadDatasource,
    form: shownForm,
    storedForm: form,
    overrides,
    update,
    dirty,
    version,
    saving,
    save,
    problem,
    fieldErrors,
    errorFocus,
    destinations,
    tokensDropped,
    preset,
    pickPreset,
    discover,
    discovering,
    discoverError,
    discovered,
    deleting,
    remove,
  };
}

export type DatasourceFormState = ReturnType<typeof useDatasourceForm>;
