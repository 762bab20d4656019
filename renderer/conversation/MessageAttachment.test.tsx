// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageAttachment, blobFromDataUrl, forgetPreviews } from './MessageAttachment';
import { FakeConverse } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';
import { i18n } from '../i18n';
import { en } from '../i18n/en';
import { hi } from '../i18n/hi';

const pdf = {
  id: 'att-1',
  fileName: 'quote.pdf',
  mimeType: 'application/pdf',
  size: 245_000,
  kind: 'document' as const,
};

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

describe('a media file in a message', () => {
  const photo = {
    id: 'att-photo',
    fileName: 'site visit.jpg',
    mimeType: 'image/jpeg',
    size: 48_000,
    kind: 'image' as const,
  };
  const clip = {
    id: 'att-clip',
    fileName: 'walkthrough.mp4',
    mimeType: 'video/mp4',
    size: 2_400_000,
    kind: 'video' as const,
  };
  beforeEach(() => forgetPreviews());

  it.each(['electron', 'web'] as const)(
    'previews an image through attachments.preview in the %s shell, without downloading it',
    async (shell) => {
      const api = await install(new FakeConverse({ shell }));
      renderWithI18n(<MessageAttachment attachment={photo} />);
      const img = await screen.findByRole('img', { name: 'Image site visit.jpg' });
      expect(img).toHaveAttribute('src', 'app://converse/attachments/att-photo');
      expect(api.callsOf('attachments.preview')).toEqual([{ attachmentId: 'att-photo' }]);
      expect(api.callsOf('attachments.download')).toEqual([]);
    },
  );

  it('downloads only when the rep clicks "Download"', async () => {
    const api = await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={clip} />);
    await screen.findByLabelText('Video walkthrough.mp4');
    expect(api.callsOf('attachments.download')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(await screen.findByText('Saved to /home/rita/Downloads/file')).toBeInTheDocument();
    expect(api.callsOf('attachments.download')).toEqual([{ attachmentId: 'att-clip' }]);
  });

  it('falls back to the file chip when no preview can be had, and asks again next time', async () => {
    const api = await install(new FakeConverse({ shell: 'web' }));
    api.failures.set('attachments.preview', { code: 'too_large', message: 'Too large to preview.' });
    const first = renderWithI18n(<MessageAttachment attachment={photo} />);
    await waitFor(() => expect(api.callsOf('attachments.preview')).toHaveLength(1));
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download' })).toBeInTheDocument();
    first.unmount();
    renderWithI18n(<MessageAttachment attachment={photo} />);
    expect(await screen.findByRole('img', { name: 'Image site visit.jpg' })).toBeInTheDocument();
    expect(api.callsOf('attachments.preview')).toHaveLength(2);
  });

  it('drops a preview URL that stops loading and shows the chip', async () => {
    await install(new FakeConverse({ shell: 'web' }));
    renderWithI18n(<MessageAttachment attachment={photo} />);
    const img = await screen.findByRole('img', { name: 'Image site visit.jpg' });
    fireEvent.error(img);
    await waitFor(() => expect(screen.queryByRole('img')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Download' })).toBeInTheDocument();
  });
});

describe('a download handed over as a data: URL (browser shell)', () => {
  it('is decoded in the page, without a fetch the CSP would refuse', async () => {
    const blob = blobFromDataUrl('data:application/pdf;base64,JVBERi0xLjQK')!;
    expect(blob.type).toBe('application/pdf');
    expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual([...'%PDF-1.4\n'].map((c) => c.charCodeAt(0)));
    expect(await blobFromDataUrl('data:text/plain,hello%20there')!.text()).toBe('hello there');
    expect(blobFromDataUrl('https://example.com/x')).toBeNull();
  });
});

describe('a file the server blocked', () => {
  const exe = {
    id: 'att-exe',
    fileName: 'invoice.pdf',
    mimeType: 'application/x-msdownload',
    size: 512,
    kind: 'document' as const,
    blocked: 'executable' as const,
  };
  const svg = {
    id: 'att-svg',
    fileName: 'report.pdf',
    mimeType: 'image/svg+xml',
    size: 300,
    kind: 'image' as const,
    blocked: 'scripted_svg' as const,
  };
  beforeEach(() => forgetPreviews());

  it('says why, and offers neither a preview nor a download', async () => {
    const api = await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={exe} />);
    expect(screen.getByText('invoice.pdf')).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(
      'Blocked: this file is a program or script and can harm your computer.',
    );
    expect(screen.queryByRole('button', { name: 'Download' })).not.toBeInTheDocument();
    // Even an "image" the server blocked is never fetched for a preview.
    renderWithI18n(<MessageAttachment attachment={svg} />);
    expect(screen.getAllByRole('note')[1]).toHaveTextContent('Blocked: this image carries script');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(api.callsOf('attachments.preview')).toEqual([]);
    expect(api.callsOf('attachments.download')).toEqual([]);
  });

  it('says why in Hindi', async () => {
    await install(new FakeConverse({ shell: 'electron' }));
    await i18n.changeLanguage('hi');
    renderWithI18n(<MessageAttachment attachment={exe} />);
    expect(screen.getByRole('note')).toHaveTextContent(hi.attachment.blocked.executable);
    expect(hi.attachment.blocked.executable).not.toBe(en.attachment.blocked.executable);
  });

  it('shows a chip name without the bidi override an older server may have kept', async () => {
    await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={{ ...pdf, fileName: 'invoice\u202Efdp.exe' }} />);
    expect(screen.getByText('invoicefdp.exe')).toBeInTheDocument();
  });
});

describe('a file the provider has not handed over yet', () => {
  const photo = {
    id: 'att-later',
    fileName: 'photo.jpg',
    mimeType: 'image/jpeg',
    size: 0,
    kind: 'document' as const,
    unavailable: 'retrying' as const,
  };
  beforeEach(() => forgetPreviews());

  it('says "Media unavailable — retrying", fetches no preview, and "Download" asks for it again', async () => {
    const api = await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={photo} />);
    expect(screen.getByRole('status')).toHaveTextContent('Media unavailable — retrying');
    expect(api.callsOf('attachments.preview')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(api.callsOf('attachments.download')).toEqual([{ attachmentId: 'att-later' }]);
  });

  it('says when the automatic tries are over', async () => {
    await install(new FakeConverse({ shell: 'electron' }));
    renderWithI18n(<MessageAttachment attachment={{ ...photo, unavailable: 'gave_up' }} />);
    expect(screen.getByRole('status')).toHaveTextContent(en.attachment.unavailable.gave_up);
  });
});
