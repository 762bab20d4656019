// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Composer, type ComposerProps } from './Composer';
import { FakeConverse, makeLead, makeTemplate } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';
import { useApp } from '../state/appStore';
import { useChat } from '../state/chatStore';

const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const file = (name: string, type: string, size: number) => new File([new Uint8Array(size)], name, { type });

async function setup(props: Partial<ComposerProps> = {}, api = new FakeConverse()) {
  await install(api);
  const lead = props.lead ?? makeLead();
  // The thread must be loaded for a sent message to appear in it.
  await useChat.getState().open(lead.id, props.channel ?? 'sms');
  const user = userEvent.setup();
  renderWithI18n(<Composer lead={lead} channel="sms" phone={lead.phones[0]} windowClosesAt={null} {...props} />);
  return { api, user, lead };
}

describe('Composer', () => {
  it('sends with Enter, makes a new line with Shift+Enter, and clears the box', async () => {
    const { api, user } = await setup();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'Hello Maria{Shift>}{Enter}{/Shift}See you');
    expect(box).toHaveValue('Hello Maria\nSee you');
    expect(api.callsOf('messages.send')).toHaveLength(0);
    await user.type(box, '{Enter}');
    await waitFor(() => expect(api.callsOf('messages.send')).toHaveLength(1));
    expect(api.callsOf('messages.send')[0]).toMatchObject({
      leadId: 'lead-maria',
      channel: 'sms',
      to: 'ph-1',
      body: 'Hello Maria\nSee you',
    });
    await waitFor(() => expect(box).toHaveValue(''));
  });

  it('counts SMS characters and segments', async () => {
    const { user } = await setup();
    expect(screen.getByText('0 characters · 0 segments')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'a'.repeat(161));
    expect(screen.getByText('161 characters · 2 segments')).toBeInTheDocument();
  });

  it('disables sending to an opted-out number and says why', async () => {
    const lead = makeLead({
      phones: [{ handle: 'ph-1', display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: true }],
    });
    await setup({ lead, phone: lead.phones[0] });
    expect(screen.getByText(/opted out of SMS/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(screen.queryByLabelText('Attach')).toBeNull();
  });

  it('points to another number of the lead that can still receive SMS, and invites no typing', async () => {
    const lead = makeLead({
      phones: [
        { handle: 'ph-1', display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: true },
        { handle: 'ph-2', display: '+1 415 555 0178', primary: false, masked: false, smsOptedOut: false },
      ],
    });
    await setup({ lead, phone: lead.phones[0] });
    expect(screen.getByRole('note')).toHaveTextContent('choose it in “Select Number”');
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', '');
  });

  it('does not point elsewhere when every number opted out', async () => {
    const lead = makeLead({
      phones: [{ handle: 'ph-1', display: '+1 415 555 0134', primary: true, masked: false, smsOptedOut: true }],
    });
    await setup({ lead, phone: lead.phones[0] });
    expect(screen.getByRole('note')).not.toHaveTextContent('Select Number');
  });

  it('with the WhatsApp window closed hides attach and emoji and offers templates only', async () => {
    const api = new FakeConverse();
    api.templates = [
      makeTemplate({
        id: 'wa-1',
        name: 'follow_up',
        channel: 'whatsapp',
        body: 'Hi {{1}}, shall we talk?',
        params: ['FirstName'],
        status: 'APPROVED',
      }),
    ];
    const { user } = await setup({ channel: 'whatsapp', windowClosesAt: null }, api);
    expect(screen.getByText(/WhatsApp window is closed\. Send a template/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Attach')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Emoji' })).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Select a Template' }));
    await user.click(await screen.findByRole('button', { name: /follow_up/ }));
    expect(screen.getByRole('group', { name: 'Template selected: follow_up' })).toHaveTextContent(
      'Hi Maria, shall we talk?',
    );
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(api.callsOf('messages.send')[0]).toMatchObject({
        channel: 'whatsapp',
        templateId: 'wa-1',
        body: 'Hi Maria, shall we talk?',
      }),
    );
  });

  it('with the WhatsApp window open shows the time left, Attach and Emoji', async () => {
    await setup({ channel: 'whatsapp', windowClosesAt: inHours(5) });
    expect(screen.getByText(/WhatsApp window open: (4 h 59 min|5 h 0 min) left/)).toBeInTheDocument();
    expect(screen.getByLabelText('Attach')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Emoji' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  });

  it('refuses a file type the connector does not accept, before any upload, naming what can be sent', async () => {
    const { api } = await setup({ channel: 'whatsapp', windowClosesAt: inHours(2) });
    // The picker's accept filter can be bypassed (drag and drop, "All files"): the check still holds.
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(screen.getByLabelText('Attach'), file('notes.txt', 'text/plain', 100));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'This kind of file cannot be sent by WhatsApp Business. You can send: jpeg, jpg, png',
    );
    // Words for reps: no MIME type, no connector name.
    expect(alert).not.toHaveTextContent('text/plain');
    expect(api.callsOf('attachments.upload')).toHaveLength(0);
  });

  it('refuses a file over the size limit, naming the limit', async () => {
    const { api, user } = await setup({ channel: 'whatsapp', windowClosesAt: inHours(2) });
    await user.upload(screen.getByLabelText('Attach'), file('big.jpg', 'image/jpeg', 6 * 1024 * 1024));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This file is 6 MB; by WhatsApp Business a file of this kind can be at most 5 MB.',
    );
    expect(api.callsOf('attachments.upload')).toHaveLength(0);
  });

  it('has one box: an image shows its thumbnail and the box becomes its caption; upload progress can be cancelled', async () => {
    const api = new FakeConverse();
    api.holdUploads = true;
    const { user } = await setup({ channel: 'whatsapp', windowClosesAt: inHours(2) }, api);
    await user.upload(screen.getByLabelText('Attach'), file('photo.jpg', 'image/jpeg', 2000));
    const bar = await screen.findByRole('progressbar', { name: 'Upload progress' });
    await waitFor(() => expect(bar).toHaveAttribute('value', '1000'));
    expect(screen.getByRole('img', { name: 'Preview of photo.jpg' })).toBeInTheDocument();
    expect(screen.getAllByRole('textbox')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Cancel upload' }));
    expect(api.callsOf('attachments.cancel')).toHaveLength(1);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();

    await user.upload(screen.getByLabelText('Attach'), file('photo.jpg', 'image/jpeg', 2000));
    await waitFor(() => expect(api.uploadIds).toHaveLength(2));
    api.resolveUpload(api.uploadIds[1]);
    const caption = await screen.findByRole('textbox', { name: 'Caption' });
    expect(screen.getAllByRole('textbox')).toHaveLength(1);
    await user.type(caption, 'Our new office');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.callsOf('messages.send')).toHaveLength(1));
    const sent = api.callsOf('messages.send')[0];
    expect(sent).toMatchObject({ channel: 'whatsapp', caption: 'Our new office', body: '' });
    expect(sent.attachment).toMatchObject({ fileName: 'photo.jpg', kind: 'image' });
  });

  it('offers no caption for a document: the one box is closed and says so', async () => {
    await setup({ channel: 'whatsapp', windowClosesAt: inHours(2) });
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText('Attach'), file('quote.pdf', 'application/pdf', 5000));
    const chip = await screen.findByRole('group', { name: 'Attached: quote.pdf' });
    await waitFor(() =>
      expect(within(chip).getByText(/Captions can be added to images and videos only\./)).toBeInTheDocument(),
    );
    expect(screen.queryByRole('textbox', { name: 'Caption' })).toBeNull();
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(box).toBeDisabled();
    expect(box).toHaveAttribute('placeholder', 'This file is sent without text');
    expect(screen.queryByRole('img', { name: /Preview of/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('keeps a file chosen while the server is unreachable and sends the file itself for the outbox to upload', async () => {
    const { api, user } = await setup({ channel: 'sms' });
    useApp.getState().setConnection({
      status: 'offline',
      retryAt: new Date(Date.now() + 5000).toISOString(),
      reason: 'connect ECONNREFUSED',
      outboxSize: 0,
    });
    await user.upload(screen.getByLabelText('Attach'), file('office.png', 'image/png', 3000));
    expect(await screen.findByText(/Sent when the server is back/)).toBeInTheDocument();
    expect(api.callsOf('attachments.upload')).toHaveLength(0);
    await user.type(screen.getByRole('textbox', { name: 'Caption' }), 'The office{Enter}');
    await waitFor(() => expect(api.callsOf('messages.send')).toHaveLength(1));
    const sent = api.callsOf('messages.send')[0];
    expect(sent).toMatchObject({ caption: 'The office', body: '', file: { fileName: 'office.png' } });
    expect(sent.file?.bytes.byteLength).toBe(3000);
    expect(sent.attachment).toBeUndefined();
  });

  it("refuses an SMS to a UK number before anything is typed, and points to the lead's US number", async () => {
    const lead = makeLead({
      id: 'lead-lucas',
      firstName: 'Lucas',
      lastName: 'Rodríguez',
      phones: [
        {
          handle: 'ph-uk',
          display: '+44 7700 900107',
          primary: true,
          masked: false,
          smsOptedOut: false,
          cannotReach: ['sms'],
        },
        {
          handle: 'ph-us',
          display: '+1 212 555 0107',
          primary: false,
          masked: false,
          smsOptedOut: false,
          cannotReach: [],
        },
      ],
    });
    const { api, user } = await setup({ lead, phone: lead.phones[0] });
    expect(screen.getByRole('note')).toHaveTextContent(
      'SMS reaches US numbers only, and this number is not a US number. Another number of this lead is a US number',
    );
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(box).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(box, 'Hi{Enter}');
    expect(api.callsOf('messages.send')).toHaveLength(0);
  });

  it('refuses a 1,001-character SMS before sending, says by how much, and keeps the text', async () => {
    const { api, user } = await setup();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.click(box);
    await user.paste('a'.repeat(1000));
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
    expect(screen.queryByText(/Too long/)).toBeNull();
    await user.type(box, 'b');
    expect(screen.getByText('Too long: 1001 characters, at most 1000. Shorten it by 1.')).toHaveAttribute(
      'role',
      'status',
    );
    expect(screen.getByText(/1001 characters · 7 segments/)).toHaveClass('over');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(box, '{Enter}');
    expect(api.callsOf('messages.send')).toHaveLength(0);
    expect(box).toHaveValue(`${'a'.repeat(1000)}b`);
    await user.type(box, '{Backspace}');
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('shows why a send failed in words, with the technical detail behind "Details"', async () => {
    const api = new FakeConverse();
    api.failures.set('messages.send', {
      code: 'provider_error',
      message: 'Sandbox SMS (as RingCentral) answered HTTP 503: connect ECONNREFUSED 127.0.0.1:9',
    });
    const { user } = await setup({}, api);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Could not send: The provider did not accept this message; its reason is under Details.',
    );
    const details = within(alert).getByText('Details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    expect(details).toHaveTextContent('ECONNREFUSED');
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Hi');
  });
});

describe('Composer drafts', () => {
  it('keeps unsent text when the rep switches away and back', async () => {
    const api = await install(new FakeConverse());
    const lead = makeLead();
    await useChat.getState().open(lead.id, 'sms');
    const user = userEvent.setup();
    const { unmount } = renderWithI18n(
      <Composer lead={lead} channel="sms" phone={lead.phones[0]} windowClosesAt={null} />,
    );
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Half a thought');
    unmount();
    renderWithI18n(<Composer lead={lead} channel="sms" phone={lead.phones[0]} windowClosesAt={null} />);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Half a thought');
    expect(api.callsOf('messages.send')).toHaveLength(0);
  });
});
