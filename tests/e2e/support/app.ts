// Steps the end-to-end suites share: signing in through the UI, and talking to the server's
// HTTP API directly where a test plays the lead or the admin.
import type { Page } from 'playwright-core';

export const DEMO_PASSWORD = 'converse-demo';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('searchbox', { name: 'Search leads' }).waitFor({ timeout: 30_000 });
}

async function api<T>(serverUrl: string, pathname: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const res = await fetch(`${serverUrl}/api/v1${pathname}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.headers ?? {}),
    },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${pathname}: ${res.status} ${JSON.stringify(body)}`);
  return body as T;
}

export async function apiToken(serverUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const r = await api<{ token: string }>(serverUrl, '/auth/sign-in', {
    method: 'POST',
    body: JSON.stringify({ email, password }),
  });
  return r.token;
}

export async function leadIdByName(serverUrl: string, token: string, name: string): Promise<string> {
  const r = await api<{ leads: { id: string; firstName: string }[] }>(
    serverUrl,
    `/leads?q=${encodeURIComponent(name)}`,
    { token },
  );
  const lead = r.leads.find((l) => l.firstName === name) ?? r.leads[0];
  if (!lead) throw new Error(`no lead named ${name}`);
  return lead.id;
}

/** Make a demo lead "reply" through the sandbox connector, as a lead's phone would. */
export async function sandboxReply(
  serverUrl: string,
  token: string,
  msg: { leadId: string; channel: 'sms' | 'whatsapp'; body: string },
): Promise<void> {
  await api(serverUrl, '/sandbox/inbound', { method: 'POST', token, body: JSON.stringify(msg) });
}
