// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageAttachment } from './MessageAttachment';
import { FakeConverse } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';

const pdf = { id: 'att-1', fileName: 'quote.pdf', mimeType: 'application/pdf', size: 245_000, kind: 'document' as const };

describe('a file in a message', () => {
  it('shows a document as a chip with its name, size and "Download"', async () => {
    const api = await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={pdf} />);
    expect(screen.getByText('quote.pdf')).toBeInTheDocument();
    expect(screen.getByText('239 KB')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(await screen.findByText('Saved to /home/rita/Downloads/file')).toBeInTheDocument();
    expect(api.callsOf('attachments.download')).toEqual([{ attachmentId: 'att-1' }]);
  });

  it('says why a download failed', async () => {
    const api = await install(new FakeConverse({ shell: 'electron' }));
    api.failures.set('attachments.download', { code: 'not_found', message: 'The file is gone.' });
    renderWithI18n(<MessageAttachment attachment={pdf} />);
    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Download failed: The file is gone.');
  });
});
