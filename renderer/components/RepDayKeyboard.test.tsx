// @vitest-environment jsdom
// Issue 13 (a sales rep's day), keyboard and layout, and the browser shell's state: ↓/↑/Enter
// through search results, focus in the composer when a conversation opens, Escape closing
// panels, an email that never breaks mid-word, the expanded view stacking its panes in a
// narrow window, and a stopped shell said in words (not a countdown stuck at 0 s).
import '../test-support/jsdom-polyfills';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeConverse, makeLead, makeSummary } from '../test-support/FakeConverse';
import { install, renderApp } from '../test-support/render';
import { SHELL_NOTICE } from '../../shared/shell-notice';
import { useShellStatus } from './ShellStatus';
import { nextResultIndex } from './LeadSearch';
import { i18n } from '../i18n';

async function start(api = new FakeConverse()) {
  await install(api);
  useShellStatus.setState({ state: 'running' });
  const user = userEvent.setup();
  renderApp();
  await screen.findByRole('heading', { name: /Converse/ });
  return { api, user };
}

const twoLeads = () => [
  makeLead(),
  makeLead({ id: 'lead-mario', firstName: 'Mario', lastName: 'Garcia', email: 'mario.garcia@example.com' }),
];

describe('keyboard through search results', () => {
  it('moves with ↓/↑ from the box into the results and back, and Enter opens the focused lead', async () => {
    const api = new FakeConverse();
    api.leads = twoLeads();
    const { user } = await start(api);
    const box = screen.getByRole('searchbox', { name: 'Search leads' });
    await user.type(box, 'Garcia');
    const results = await screen.findByRole('list', { name: 'Leads found' });
    await waitFor(() => expect(within(results).getAllByRole('button')).toHaveLength(2));
    const [maria, mario] = within(results).getAllByRole('button');
    await user.keyboard('{ArrowDown}');
    expect(maria).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(mario).toHaveFocus();
    await user.keyboard('{ArrowDown}'); // stays on the last
    expect(mario).toHaveFocus();
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(box).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(await screen.findByRole('button', { name: 'Open lead details for Mario Garcia' })).toBeInTheDocument();
  });

  it('opens the first result with Enter in the box, and puts the cursor in the composer', async () => {
    const api = new FakeConverse();
    api.leads = twoLeads();
    const { user } = await start(api);
    await user.type(screen.getByRole('searchbox', { name: 'Search leads' }), 'Maria');
    await screen.findByRole('list', { name: 'Leads found' });
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Message' })).toHaveFocus());
    // Typing goes straight into the message.
    await user.keyboard('Hello');
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Hello');
  });

  it('knows where each key goes', () => {
    expect(nextResultIndex('ArrowDown', -1, 3)).toBe(0);
    expect(nextResultIndex('ArrowUp', 0, 3)).toBe(-1);
    expect(nextResultIndex('End', 0, 3)).toBe(2);
    expect(nextResultIndex('Home', -1, 3)).toBeNull(); // the caret's, in the box
    expect(nextResultIndex('ArrowDown', -1, 0)).toBeNull();
  });
});

describe('focus and Escape', () => {
  it('puts the cursor in the composer when a conversation is opened from the list', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Message' })).toHaveFocus());
  });

  it('closes the nudges panel, settings and the lead details with Escape', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    const { user } = await start(api);
    await user.click(screen.getByRole('button', { name: 'Nudges' }));
    expect(await screen.findByRole('region', { name: 'Nudges' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Nudges' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Profile' }));
    await user.click(screen.getByRole('menuitem', { name: 'Settings' }));
    expect(await screen.findByRole('region', { name: 'Settings' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Settings' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await user.click(await screen.findByRole('button', { name: 'Open lead details for Maria Garcia' }));
    const details = await screen.findByRole('region', { name: 'Lead details' });
    // The email wraps at <wbr> points (before @ and dots), never inside a word.
    const email = await within(details).findByText(
      (_, el) => el?.tagName === 'DD' && el.textContent === 'maria@example.com',
    );
    expect(email.querySelectorAll('wbr')).toHaveLength(2);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Lead details' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();
  });

  it('lets a filled search box take Escape first (it empties the box)', async () => {
    const { user } = await start();
    await user.click(screen.getByRole('button', { name: 'Nudges' }));
    await user.click(await screen.findByRole('button', { name: 'Close' }));
    const box = screen.getByRole('searchbox', { name: 'Search leads' });
    await user.type(box, 'Mar{Escape}');
    expect(box).toHaveValue('');
  });
});

describe('the expanded view in a narrow window', () => {
  it('shows one pane at a time: the list, then what is open with a Back button', async () => {
    const api = new FakeConverse();
    api.conversations = [makeSummary()];
    api.expanded = true;
    const { user } = await start(api);
    await act(async () => {
      await import('../state/appStore').then((m) => m.useApp.getState().setExpanded(true));
    });
    const columns = document.querySelector('.expanded .columns')!;
    expect(columns).toHaveClass('showing-list');
    await user.click(screen.getByRole('button', { name: /Maria Garcia/ }));
    await waitFor(() => expect(columns).toHaveClass('showing-main'));
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(columns).toHaveClass('showing-list'));
  });
});

describe('the browser shell that served the page', () => {
  it("says it stopped and how to start it, instead of a countdown, in the rep's language", async () => {
    const api = new FakeConverse({ shell: 'web' });
    await start(api);
    act(() => {
      api.emit('connection.changed', {
        status: 'connecting',
        retryAt: null,
        reason: 'The Converse browser shell has stopped.',
        outboxSize: 0,
      });
      api.emit('notice', {
        kind: SHELL_NOTICE.stopped,
        message: 'The Converse browser shell has stopped. Start it again with `npm run web`…',
      });
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Converse has stopped in this browser. Start it again with “npm run web” in a terminal, then open the address it prints in this tab.',
    );
    expect(screen.queryByText(/Reconnecting in/)).not.toBeInTheDocument();
    // The bridge's English sentence is not shown a second time.
    expect(screen.queryByText(/browser shell has stopped/)).not.toBeInTheDocument();

    await act(async () => {
      await i18n.changeLanguage('hi');
    });
    expect(screen.getByRole('alert')).toHaveTextContent('इस ब्राउज़र में Converse बंद हो गया है।');
    await act(async () => {
      await i18n.changeLanguage('en');
    });

    act(() => api.emit('notice', { kind: SHELL_NOTICE.restarted, message: 'restarted' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Converse was restarted. Open the new address that “npm run web” printed in this tab',
    );
    act(() => api.emit('notice', { kind: SHELL_NOTICE.back, message: 'back' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  });
});
