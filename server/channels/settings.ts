// Which providers a workspace talks to, and with which credentials, read from the environment.
// Only the providers a workspace selects must be configured: a demo workspace runs on the
// sandbox connectors with no provider settings at all. A selected provider with a missing or
// malformed setting fails start-up with an error that names the setting, instead of failing
// the first send hours later.
import { z } from 'zod';
import { normalisePhone } from '../../shared/phone';
import { ErrorCode } from '../../shared/error-codes';

export const SmsConnectorChoice = z.enum(['sandbox', 'ringcentral', 'ctm']);
export type SmsConnectorChoice = z.infer<typeof SmsConnectorChoice>;
export const WhatsAppConnectorChoice = z.enum(['sandbox', 'whatsapp']);
export type WhatsAppConnectorChoice = z.infer<typeof WhatsAppConnectorChoice>;

const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** A base URL without the trailing slash, so paths can be appended as `${base}/…`. */
const baseUrl = z
  .string()
  .trim()
  .url('must be an http(s) URL such as https://graph.facebook.com/v21.0')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));
const e164 = nonEmpty.transform((raw, ctx) => {
  const n = normalisePhone(raw);
  if (!n.ok) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a phone number in E.164 form such as +14155550100 (${n.message})`,
    });
    return z.NEVER;
  }
  return n.e164;
});

const WhatsAppSettings = z
  .object({
    WHATSAPP_API_BASE_URL: baseUrl,
    WHATSAPP_PHONE_NUMBER_ID: nonEmpty,
    WHATSAPP_ACCESS_TOKEN: nonEmpty,
    WHATSAPP_APP_SECRET: nonEmpty,
    WHATSAPP_VERIFY_TOKEN: nonEmpty,
    /** Our WhatsApp business number, shown in usage; optional because the Cloud API addresses by phone number id. */
    WHATSAPP_BUSINESS_NUMBER: e164.optional(),
  })
  .transform((s) => ({
    apiBaseUrl: s.WHATSAPP_API_BASE_URL,
    phoneNumberId: s.WHATSAPP_PHONE_NUMBER_ID,
    accessToken: s.WHATSAPP_ACCESS_TOKEN,
    appSecret: s.WHATSAPP_APP_SECRET,
    verifyToken: s.WHATSAPP_VERIFY_TOKEN,
    businessNumber: s.WHATSAPP_BUSINESS_NUMBER ?? null,
  }));
export type WhatsAppSettings = z.infer<typeof WhatsAppSettings>;

const RingCentralSettings = z
  .object({
    RINGCENTRAL_SERVER_URL: baseUrl,
    RINGCENTRAL_ACCESS_TOKEN: nonEmpty,
    RINGCENTRAL_FROM_NUMBER: e164,
    RINGCENTRAL_VERIFICATION_TOKEN: nonEmpty,
  })
  .transform((s) => ({
    serverUrl: s.RINGCENTRAL_SERVER_URL,
    accessToken: s.RINGCENTRAL_ACCESS_TOKEN,
    fromNumber: s.RINGCENTRAL_FROM_NUMBER,
    verificationToken: s.RINGCENTRAL_VERIFICATION_TOKEN,
  }));
export type RingCentralSettings = z.infer<typeof RingCentralSettings>;

const CtmSettings = z
  .object({
    CTM_API_BASE_URL: baseUrl,
    CTM_ACCOUNT_ID: nonEmpty,
    CTM_ACCESS_KEY: nonEmpty,
    CTM_SECRET_KEY: nonEmpty,
    CTM_FROM_NUMBER: e164,
    CTM_WEBHOOK_SECRET: nonEmpty,
  })
  .transform((s) => ({
    apiBaseUrl: s.CTM_API_BASE_URL,
    accountId: s.CTM_ACCOUNT_ID,
    accessKey: s.CTM_ACCESS_KEY,
    secretKey: s.CTM_SECRET_KEY,
    fromNumber: s.CTM_FROM_NUMBER,
    webhookSecret: s.CTM_WEBHOOK_SECRET,
  }));
export type CtmSettings = z.infer<typeof CtmSettings>;

export interface ChannelSettings {
  smsConnector: SmsConnectorChoice;
  whatsappConnector: WhatsAppConnectorChoice;
  /** Set when CONVERSE_WHATSAPP_CONNECTOR=whatsapp. */
  whatsapp: WhatsAppSettings | null;
  /** Set when CONVERSE_SMS_CONNECTOR=ringcentral. */
  ringcentral: RingCentralSettings | null;
  /** Set when CONVERSE_SMS_CONNECTOR=ctm. */
  ctm: CtmSettings | null;
}

/** Thrown when the environment does not describe a usable channel set-up; `.settings` names each bad setting. */
export class ChannelSettingsError extends Error {
  readonly code = ErrorCode.CHANNEL_NOT_CONFIGURED;
  constructor(
    readonly settings: string[],
    message: string,
  ) {
    super(message);
    this.name = 'ChannelSettingsError';
  }
}

type Env = Record<string, string | undefined>;

function parseGroup<T>(schema: z.ZodType<T>, env: Env, why: string): T {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  const names: string[] = [];
  const lines = r.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    names.push(name);
    const missing = env[name] === undefined || env[name]?.trim() === '';
    return missing ? `${name} is missing` : `${name} ${issue.message}`;
  });
  return fail(names, `${why}, but ${lines.join('; ')}.`);
}

function fail(names: string[], message: string): never {
  throw new ChannelSettingsError(names, message);
}

function choice<T extends string>(schema: z.ZodEnum<Record<T, T>>, env: Env, name: string): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return 'sandbox' as T;
  const r = schema.safeParse(raw);
  return r.success
    ? r.data
    : fail([name], `${name} is "${env[name]}"; it must be one of ${schema.options.join(', ')}.`);
}

/** Read the channel settings; throws ChannelSettingsError naming every missing or malformed setting. */
export function readChannelSettings(env: Env): ChannelSettings {
  const smsConnector = choice(SmsConnectorChoice, env, 'CONVERSE_SMS_CONNECTOR');
  const whatsappConnector = choice(WhatsAppConnectorChoice, env, 'CONVERSE_WHATSAPP_CONNECTOR');
  return {
    smsConnector,
    whatsappConnector,
    whatsapp:
      whatsappConnector === 'whatsapp'
        ? parseGroup(WhatsAppSettings, env, 'CONVERSE_WHATSAPP_CONNECTOR is whatsapp')
        : null,
    ringcentral:
      smsConnector === 'ringcentral'
        ? parseGroup(RingCentralSettings, env, 'CONVERSE_SMS_CONNECTOR is ringcentral')
        : null,
    ctm: smsConnector === 'ctm' ? parseGroup(CtmSettings, env, 'CONVERSE_SMS_CONNECTOR is ctm') : null,
  };
}
