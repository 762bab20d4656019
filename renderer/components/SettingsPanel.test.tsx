// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeConverse, makeSummary } from '../test-support/FakeConverse';
import { install, renderApp } from '../test-support/render';
import { en } from '../i18n/en';
import { hi } from '../i18n/hi';
import { i18n } from '../i18n';

type Strings = typeof en;

async function openSettings(api: FakeConverse, s: Strings = en) {
  await install(api);
  const user = userEvent.setup();
  renderApp();
  await user.click(await screen.findByRole('button', { name: s.header.profile }));
  await user.click(screen.getByRole('menuitem', { name: s.header.settings }));
  const panel = await screen.findByRole('region', { name: s.settings.heading });
  return { user, panel };
}

/** Every control of the panel, found by the accessible name it should have; none left unnamed. */
function expectNamedControls(panel: HTMLElement, s: Strings, desktop: boolean) {
  const named = [
    within(panel).getByRole('combobox', { name: s.settings.language }),
    within(panel).getByRole('combobox', { name: s.settings.theme }),
    within(panel).getByRole('checkbox', { name: s.settings.doNotDisturb }),
    ...(desktop ? [within(panel).getByRole('checkbox', { name: s.settings.launchAtLogin })] : []),
    // Carter settings: one checkbox per kind of nudge, sound, quiet hours and their two ends.
    ...(['message', 'assignment', 'task', 'activity'] as const).map((k) =>
      within(panel).getByRole('checkbox', { name: s.carter[`kind_${k}`] }),
    ),
    within(panel).getByRole('checkbox', { name: s.carter.sound }),
    within(panel).getByRole('checkbox', { name: s.carter.quietHours }),
    within(panel).getByLabelText(s.carter.quietFrom),
    within(panel).getByLabelText(s.carter.quietTo),
    within(panel).getByRole('textbox', { name: s.settings.crmLeadUrl }),
    within(panel).getByRole('button', { name: s.settings.crmSaveLabel }),
    within(panel).getByRole('button', { name: s.app.close }),
  ];
  expect(panel.querySelectorAll('input, select, button, textarea')).toHaveLength(named.length);
  // The hint is read with the field.
  expect(within(panel).getByRole('textbox', { name: s.settings.crmLeadUrl })).toHaveAccessibleDescription(
    s.settings.crmLeadUrlHint,
  );
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('Settings', () => {
  it('names every control in English', async () => {
    const { panel } = await openSettings(new FakeConverse({ shell: 'electron' }));
    expectNamedControls(panel, en, true);
    const options = within(within(panel).getByRole('combobox', { name: 'Language' }))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['Follow the system (English)', 'English', 'हिन्दी']);
  });

  it('names every control in Hindi', async () => {
    const api = new FakeConverse({ shell: 'electron' });
    api.settings = { ...api.settings, language: 'hi' };
    const { panel } = await openSettings(api, hi);
    expect(hi.settings.crmLeadUrl).not.toBe(en.settings.crmLeadUrl);
    expectNamedControls(panel, hi, true);
  });

  it('saves language, theme and do not disturb through settings.set, and shows them when reopened', async () => {
    const api = new FakeConverse();
    const { user, panel } = await openSettings(api);
    await user.selectOptions(within(panel).getByRole('combobox', { name: 'Theme' }), 'dark');
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    await user.click(within(panel).getByRole('checkbox', { name: 'Do not disturb (no nudges)' }));
    await user.selectOptions(within(panel).getByRole('combobox', { name: 'Language' }), 'hi');
    const hindiPanel = await screen.findByRole('region', { name: 'सेटिंग्स' });
    expect(within(hindiPanel).getByRole('status')).toHaveTextContent(hi.settings.saved);
    expect(api.callsOf('settings.set')).toEqual([{ theme: 'dark' }, { doNotDisturb: true }, { language: 'hi' }]);
    expect(api.settings).toMatchObject({ theme: 'dark', doNotDisturb: true, language: 'hi' });
    expect(document.documentElement.lang).toBe('hi');

    await user.click(within(hindiPanel).getByRole('button', { name: 'बंद करें' }));
    await user.click(screen.getByRole('button', { name: 'प्रोफ़ाइल' }));
    await user.click(screen.getByRole('menuitem', { name: 'सेटिंग्स' }));
    const again = await screen.findByRole('region', { name: 'सेटिंग्स' });
    expect(within(again).getByRole('combobox', { name: 'थीम' })).toHaveValue('dark');
    expect(within(again).getByRole('checkbox', { name: hi.settings.doNotDisturb })).toBeChecked();
    await user.selectOptions(within(again).getByRole('combobox', { name: 'भाषा' }), 'system');
    expect(await screen.findByRole('region', { name: 'Settings' })).toBeInTheDocument();
    expect(api.settings.language).toBe('system');
  });

  it('offers "start at login" in the desktop app only', async () => {
    const web = await openSettings(new FakeConverse({ shell: 'web' }));
    expect(within(web.panel).queryByRole('checkbox', { name: en.settings.launchAtLogin })).not.toBeInTheDocument();
    expectNamedControls(web.panel, en, false);
  });

  it('turns "start at login" on in the desktop app', async () => {
    const api = new FakeConverse({ shell: 'electron' });
    const { user, panel } = await openSettings(api);
    const box = within(panel).getByRole('checkbox', { name: 'Open Converse when you log in to this computer' });
    expect(box).not.toBeChecked();
    await user.click(box);
    await waitFor(() => expect(box).toBeChecked());
    expect(api.callsOf('settings.set')).toEqual([{ launchAtLogin: true }]);
  });

  it('says why a change was refused and keeps the saved value', async () => {
    const api = new FakeConverse();
    api.failures.set('settings.set', { code: 'internal', message: 'Disk full' });
    const { user, panel } = await openSettings(api);
    await user.click(within(panel).getByRole('checkbox', { name: 'Do not disturb (no nudges)' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent('Settings could not be saved: Disk full');
    expect(within(panel).getByRole('checkbox', { name: 'Do not disturb (no nudges)' })).not.toBeChecked();
    expect(api.settings.doNotDisturb).toBe(false);
  });
});

describe('the CRM lead page setting', () => {
  const field = (panel: HTMLElement) => within(panel).getByRole('textbox', { name: 'CRM lead page' });
  const saveButton = (panel: HTMLElement) => within(panel).getByRole('button', { name: 'Save CRM lead page' });

  it.each([
    ['https://crm.example.com/leads/', "Put {leadId} in the address where the lead's ID goes."],
    ['crm.example.com/leads/{leadId}', 'Enter a full web address, e.g. https://crm.example.com/leads/{leadId}.'],
    ['javascript:alert({leadId})', 'The address must start with http:// or https://.'],
  ])('refuses %s with a message next to the field, keeping what was typed', async (typed, message) => {
    const api = new FakeConverse();
    const { user, panel } = await openSettings(api);
    await user.type(field(panel), typed.replaceAll('{', '{{'));
    await user.click(saveButton(panel));
    const alert = await within(panel).findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(field(panel)).toHaveAttribute('aria-invalid', 'true');
    expect(field(panel)).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(field(panel)).toHaveValue(typed);
    expect(field(panel)).toHaveFocus();
    expect(api.callsOf('settings.set')).toHaveLength(0);
  });

  it('clears the message once the address is fixed, then saves it (Enter works)', async () => {
    const api = new FakeConverse();
    const { user, panel } = await openSettings(api);
    await user.type(field(panel), 'https://crm.example.com/leads/');
    await user.click(saveButton(panel));
    await within(panel).findByRole('alert');
    await user.type(field(panel), '{{leadId}  {Enter}');
    await waitFor(() =>
      expect(api.callsOf('settings.set')).toEqual([{ crmLeadUrl: 'https://crm.example.com/leads/{leadId}' }]),
    );
    expect(within(panel).queryByRole('alert')).not.toBeInTheDocument();
    expect(field(panel)).not.toHaveAttribute('aria-invalid');
    expect(field(panel)).toHaveValue('https://crm.example.com/leads/{leadId}');
    expect(within(panel).getByRole('status')).toHaveTextContent('Saved');
  });

  it('shows the saved pattern and clears it (details in the app again)', async () => {
    const api = new FakeConverse();
    api.settings = { ...api.settings, crmLeadUrl: 'https://crm.example.com/leads/{leadId}' };
    const { user, panel } = await openSettings(api);
    expect(field(panel)).toHaveValue('https://crm.example.com/leads/{leadId}');
    await user.clear(field(panel));
    await user.click(saveButton(panel));
    await waitFor(() => expect(api.settings.crmLeadUrl).toBe(''));
  });

  it('follows a pattern saved elsewhere unless the rep is editing the field', async () => {
    const api = new FakeConverse();
    const { user, panel } = await openSettings(api);
    act(() => api.emit('settings.changed', { ...api.settings, crmLeadUrl: 'https://a.example.com/{leadId}' }));
    await waitFor(() => expect(field(panel)).toHaveValue('https://a.example.com/{leadId}'));
    await user.type(field(panel), '?x=1');
    act(() => api.emit('settings.changed', { ...api.settings, crmLeadUrl: 'https://b.example.com/{leadId}' }));
    expect(field(panel)).toHaveValue('https://a.example.com/{leadId}?x=1');
  });
});

describe('the lead name with a CRM lead page set', () => {
  async function openMaria(api: FakeConverse) {
    api.settings = { ...api.settings, crmLeadUrl: 'https://crm.example.com/leads/{leadId}' };
    api.conversations = [makeSummary()];
    await install(api);
    const user = userEvent.setup();
    renderApp();
    await user.click(await screen.findByRole('button', { name: /Maria Garcia/ }));
    return user;
  }

  it('is a link to the CRM page in a new tab in the browser shell', async () => {
    const api = new FakeConverse({ shell: 'web' });
    await openMaria(api);
    const link = await screen.findByRole('link', { name: 'Open Maria Garcia in the CRM (new tab)' });
    expect(link).toHaveAttribute('href', 'https://crm.example.com/leads/lead-maria');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
    expect(link).toHaveTextContent('Maria Garcia');
  });

  it('falls back to the details in the app when Electron could not open the browser', async () => {
    const api = new FakeConverse({ shell: 'electron' });
    api.externalOpens = false;
    const user = await openMaria(api);
    await user.click(await screen.findByRole('button', { name: 'Open Maria Garcia in the CRM' }));
    expect(await screen.findByRole('region', { name: 'Lead details' })).toBeInTheDocument();
    expect(api.callsOf('shell.openExternal')).toEqual([{ url: 'https://crm.example.com/leads/lead-maria' }]);
  });

  it('opens the details in the app when the saved pattern is unusable', async () => {
    const api = new FakeConverse({ shell: 'web' });
    api.conversations = [makeSummary()];
    await install(api);
    api.settings = { ...api.settings, crmLeadUrl: 'ftp://old.example.com/{leadId}' };
    const user = userEvent.setup();
    renderApp();
    await user.click(await screen.findByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' }));
    expect(await screen.findByRole('region', { name: 'Lead details' })).toBeInTheDocument();
  });
});
