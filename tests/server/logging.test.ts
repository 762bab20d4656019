// The server logs by default (info, JSON lines), every background failure at warn or error, and
// no secret reaches a line: not a webhook's ?secret=, not WhatsApp's hub.verify_token, not a
// bearer token or an API key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactText, redactUrl } from '../../shared/redact';
import { signIn, startTestServer, type TestServer } from './support';

const VERIFY_TOKEN = 'vt-4f1c9e7d2b';
const CTM_SECRET = 'ctm-8a3e5d0c1f';
const API_KEY = 'key-0123456789abcdefghijkl';

interface Line {
  level: number;
  msg: string;
  [k: string]: unknown;
}

describe('the server log', () => {
  let server: TestServer;
  const written: string[] = [];
  const lines = () => written.map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    server = await startTestServer({
      // No level given and none in the environment: the default applies.
      log: undefined,
      logDestination: {
        write: (line) => {
          written.push(line);
        },
      },
      env: {
        CONVERSE_WHATSAPP_CONNECTOR: 'whatsapp',
        WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9',
        WHATSAPP_PHONE_NUMBER_ID: '1000',
        WHATSAPP_ACCESS_TOKEN: 'wa-access-token-secret',
        WHATSAPP_APP_SECRET: 'wa-app-secret',
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        CONVERSE_SMS_CONNECTOR: 'ctm',
        CTM_API_BASE_URL: 'http://127.0.0.1:9',
        CTM_ACCOUNT_ID: '1',
        CTM_ACCESS_KEY: 'ctm-access',
        CTM_SECRET_KEY: 'ctm-secret-key',
        CTM_FROM_NUMBER: '+12025550143',
        CTM_WEBHOOK_SECRET: CTM_SECRET,
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs requests at info by default and keeps secrets out of URLs, headers and messages', async () => {
    const verify = await fetch(
      `${server.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
    );
    expect(await verify.text()).toBe('42');
    const token = await signIn(server, 'rita@converse.demo');
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect(
      (
        await fetch(`${server.url}/api/v1/events`, {
          method: 'POST',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);

    const all = written.join('');
    for (const secret of [VERIFY_TOKEN, token, API_KEY, 'converse-demo']) expect(all).not.toContain(secret);
    const requests = lines().filter((l) => l.msg === 'request completed');
    expect(requests.every((l) => l.level === 30)).toBe(true);
    const urls = requests.map((l) => (l.req as { url: string }).url);
    expect(urls).toContain('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42');
    expect(urls).toContain('/api/v1/me');
  });

  it('logs a webhook that could not be processed at warn, without its ?secret=', async () => {
    const res = await fetch(`${server.url}/webhooks/ctm?secret=${CTM_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"not": "a CTM event"',
    });
    expect(res.status).toBe(200);
    await server.internals.webhooksIdle();
    const failure = lines().find((l) => /^ctm webhook /.test(l.msg));
    expect(failure, 'a line about the failed CTM webhook').toBeDefined();
    expect(failure!.level).toBe(40);
    expect(written.join('')).not.toContain(CTM_SECRET);
    expect(
      lines().some((l) => (l.req as { url?: string } | undefined)?.url === '/webhooks/ctm?secret=[redacted]'),
    ).toBe(true);
  });
});

describe('redaction (shared by server and desktop)', () => {
  it('replaces secret parameters and credentials, and leaves the rest as it was', () => {
    expect(redactUrl('/webhooks/ctm?secret=abc&x=1')).toBe('/webhooks/ctm?secret=[redacted]&x=1');
    expect(redactUrl('/w?hub%2Everify_token=abc')).toBe('/w?hub%2Everify_token=[redacted]');
    expect(redactUrl('http://127.0.0.1:4781/#token=abc')).toBe('http://127.0.0.1:4781/#token=[redacted]');
    expect(
      redactText(
        'GET https://graph.example/v1/1?access_token=EAAB1&fields=a failed; Authorization: Bearer xyz.abc, x-api-key: k1',
      ),
    ).toBe(
      'GET https://graph.example/v1/1?access_token=[redacted]&fields=a failed; Authorization: [redacted], x-api-key: [redacted]',
    );
    expect(redactText('{"authorization":"Bearer abc"} validationToken=v')).toBe(
      '{"authorization":"[redacted]"} validationToken=[redacted]',
    );
    expect(redactText('lead Maria wrote at 10:00 (status=delivered)')).toBe(
      'lead Maria wrote at 10:00 (status=delivered)',
    );
  });
});

describe('log and upload settings', () => {
  it('stop start-up with a message naming the setting', async () => {
    await expect(startTestServer({ log: undefined, env: { CONVERSE_LOG_LEVEL: 'loud' } })).rejects.toThrow(
      /CONVERSE_LOG_LEVEL is "loud"; it must be one of silent, error, warn, info, debug/,
    );
    await expect(startTestServer({ env: { CONVERSE_UPLOAD_QUOTA_MB: 'lots' } })).rejects.toThrow(
      /CONVERSE_UPLOAD_QUOTA_MB is "lots"/,
    );
  });
});
