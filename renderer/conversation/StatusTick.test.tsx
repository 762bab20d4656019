// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StatusTick } from './StatusTick';
import { MessageBubble } from './MessageBubble';
import { FakeConverse, makeMessage } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';

describe('message status ticks', () => {
  beforeEach(async () => {
    await install();
  });

  it.each([
    ['pending', 'Pending'],
    ['queued', 'Pending'],
    ['sent', 'Sent'],
    ['delivered', 'Delivered'],
    ['read', 'Read'],
    ['failed', 'Failed'],
  ] as const)('%s shows the tick named "%s"', (status, name) => {
    renderWithI18n(<StatusTick status={status} />);
    expect(screen.getByRole('img', { name })).toBeInTheDocument();
  });

  it('draws read distinctly from delivered', () => {
    renderWithI18n(
      <>
        <StatusTick status="delivered" />
        <StatusTick status="read" />
      </>,
    );
    expect(screen.getByRole('img', { name: 'Read' }).getAttribute('class')).not.toBe(
      screen.getByRole('img', { name: 'Delivered' }).getAttribute('class'),
    );
  });

  it('shows no tick on a message from the lead', () => {
    renderWithI18n(
      <MessageBubble
        message={makeMessage({ id: 'm1', direction: 'inbound', status: 'received', body: 'Hi there' })}
        leadName="Maria Garcia"
      />,
    );
    expect(screen.getByText('Hi there')).toBeInTheDocument();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('a failed message says why and retries on "Retry"', async () => {
    const api = await install(new FakeConverse());
    api.messages = [
      makeMessage({
        id: 'm1',
        clientId: 'client-0001',
        status: 'failed',
        error: { code: 'provider_error', message: 'Carrier rejected the number' },
      }),
    ];
    renderWithI18n(<MessageBubble message={api.messages[0]} leadName="Maria Garcia" />);
    expect(screen.getByRole('img', { name: 'Failed' })).toBeInTheDocument();
    expect(
      screen.getByText('Failed: The provider did not accept this message; its reason is under Details.'),
    ).toBeInTheDocument();
    // The provider's own words are kept, behind "Details".
    expect(screen.getByText('Details').closest('details')).toHaveTextContent('Carrier rejected the number');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.callsOf('messages.retry')).toEqual([{ clientId: 'client-0001' }]));
  });

  it('renders lead text as text, never as HTML, in its own direction', () => {
    renderWithI18n(
      <MessageBubble
        message={makeMessage({
          id: 'm1',
          direction: 'inbound',
          status: 'received',
          body: '<img src=x onerror=alert(1)> مرحبا',
        })}
        leadName="Maria"
      />,
    );
    const body = screen.getByText('<img src=x onerror=alert(1)> مرحبا');
    expect(body).toHaveAttribute('dir', 'auto');
    expect(document.querySelector('img')).toBeNull();
  });
});
