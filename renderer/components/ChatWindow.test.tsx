// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeConverse, makeLead, makeMessage, makeSummary, makeTemplate } from '../test-support/FakeConverse';
import { install, renderApp } from '../test-support/render';
import { en } from '../i18n/en';
import { hi } from '../i18n/hi';

const keysOf = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

async function start(api = new FakeConverse()) {
  await install(api);
  const user = userEvent.setup();
  renderApp();
  await screen.findByRole('heading', { name: /Converse/ });
  return { api, user };
}

describe('the chat window', () => {
  it('signs in with server URL, email and password', async () => {
    const api = new FakeConverse();
    api.session = { signedIn: false, user: null, serverUrl: 'http://127.0.0.1:4000' };
    await install(api);
    const user = userEvent.setup();
    renderApp();
    expect(await screen.findByLabelText('Server URL')).toHaveValue('http://127.0.0.1:4000');
    await user.type(screen.getByLabelText('Email'), 'rita@converse.demo');
    await user.type(screen.getByLabelText('Password'), 'converse-demo');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('searchbox', { name: 'Search leads' })).toBeInTheDocument();
    expect(api.callsOf('session.signIn')[0]).toEqual({
      serverUrl: 'http://127.0.0.1:4000',
      email: 'rita@converse.demo',
      password: 'converse-demo',
    });
  });

  it('says so plainly when opened without the desktop bridge', async () => {
    await install();
    delete window.converse;
    renderApp();
    expect(screen.getByRole('alert')).toHaveTextContent('Converse could not reach the desktop app');
  });

  it('finds a lead by name, shows the phone as sent, and opens the conversation', async () => {
    const api = new FakeConverse();
    api.leads = [
      makeLead({
        phones: [
          { handle: 'h1', display: '+1 •••• ••34', primary: true, masked: true, smsOptedOut: false },
          { handle: 'h2', display: '+1 •••• ••78', primary: false, masked: true, smsOptedOut: false },
        ],
      }),
    ];
    const { user } = await start(api);
    await user.type(screen.getByRole('searchbox', { name: 'Search leads' }), 'Maria');
    const results = await screen.findByRole('list', { name: 'Leads found' });
    const result = within(results).getByRole('button', { name: /Maria Garcia/ });
    expect(result).toHaveTextContent('+1 •••• ••34');
    await user.click(result);
    expect(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'SMS' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'WhatsApp Business' })).not.toBeChecked();
    const select = screen.getByRole('combobox', { name: 'Select Number' });
    await user.selectOptions(select, 'h2');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    await waitFor(() => expect(api.callsOf('messages.send')[0]).toMatchObject({ to: 'h2', body: 'Hi' }));
    expect(await screen.findByRole('img', { name: 'Pending' })).toBeInTheDocument();
    expect(api.callsOf('conversations.markRead')).toContainEqual({ conversationId: 'lead-maria:sms' });
    expect(api.callsOf('conversations.focus')).toContainEqual({
      conversationId: 'lead-maria:sms',
      windowFocused: true,
    });
  });

  it('finds a lead that arrives by sync after a search found nothing, without retyping', async () => {
    const api = new FakeConverse();
    const maria = api.leads[0];
    api.leads = [];
    const { user } = await start(api);
    await user.type(screen.getByRole('searchbox', { name: 'Search leads' }), 'Maria');
    expect(await screen.findByText(/No lead matches “Maria”/)).toBeInTheDocument();
    // The first sync lands: the lead and its conversation reach the device.
    api.leads = [maria];
    api.conversations = [makeSummary()];
    act(() => api.emit('conversations.changed', { conversationIds: ['lead-maria:sms'] }));
    const results = await screen.findByRole('list', { name: 'Leads found' });
    expect(within(results).getByRole('button', { name: /Maria Garcia/ })).toBeInTheDocument();
  });

  it('says when no lead matches', async () => {
    const { user } = await start();
    await user.type(screen.getByRole('searchbox', { name: 'Search leads' }), 'Mar');
    // Prefixes work, so the hint never asks for the name in full.
    expect(
      await screen.findByText('No lead matches “Mar”. Check the spelling, or try the start of the first or last name.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/in full/)).toBeNull();
  });

  it('updates a message tick as its status changes (Sent, then Delivered)', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    api.messages = [makeMessage({ id: 'm1', status: 'sent', body: 'Are you free?' })];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    expect(await screen.findByRole('img', { name: 'Sent' })).toBeInTheDocument();
    act(() =>
      api.emit('messages.changed', {
        conversationId: 'lead-maria:sms',
        messages: [{ ...api.messages[0], status: 'delivered' }],
      }),
    );
    expect(await screen.findByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    expect(screen.queryByRole('img', { name: 'Sent' })).toBeNull();
  });

  it('offers only templates the rep may send, previewed with the lead values, and searchable', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    api.templates = [
      makeTemplate({ id: 's1', name: 'Welcome', body: 'Welcome {{FirstName}} {{LastName}}!' }),
      makeTemplate({ id: 's2', name: 'Reminder', body: 'Hi {{FirstName}}, a reminder about {{City}}.' }),
      makeTemplate({ id: 's3', name: 'Hidden', body: 'never', availableInConverse: false }),
    ];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Select a Template' }));
    const list = await screen.findByRole('list', { name: 'Templates' });
    await waitFor(() => expect(within(list).getAllByRole('button')).toHaveLength(2));
    expect(within(list).getByRole('button', { name: /Welcome/ })).toHaveTextContent('Welcome Maria Garcia!');
    await user.type(screen.getByRole('searchbox', { name: 'Search templates' }), 'remind');
    expect(within(list).getAllByRole('button')).toHaveLength(1);
    await user.click(within(list).getByRole('button', { name: /Reminder/ }));
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Hi Maria, a reminder about San Francisco.');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(api.callsOf('messages.send')[0]).toMatchObject({
        templateId: 's2',
        body: 'Hi Maria, a reminder about San Francisco.',
      }),
    );
  });

  it('hides WhatsApp templates that are not approved or not available in Converse', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary({ channel: 'whatsapp' })];
    api.templates = [
      makeTemplate({
        id: 'w1',
        name: 'approved_one',
        channel: 'whatsapp',
        status: 'APPROVED',
        body: 'Hello {{1}}',
        params: ['FirstName'],
      }),
      makeTemplate({ id: 'w2', name: 'pending_one', channel: 'whatsapp', status: 'PENDING' }),
      makeTemplate({
        id: 'w3',
        name: 'not_in_converse',
        channel: 'whatsapp',
        status: 'APPROVED',
        availableInConverse: false,
      }),
    ];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Select a Template' }));
    const list = await screen.findByRole('list', { name: 'Templates' });
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('button')
          .map((b) => b.textContent),
      ).toEqual(['approved_oneHello Maria']),
    );
  });

  it('shows the unread count, raises it on new messages and clears it on opening', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary({ unreadCount: 2 })];
    api.messages = [makeMessage({ id: 'm1', direction: 'inbound', status: 'received', body: 'Hi!' })];
    const { user } = await start(api);
    expect(await screen.findByRole('status', { name: '2 unread messages' })).toBeInTheDocument();
    act(() => api.emit('unread.changed', { total: 3, byConversation: { 'lead-maria:sms': 3 } }));
    expect(await screen.findByRole('status', { name: '3 unread messages' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await waitFor(() =>
      expect(api.callsOf('conversations.markRead')).toContainEqual({ conversationId: 'lead-maria:sms' }),
    );
    act(() => api.emit('unread.changed', { total: 0, byConversation: {} }));
    await waitFor(() => expect(screen.queryByRole('status', { name: /unread/ })).toBeNull());
  });

  it('does not mark messages read while the window is in the background', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await waitFor(() => expect(api.callsOf('conversations.markRead')).toHaveLength(1));
    act(() => {
      window.dispatchEvent(new Event('blur'));
    });
    await waitFor(() =>
      expect(api.callsOf('conversations.focus').at(-1)).toEqual({
        conversationId: 'lead-maria:sms',
        windowFocused: false,
      }),
    );
    act(() => api.emit('unread.changed', { total: 1, byConversation: { 'lead-maria:sms': 1 } }));
    act(() =>
      api.emit('messages.changed', {
        conversationId: 'lead-maria:sms',
        messages: [makeMessage({ id: 'in-1', direction: 'inbound', status: 'received', body: 'Are you there?' })],
      }),
    );
    expect(await screen.findByText('Are you there?')).toBeInTheDocument();
    expect(api.callsOf('conversations.markRead')).toHaveLength(1);
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => expect(api.callsOf('conversations.markRead')).toHaveLength(2));
  });

  it('expands to three panes and back, with the button and with alt+m', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(screen.getByRole('button', { name: 'Expand' }));
    expect(await screen.findByRole('button', { name: 'Collapse' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeInTheDocument();
    expect(await screen.findByRole('region', { name: 'Lead details' })).toBeInTheDocument();
    expect(api.callsOf('window.setExpanded')).toEqual([{ expanded: true }]);
    fireEvent.keyDown(window, { key: 'm', code: 'KeyM', altKey: true });
    expect(await screen.findByRole('button', { name: 'Expand' })).toBeInTheDocument();
    expect(api.callsOf('window.toggle')).toHaveLength(1);
    fireEvent.keyDown(window, { key: 'µ', code: 'KeyM', altKey: true });
    expect(await screen.findByRole('button', { name: 'Collapse' })).toBeInTheDocument();
  });

  it('opens the conversation a clicked nudge is about', async () => {
    const api = new FakeConverse();
    api.messages = [
      makeMessage({ id: 'w1', channel: 'whatsapp', direction: 'inbound', status: 'received', body: 'Hola' }),
    ];
    await start(api);
    act(() => api.emit('navigate', { conversationId: 'lead-maria:whatsapp', leadId: 'lead-maria' }));
    expect(await screen.findByText('Hola')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'WhatsApp Business' })).toBeChecked();
  });

  it('lists nudges and opens what one is about', async () => {
    const api = new FakeConverse();
    api.nudges = [
      {
        id: 'n1',
        kind: 'message',
        entityType: 'lead',
        leadId: 'lead-maria',
        conversationId: 'lead-maria:sms',
        taskId: null,
        title: 'Maria Garcia',
        body: 'Can we talk?',
        createdAt: new Date().toISOString(),
      },
    ];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: 'Nudges' }));
    await user.click(await screen.findByRole('button', { name: /Can we talk\?/ }));
    expect(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' })).toBeInTheDocument();
  });

  it('shows the lead details in the app when no CRM page is set', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' }));
    const details = await screen.findByRole('region', { name: 'Lead details' });
    // The email is one <dd> with break points (<wbr>) inside, so it is matched by its whole text.
    expect(
      await within(details).findByText((_, el) => el?.tagName === 'DD' && el.textContent === 'maria@example.com'),
    ).toBeInTheDocument();
    expect(within(details).getByText('Activity History')).toBeInTheDocument();
    expect(api.callsOf('shell.openExternal')).toHaveLength(0);
  });

  it('opens the CRM lead page in Electron when a pattern is set', async () => {
    const api = new FakeConverse({ shell: 'electron' });
    api.settings = { ...api.settings, crmLeadUrl: 'https://crm.example.com/leads/{leadId}' };
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Open Maria Garcia in the CRM' }));
    await waitFor(() =>
      expect(api.callsOf('shell.openExternal')).toEqual([{ url: 'https://crm.example.com/leads/lead-maria' }]),
    );
    expect(screen.queryByRole('region', { name: 'Lead details' })).not.toBeInTheDocument();
  });

  it('shows the connection state quietly and the countdown when reconnecting', async () => {
    const api = new FakeConverse();
    await start(api);
    act(() =>
      api.emit('connection.changed', {
        status: 'connecting',
        retryAt: new Date(Date.now() + 5000).toISOString(),
        outboxSize: 0,
      }),
    );
    // The machine is online (jsdom): it is the server that does not answer, and the words say so.
    expect(
      await screen.findByText(/The Converse server cannot be reached · trying again in [45] s/),
    ).toBeInTheDocument();
    act(() => api.emit('connection.changed', { status: 'offline', outboxSize: 2 }));
    expect(
      await screen.findByText('The Converse server cannot be reached · 2 messages waiting to send'),
    ).toBeInTheDocument();
  });

  it('keeps the header calm: a dot with its state in words, the offline sentence on its own line below', async () => {
    const api = new FakeConverse();
    await start(api);
    act(() => api.emit('connection.changed', { status: 'connected', outboxSize: 0 }));
    const header = screen.getByRole('banner');
    const indicator = header.querySelector('.connection')!;
    expect(indicator).toHaveAttribute('role', 'status');
    expect(indicator).toHaveTextContent('Connected');
    expect(screen.queryByText(/cannot be reached/)).not.toBeInTheDocument();
    act(() =>
      api.emit('connection.changed', {
        status: 'offline',
        reason: 'connect ECONNREFUSED 127.0.0.1:4000',
        outboxSize: 1,
      }),
    );
    // The long sentence is outside the header (it would squeeze the buttons at pop-up width).
    const sentence = await screen.findByText('The Converse server cannot be reached · 1 message waiting to send');
    expect(header).not.toContainElement(sentence);
    expect(within(header).getByText('Server unreachable')).toHaveClass('visually-hidden');
    // The technical reason is behind "Details", never in the words or the tooltip.
    expect(indicator).toHaveAttribute('title', 'Server unreachable');
    expect(screen.getByText('Details')).toBeInTheDocument();
    act(() => api.emit('connection.changed', { status: 'connected', outboxSize: 0 }));
    await waitFor(() => expect(screen.queryByText(/cannot be reached/)).not.toBeInTheDocument());
  });

  it('marks new nudges on the bell until the rep opens them, since a Linux toast cannot be clicked', async () => {
    const api = new FakeConverse();
    api.messages = [
      makeMessage({
        id: 'w1',
        channel: 'whatsapp',
        direction: 'inbound',
        status: 'received',
        body: 'Hola, ¿hablamos?',
      }),
    ];
    const { user } = await start(api);
    const nudge = {
      id: 'n2',
      kind: 'message' as const,
      entityType: 'lead' as const,
      leadId: 'lead-maria',
      conversationId: 'lead-maria:whatsapp',
      taskId: null,
      title: 'Maria Garcia',
      body: '2 new messages from Maria Garcia',
      createdAt: new Date().toISOString(),
    };
    act(() => api.emit('nudges.changed', { nudge }));
    act(() => api.emit('nudges.changed', { nudge: { ...nudge, id: 'n3' } }));
    const bell = screen.getByRole('button', { name: 'Nudges' });
    expect(bell).toHaveAccessibleDescription('2 new nudges');
    api.nudges = [nudge];
    await user.click(bell);
    expect(bell).not.toHaveAccessibleDescription();
    const entry = await screen.findByRole('button', { name: /2 new messages from Maria Garcia/ });
    expect(entry).toHaveTextContent('WhatsApp Business');
    await user.click(entry);
    expect(await screen.findByText('Hola, ¿hablamos?')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'WhatsApp Business' })).toBeChecked();
  });

  it('says a wrong password plainly at sign-in (not "your session ended")', async () => {
    const api = new FakeConverse();
    api.session = { signedIn: false, user: null, serverUrl: 'http://127.0.0.1:4000' };
    api.failures.set('session.signIn', { code: 'unauthorized', message: 'The email or password is wrong.' });
    await install(api);
    const user = userEvent.setup();
    renderApp();
    await user.type(await screen.findByLabelText('Email'), 'rita@converse.demo');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-in failed: the email or password is wrong.');
  });

  it('names activity kinds in words, in the language of the interface', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const at = new Date().toISOString();
    api.activity = [
      { id: 'a1', leadId: 'lead-maria', type: 'lead.assigned', summary: 'Lead assigned to Rita Rep.', at },
      { id: 'a2', leadId: 'lead-maria', type: 'webinar.attended', summary: 'Attended the spring webinar.', at },
    ];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' }));
    const details = await screen.findByRole('region', { name: 'Lead details' });
    expect(await within(details).findByText('Lead assigned')).toBeInTheDocument();
    expect(within(details).getByText('Webinar attended')).toBeInTheDocument();
    expect(within(details).queryByText('lead.assigned')).not.toBeInTheDocument();
  });

  it('lays a conversation out with the channel beside the preview, so the name keeps its room', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary({ channel: 'whatsapp' })];
    await start(api);
    const item = screen.getByRole('button', { name: /Maria Garcia/ });
    const [nameLine, previewLine] = item.querySelectorAll('.conversation-line');
    expect(nameLine.textContent).not.toContain('WhatsApp Business');
    expect(previewLine.querySelector('.channel-tag')).toHaveTextContent('WhatsApp Business');
  });

  it('switches the interface to Hindi from Settings', async () => {
    const { api, user } = await start();
    await user.click(screen.getByRole('button', { name: 'Profile' }));
    await user.click(screen.getByRole('menuitem', { name: 'Settings' }));
    await user.selectOptions(screen.getByLabelText('Language'), 'hi');
    expect(await screen.findByRole('region', { name: 'सेटिंग्स' })).toBeInTheDocument();
    expect(api.settings.language).toBe('hi');
    expect(document.documentElement.lang).toBe('hi');
    expect(screen.getByRole('button', { name: 'बड़ा करें' })).toBeInTheDocument();
  });

  it('has every English string in Hindi too', () => {
    expect(keysOf(hi).sort()).toEqual(keysOf(en).sort());
  });
});
