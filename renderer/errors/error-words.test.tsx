// @vitest-environment jsdom
// Words for reps: every error code a rep can see has a sentence in English and Hindi, and no
// sentence carries what only engineers read (MIME types, connector names, system errors, URLs).
import '../test-support/jsdom-polyfills';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ErrorCode } from '../../shared/error-codes';
import { en } from '../i18n/en';
import { hi } from '../i18n/hi';
import { i18n } from '../i18n';
import { errorWords } from './error-words';
import { ErrorText } from './ErrorText';
import { renderWithI18n } from '../test-support/render';

const JARGON = /[a-z]+\/[a-z0-9.+-]+|ECONN|ETIMEDOUT|https?:\/\/|RingCentral|CTM|Sandbox|HTTP \d/i;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('words for reps', () => {
  it('has a sentence for every error code, in English and Hindi, free of jargon', () => {
    const enErrors = en.errors as Record<string, string>;
    const hiErrors = hi.errors as Record<string, string>;
    for (const code of Object.values(ErrorCode)) {
      expect(enErrors[code], `en ${code}`).toBeTruthy();
      expect(hiErrors[code], `hi ${code}`).toBeTruthy();
      expect(enErrors[code], `en ${code}`).not.toMatch(JARGON);
    }
  });

  it('says "you are offline" only when the machine has no network; otherwise the server cannot be reached', () => {
    const t = i18n.getFixedT('en');
    expect(errorWords(t, 'offline')).toBe(
      'The Converse server cannot be reached right now. What you send goes out once it is back.',
    );
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    expect(errorWords(t, 'offline')).toBe('You are offline. What you send goes out when you are back online.');
  });

  it('gives an unknown code a general sentence and keeps the technical message behind "Details"', async () => {
    renderWithI18n(<ErrorText code="weird_new_code" detail="connect ECONNREFUSED 127.0.0.1:4000" />);
    expect(screen.getByText('Something went wrong. The details can help your admin.')).toBeInTheDocument();
    const details = screen.getByText('Details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    await userEvent.setup().click(screen.getByText('Details'));
    expect(details).toHaveAttribute('open');
    expect(details).toHaveTextContent('ECONNREFUSED');
  });

  it('speaks Hindi when the interface does', () => {
    expect(errorWords(i18n.getFixedT('hi'), 'not_us_number')).toBe(hi.errors.not_us_number);
  });
});
