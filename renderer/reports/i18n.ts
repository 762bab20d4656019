// Strings of the Usage Reports view, namespace 'reports'. The app's i18n setup adds these
// with registerReportsResources(i18n) (or spreads reportsResources into its resources).
import type { i18n as I18n } from 'i18next';

const en = {
  title: 'Usage Reports',
  close: 'Close',
  filters: 'Filters',
  month: 'Month',
  year: 'Year',
  period: 'Period',
  span: '{{from}} – {{to}}',
  range: { month: 'This month', last12: 'Last 12 months' },
  downloadCsv: 'Download CSV',
  loading: 'Loading usage…',
  retry: 'Try again',
  scope: { workspace: 'Figures for the whole workspace', user: 'Your own figures' },
  timeZone: 'Months are counted in the {{timeZone}} time zone.',
  nothingCounted: 'Nothing was counted in this period.',
  chartLabel: 'Chart: {{title}}. The same numbers are in the table beside it.',
  monthColumn: 'Month',
  totals: {
    title: 'Totals for this period',
    nudges: 'Nudges',
    smsSent: 'SMS sent',
    smsReceived: 'SMS received',
    whatsappSent: 'WhatsApp sent',
    whatsappReceived: 'WhatsApp received',
  },
  nudges: { title: 'Nudges by entity', lead: 'Leads', task: 'Tasks', activity: 'Activities', total: 'Total' },
  sms: { title: 'SMS received and sent', inbound: 'Received (inbound)', outbound: 'Sent (outbound)' },
  providers: {
    title: 'SMS per provider',
    chartTitle: 'SMS per provider (sent and received)',
    sent: '{{provider}} sent',
    received: '{{provider}} received',
    total: '{{provider}} total',
  },
  whatsapp: { title: 'WhatsApp messages', inbound: 'Received (inbound)', outbound: 'Sent (outbound)' },
  errors: {
    generic: 'The usage report could not be loaded.',
    offline: 'You are offline. Try again when the connection is back.',
    signed_out: 'Sign in to see usage reports.',
    unauthorized: 'Your session has ended. Sign in again to see usage reports.',
    forbidden: 'You are not allowed to see these reports.',
    invalid_request: 'That month is not valid. Choose a month as YYYY-MM.',
    invalid_arguments: 'That month is not valid. Choose a month as YYYY-MM.',
  },
};

type Strings = typeof en;

const hi: Strings = {
  title: 'उपयोग रिपोर्ट',
  close: 'बंद करें',
  filters: 'फ़िल्टर',
  month: 'महीना',
  year: 'वर्ष',
  period: 'अवधि',
  span: '{{from}} – {{to}}',
  range: { month: 'यह महीना', last12: 'पिछले 12 महीने' },
  downloadCsv: 'CSV डाउनलोड करें',
  loading: 'उपयोग लोड हो रहा है…',
  retry: 'फिर से कोशिश करें',
  scope: { workspace: 'पूरे वर्कस्पेस के आँकड़े', user: 'आपके अपने आँकड़े' },
  timeZone: 'महीने {{timeZone}} समय क्षेत्र के अनुसार गिने जाते हैं।',
  nothingCounted: 'इस अवधि में कुछ भी नहीं गिना गया।',
  chartLabel: 'चार्ट: {{title}}। यही संख्याएँ बगल की तालिका में हैं।',
  monthColumn: 'महीना',
  totals: {
    title: 'इस अवधि का कुल योग',
    nudges: 'नज',
    smsSent: 'भेजे गए SMS',
    smsReceived: 'प्राप्त SMS',
    whatsappSent: 'भेजे गए WhatsApp संदेश',
    whatsappReceived: 'प्राप्त WhatsApp संदेश',
  },
  nudges: { title: 'एंटिटी के अनुसार नज', lead: 'लीड', task: 'टास्क', activity: 'गतिविधियाँ', total: 'कुल' },
  sms: { title: 'प्राप्त और भेजे गए SMS', inbound: 'प्राप्त (इनबाउंड)', outbound: 'भेजे गए (आउटबाउंड)' },
  providers: {
    title: 'प्रदाता के अनुसार SMS',
    chartTitle: 'प्रदाता के अनुसार SMS (भेजे और प्राप्त)',
    sent: '{{provider}} से भेजे गए',
    received: '{{provider}} पर प्राप्त',
    total: '{{provider}} कुल',
  },
  whatsapp: { title: 'WhatsApp संदेश', inbound: 'प्राप्त (इनबाउंड)', outbound: 'भेजे गए (आउटबाउंड)' },
  errors: {
    generic: 'उपयोग रिपोर्ट लोड नहीं हो सकी।',
    offline: 'आप ऑफ़लाइन हैं। कनेक्शन लौटने पर फिर से कोशिश करें।',
    signed_out: 'उपयोग रिपोर्ट देखने के लिए साइन इन करें।',
    unauthorized: 'आपका सत्र समाप्त हो गया है। उपयोग रिपोर्ट देखने के लिए फिर से साइन इन करें।',
    forbidden: 'आपको ये रिपोर्ट देखने की अनुमति नहीं है।',
    invalid_request: 'यह महीना मान्य नहीं है। महीना YYYY-MM के रूप में चुनें।',
    invalid_arguments: 'यह महीना मान्य नहीं है। महीना YYYY-MM के रूप में चुनें।',
  },
};

export const REPORTS_NAMESPACE = 'reports';

export const reportsResources = { en, hi } as const;

/** Adds the 'reports' namespace to an i18next instance (idempotent). */
export function registerReportsResources(i18n: I18n): void {
  for (const [lng, strings] of Object.entries(reportsResources)) {
    i18n.addResourceBundle(lng, REPORTS_NAMESPACE, strings, true, true);
  }
}
