// The "Proxy" section of the datasource editor: System (the environment's HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY), None, or a Custom proxy with its URL, username and write-only password.
// The proxy carries every call made for the datasource: API requests, token, revocation and
// discovery calls. An environment overrides the whole proxy (`proxy`).
import type { ProxyForm } from '../state/datasourceForm';
import { SecretInput } from './SecretInput';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

export interface ProxyFieldsProps {
  value: ProxyForm;
  onChange: (proxy: ProxyForm) => void;
}

const MODES: { value: ProxyForm['mode']; label: string }[] = [
  { value: 'system', label: 'System (environment variables)' },
  { value: 'none', label: 'None' },
  { value: 'custom', label: 'Custom' },
];

const HINTS: Record<ProxyForm['mode'], string> = {
  system:
    'Uses HTTPS_PROXY, HTTP_PROXY and ALL_PROXY from the environment Latchkey was started in; hosts in NO_PROXY go direct (loopback hosts too only when listed).',
  none: 'Every call goes direct, whatever the environment says.',
  custom: 'Every call goes through this proxy; https through a CONNECT tunnel, so TLS stays end to end.',
};

export function ProxyFields({ value, onChange }: ProxyFieldsProps) {
  const set = (patch: Partial<ProxyForm>) => onChange({ ...value, ...patch });
  return (
    <section className="section" aria-labelledby="proxy-title">
      <h3 id="proxy-title">Proxy</h3>
      <SelectField
        id="ds-proxy"
        label="Proxy server"
        path="proxy"
        testId="field-proxy"
        value={value.mode}
        options={MODES}
        hint={HINTS[value.mode]}
        onChange={(mode) => set({ mode })}
      />
      {value.mode === 'custom' && (
        <>
          <TextField
            id="ds-proxy-url"
            label="Proxy URL"
            path="proxy.url"
            overridePath="proxy"
            testId="field-proxy-url"
            type="url"
            placeholder="http://proxy.example.com:3128"
            hint="http://host:port, with no credentials in it."
            value={value.url}
            onChange={(url) => set({ url })}
          />
          <TextField
            id="ds-proxy-username"
            label="Proxy username"
            path="proxy.username"
            overridePath="proxy"
            testId="field-proxy-username"
            hint="Only when the proxy asks for credentials (HTTP 407)."
            value={value.username}
            onChange={(username) => set({ username })}
          />
          <SecretInput
            id="ds-proxy-password"
            label="Proxy password"
            path="proxy.password"
            overridePath="proxy"
            testId="field-proxy-password"
            value={value.password}
            onChange={(password) => set({ password })}
          />
        </>
      )}
    </section>
  );
}
