import { crmLeadPageUrl, crmPatternProblem } from './crm-link';

describe('the CRM lead page pattern', () => {
  it('accepts an http(s) address with {leadId}, and empty (details in the app)', () => {
    expect(crmPatternProblem('')).toBeNull();
    expect(crmPatternProblem('   ')).toBeNull();
    expect(crmPatternProblem('https://crm.example.com/leads/{leadId}')).toBeNull();
    expect(crmPatternProblem('http://127.0.0.1:8080/lead?id={leadId}&tab=activity')).toBeNull();
  });

  it('names what is wrong with anything else', () => {
    expect(crmPatternProblem('https://crm.example.com/leads/')).toBe('noLeadId');
    expect(crmPatternProblem('crm.example.com/leads/{leadId}')).toBe('notUrl');
    expect(crmPatternProblem('https:// bad host/{leadId}')).toBe('notUrl');
    expect(crmPatternProblem('javascript:alert({leadId})')).toBe('notWeb');
    expect(crmPatternProblem('file:///leads/{leadId}')).toBe('notWeb');
    expect(crmPatternProblem('ftp://crm.example.com/{leadId}')).toBe('notWeb');
  });

  it('fills in the lead id, encoded, and gives nothing for an unusable pattern', () => {
    expect(crmLeadPageUrl('https://crm.example.com/leads/{leadId}', 'lead-maria')).toBe(
      'https://crm.example.com/leads/lead-maria',
    );
    expect(crmLeadPageUrl(' https://crm.example.com/l/{leadId}?again={leadId} ', 'a b/c')).toBe(
      'https://crm.example.com/l/a%20b%2Fc?again=a%20b%2Fc',
    );
    expect(crmLeadPageUrl('', 'lead-maria')).toBeNull();
    expect(crmLeadPageUrl(undefined, 'lead-maria')).toBeNull();
    expect(crmLeadPageUrl('javascript:alert({leadId})', 'lead-maria')).toBeNull();
  });
});
