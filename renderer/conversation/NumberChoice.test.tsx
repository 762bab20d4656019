// @vitest-environment jsdom
// Several numbers per lead: Select Number marks the ones a channel cannot reach and preselects
// the first that can; each bubble says which number it went to or came from.
import '../test-support/jsdom-polyfills';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeConverse, makeLead, makeMessage, makeSummary } from '../test-support/FakeConverse';
import { install, renderApp } from '../test-support/render';

const lucas = makeLead({
  id: 'lead-lucas',
  firstName: 'Lucas',
  lastName: 'Rodríguez',
  phones: [
    {
      handle: 'ph-uk',
      display: '+44 7700 900107',
      label: 'UK mobile',
      primary: true,
      masked: false,
      smsOptedOut: false,
      cannotReach: ['sms'],
    },
    {
      handle: 'ph-us',
      display: '+1 212 555 0107',
      label: 'Mobile',
      primary: false,
      masked: false,
      smsOptedOut: false,
      cannotReach: [],
    },
  ],
});

async function openLucas(api: FakeConverse) {
  api.leads = [lucas];
  api.conversations = [makeSummary({ leadId: 'lead-lucas', leadName: 'Lucas Rodríguez' })];
  await install(api);
  const user = userEvent.setup();
  renderApp();
  await user.click(await screen.findByRole('button', { name: /Lucas Rodríguez/ }));
  return user;
}

describe('Select Number', () => {
  it('preselects the US number for SMS and marks the UK one; WhatsApp keeps the primary', async () => {
    const api = new FakeConverse();
    const user = await openLucas(api);
    const select = await screen.findByRole('combobox', { name: 'Select Number' });
    expect(select).toHaveValue('ph-us');
    expect(within(select).getByRole('option', { name: /UK mobile/ })).toHaveTextContent('no SMS: not a US number');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hola Lucas{Enter}');
    await waitFor(() => expect(api.callsOf('messages.send')[0]).toMatchObject({ to: 'ph-us', channel: 'sms' }));
    await user.click(screen.getByRole('radio', { name: 'WhatsApp Business' }));
    expect(await screen.findByRole('combobox', { name: 'Select Number' })).toHaveValue('ph-uk');
  });

  it('says on each bubble which number it went to or came from', async () => {
    const api = new FakeConverse();
    api.messages = [
      makeMessage({
        id: 'm1',
        leadId: 'lead-lucas',
        direction: 'inbound',
        status: 'received',
        body: 'Hi from London',
        phoneHandle: 'ph-uk',
      }),
      makeMessage({ id: 'm2', leadId: 'lead-lucas', body: 'Texting your US number', phoneHandle: 'ph-us' }),
    ];
    await openLucas(api);
    const inbound = (await screen.findByText('Hi from London')).closest('article')!;
    expect(inbound).toHaveTextContent('From +44 7700 900107 (UK mobile)');
    expect(screen.getByText('Texting your US number').closest('article')!).toHaveTextContent(
      'To +1 212 555 0107 (Mobile)',
    );
  });
});
