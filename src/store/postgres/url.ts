// A connection URL as it may be shown: never with its password. Every message, log line and error
// of the PostgreSQL store goes through `redact`.

/** The URL without its password (and without a password= query parameter). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.delete(key);
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
  }
}

/** `host:port` of a URL, for "cannot reach" errors. */
export function hostPort(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return 'the server';
  }
}

/** Removes the password of `url` from any text (an error message from the driver, a stack). */
export function redact(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    password = '';
  }
  let out = text.split(url).join(redactUrl(url));
  if (password) out = out.split(password).join('***').split(encodeURIComponent(password)).join('***');
  return out;
}
