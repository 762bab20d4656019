// @vitest-environment jsdom
import '../test-support/jsdom-polyfills';
import { screen } from '@testing-library/react';
import { ServiceWindowBanner } from './ServiceWindowBanner';
import { FakeConverse } from '../test-support/FakeConverse';
import { install, renderWithI18n } from '../test-support/render';

describe('the WhatsApp window banner', () => {
  it('never shows more than 24 hours left, even when its ticking clock is a little behind', async () => {
    await install(new FakeConverse());
    // The lead replied just now (window: 24 h from now); the last tick was 25 s ago.
    const closesAt = new Date(Date.now() + 24 * 3_600_000).toISOString();
    renderWithI18n(<ServiceWindowBanner closesAt={closesAt} now={new Date(Date.now() - 25_000)} />);
    expect(screen.getByRole('note')).toHaveTextContent('WhatsApp window open: 24 h 0 min left to reply freely');
  });

  it('says the window is closed once it is', async () => {
    await install(new FakeConverse());
    renderWithI18n(
      <ServiceWindowBanner closesAt={new Date(Date.now() - 1000).toISOString()} now={new Date(Date.now() - 25_000)} />,
    );
    expect(screen.getByRole('note')).toHaveTextContent(/window is closed/);
  });
});
