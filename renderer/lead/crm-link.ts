// The CRM's lead page: a pattern from Settings with {leadId} where the lead's ID goes. Checked
// when the rep saves it and again when it is used (an older saved value may predate the check).

export const LEAD_ID_PLACEHOLDER = '{leadId}';

/** Why a pattern cannot be used, as an i18n key under settings.crmErrors; null when usable or empty. */
export type CrmPatternProblem = 'notUrl' | 'notWeb' | 'noLeadId';

export function crmPatternProblem(pattern: string): CrmPatternProblem | null {
  const value = pattern.trim();
  if (value === '') return null;
  // The placeholder is checked first: a bare host is a valid URL but can never show one lead.
  if (!value.includes(LEAD_ID_PLACEHOLDER)) return 'noLeadId';
  let url: URL;
  try {
    url = new URL(value.replaceAll(LEAD_ID_PLACEHOLDER, 'lead'));
  } catch {
    return 'notUrl';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'notWeb';
  if (!url.hostname) return 'notUrl';
  return null;
}

/** The lead's page in the CRM, or null when no usable pattern is set. */
export function crmLeadPageUrl(pattern: string | null | undefined, leadId: string): string | null {
  const value = (pattern ?? '').trim();
  if (value === '' || crmPatternProblem(value) !== null) return null;
  return value.replaceAll(LEAD_ID_PLACEHOLDER, encodeURIComponent(leadId));
}
