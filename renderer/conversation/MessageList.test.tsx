// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageList } from './MessageList';
import { FakeConverse, makeMessage } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';
import { useChat } from '../state/chatStore';

const DAY = 24 * 3600_000;

function longConversation(n: number) {
  const start = Date.now() - n * 60_000;
  return Array.from({ length: n }, (_, i) =>
    makeMessage({
      id: `m${String(i).padStart(6, '0')}`,
      direction: i % 2 ? 'inbound' : 'outbound',
      status: i % 2 ? 'received' : 'delivered',
      body: `Message number ${i}`,
      createdAt: new Date(start + i * 60_000).toISOString(),
    }),
  );
}

describe('the message list', () => {
  it('opens a long conversation with only its newest page loaded and a few rows in the DOM', async () => {
    const api = await install(new FakeConverse());
    api.messages = longConversation(5000);
    await useChat.getState().open('lead-maria', 'sms');
    renderWithI18n(<MessageList conversationId="lead-maria:sms" leadName="Maria Garcia" />);
    const log = await screen.findByRole('log', { name: 'Messages' });
    expect(api.callsOf('messages.page')).toEqual([{ conversationId: 'lead-maria:sms', before: null, limit: 100 }]);
    // jsdom lays nothing out (every row measures 0 px), so this only proves the list is virtual;
    // the DOM-node figure in real Chromium is bench/open-conversation.bench.ts's.
    const rendered = log.querySelectorAll('.virtual-row').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(100);
    expect(within(log).getByText('Message number 4999')).toBeInTheDocument();
  });

  it('groups messages under day headings', async () => {
    const api = await install(new FakeConverse());
    api.messages = [
      makeMessage({ id: 'a', body: 'Two days ago', createdAt: new Date(Date.now() - 2 * DAY).toISOString() }),
      makeMessage({ id: 'b', body: 'Yesterday msg', createdAt: new Date(Date.now() - DAY).toISOString() }),
      makeMessage({ id: 'c', body: 'Today msg', createdAt: new Date().toISOString() }),
    ];
    await useChat.getState().open('lead-maria', 'sms');
    renderWithI18n(<MessageList conversationId="lead-maria:sms" leadName="Maria Garcia" />);
    const headings = (await screen.findAllByRole('heading', { level: 3 })).map((h) => h.textContent);
    expect(headings).toHaveLength(3);
    expect(headings.slice(1)).toEqual(['Yesterday', 'Today']);
  });

  it('loads the previous page when scrolled to the top', async () => {
    const api = await install(new FakeConverse());
    api.messages = longConversation(250);
    await useChat.getState().open('lead-maria', 'sms');
    renderWithI18n(<MessageList conversationId="lead-maria:sms" leadName="Maria Garcia" />);
    const log = await screen.findByRole('log');
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 7000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 600 });
    log.scrollTop = 0;
    fireEvent.scroll(log);
    await waitFor(() =>
      expect(api.callsOf('messages.page')[1]).toEqual({
        conversationId: 'lead-maria:sms',
        before: 'm000150',
        limit: 100,
      }),
    );
    await waitFor(() => expect(useChat.getState().threads['lead-maria:sms'].messages).toHaveLength(200));
  });

  it('offers "N new messages" when the rep has scrolled up, and goes down on click', async () => {
    const api = await install(new FakeConverse());
    api.messages = longConversation(50);
    await useChat.getState().open('lead-maria', 'sms');
    renderWithI18n(<MessageList conversationId="lead-maria:sms" leadName="Maria Garcia" />);
    const log = await screen.findByRole('log');
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 4000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 600 });
    log.scrollTop = 1000;
    fireEvent.scroll(log);
    const incoming = [1, 2].map((i) =>
      makeMessage({ id: `new${i}`, direction: 'inbound', status: 'received', body: `New ${i}` }),
    );
    act(() => useChat.getState().applyMessages({ conversationId: 'lead-maria:sms', messages: incoming }));
    const pill = await screen.findByRole('button', { name: '2 new messages' });
    await userEvent.click(pill);
    expect(screen.queryByRole('button', { name: /new message/ })).toBeNull();
  });
});
