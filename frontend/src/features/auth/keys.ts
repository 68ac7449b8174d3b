// How to use a new API key, shown next to it the one time it is visible. Pure.

export interface ApiKeyUsage {
  /** Shell lines: the key in FLOWML_API_KEY, and a request that proves it works. */
  shell: string[];
}

/** As is when the shell reads it literally (FlowML's keys do), else single-quoted so no character is interpreted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_.:/=+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function apiKeyUsage(key: string, origin: string): ApiKeyUsage {
  return {
    shell: [
      `export FLOWML_API_KEY=${shellQuote(key)}`,
      `curl -H "Authorization: Bearer $FLOWML_API_KEY" ${origin}/api/auth/me`,
    ],
  };
}

/** The start of a key, as the list shows it: enough to tell keys apart, useless to an attacker. */
export function maskedKey(prefix: string): string {
  return `${prefix}…`;
}
