// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createInstance, type i18n as I18n } from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import type { UsageMonth, UsageReport, UsageReportQuery } from '../../shared/ipc';
import { UsageReports } from './UsageReports';
import { registerReportsResources, reportsResources } from './i18n';

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

function monthOf(month: string, seed: number): UsageMonth {
  return {
    month,
    nudges: { lead: seed, task: seed + 1, activity: seed + 2 },
    sms: {
      inbound: 10 * seed + 3,
      outbound: 10 * seed + 4,
      byProvider: {
        ctm: { inbound: 10 * seed + 1, outbound: 10 * seed + 4 },
        ringcentral: { inbound: 2, outbound: 0 },
      },
    },
    whatsapp: { inbound: seed + 5, outbound: seed + 6 },
  };
}

/** What the fake server answers: March 2026 has a four-digit figure to check number formatting. */
function fakeReport(q: UsageReportQuery): UsageReport {
  const months =
    q.range === 'month'
      ? [q.month]
      : Array.from({ length: 12 }, (_, i) => {
          const d = new Date(Date.UTC(Number(q.month.slice(0, 4)), Number(q.month.slice(5)) - 1 - (11 - i), 1));
          return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
        });
  return {
    scope: 'workspace',
    timeZone: 'America/New_York',
    months: months.map((m, i) => {
      const um = monthOf(m, i + 1);
      if (m === '2026-03') um.nudges.lead = 1234;
      return um;
    }),
  };
}

let i18n: I18n;
let invoke: Mock<(name: string, args: UsageReportQuery) => Promise<UsageReport>>;

async function renderView(onClose = vi.fn()) {
  render(
    <I18nextProvider i18n={i18n}>
      <UsageReports onClose={onClose} />
    </I18nextProvider>,
  );
  return onClose;
}

const rowsOf = (tableName: RegExp) => {
  const table = screen.getByRole('table', { name: tableName });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
};

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-03-15T12:00:00'));
  vi.stubGlobal('ResizeObserver', NoopResizeObserver);
  i18n = createInstance();
  await i18n
    .use(initReactI18next)
    .init({ lng: 'en', fallbackLng: 'en', resources: {}, interpolation: { escapeValue: false } });
  registerReportsResources(i18n);
  invoke = vi.fn(async (_name: string, args: UsageReportQuery) => fakeReport(args));
  (window as any).converse = { invoke, on: () => () => {}, platform: 'web', shell: 'web' };
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete (window as any).converse;
});

describe('Usage Reports view', () => {
  it('asks for this month and shows its numbers in tables beside the charts', async () => {
    await renderView();
    await screen.findByRole('table', { name: 'Nudges by entity' });
    expect(invoke).toHaveBeenCalledWith('reports.usage', { range: 'month', month: '2026-03' });
    expect(screen.getByRole('combobox', { name: 'Month' })).toHaveDisplayValue('March');
    expect(screen.getByRole('combobox', { name: 'Year' })).toHaveDisplayValue('2026');
    expect(rowsOf(/^Nudges by entity$/)).toEqual([['Mar 2026', '1,234', '2', '3', '1,239']]);
    expect(rowsOf(/^SMS received and sent$/)).toEqual([['Mar 2026', '13', '14']]);
    expect(rowsOf(/^SMS per provider$/)).toEqual([['Mar 2026', '14', '11', '0', '2']]);
    expect(rowsOf(/^WhatsApp messages$/)).toEqual([['Mar 2026', '6', '7']]);
    // Four charts: WhatsApp has one too, not only a table.
    expect(screen.getAllByRole('figure')).toHaveLength(4);
    expect(screen.getByRole('figure', { name: /WhatsApp messages/ })).toBeInTheDocument();
    expect(screen.getByText(/whole workspace.*America\/New_York/)).toBeInTheDocument();
  });

  it('shows 12 months, oldest first, for "Last 12 months" and follows the month filter', async () => {
    const user = userEvent.setup({ advanceTimers: () => {} });
    await renderView();
    await screen.findByRole('table', { name: 'Nudges by entity' });
    await user.click(screen.getByRole('radio', { name: 'Last 12 months' }));
    await waitFor(() => expect(rowsOf(/^Nudges by entity$/)).toHaveLength(12));
    expect(invoke).toHaveBeenLastCalledWith('reports.usage', { range: 'last12', month: '2026-03' });
    const nudges = rowsOf(/^Nudges by entity$/);
    expect(nudges[0]).toEqual(['Apr 2025', '1', '2', '3', '6']);
    expect(nudges[11]).toEqual(['Mar 2026', '1,234', '13', '14', '1,261']);

    // A month picked while "Last 12 months" is chosen: the twelve ending with it.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Year' }), '2025');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Month' }), 'December');
    await waitFor(() =>
      expect(invoke).toHaveBeenLastCalledWith('reports.usage', { range: 'last12', month: '2025-12' }),
    );
    await waitFor(() => expect(rowsOf(/^SMS received and sent$/)[11]).toEqual(['Dec 2025', '123', '124']));
    expect(screen.getByText('Jan 2025 – Dec 2025')).toBeInTheDocument();
  });

  it('ends "Last 12 months" at the current month when a month was picked for "This month" before', async () => {
    const user = userEvent.setup({ advanceTimers: () => {} });
    await renderView();
    await screen.findByRole('table', { name: 'Nudges by entity' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Year' }), '2025');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Month' }), 'October');
    await waitFor(() => expect(invoke).toHaveBeenLastCalledWith('reports.usage', { range: 'month', month: '2025-10' }));
    await user.click(screen.getByRole('radio', { name: 'Last 12 months' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenLastCalledWith('reports.usage', { range: 'last12', month: '2026-03' }),
    );
    await waitFor(() => expect(rowsOf(/^Nudges by entity$/).at(-1)?.[0]).toBe('Mar 2026'));
    expect(screen.getByRole('combobox', { name: 'Month' })).toHaveDisplayValue('March');
    expect(screen.getByText('Apr 2025 – Mar 2026')).toBeInTheDocument();
  });

  it('offers no month after the current one', async () => {
    await renderView();
    await screen.findByRole('table', { name: 'Nudges by entity' });
    expect(screen.getByRole('option', { name: 'March' })).toBeEnabled();
    expect(screen.getByRole('option', { name: 'April' })).toBeDisabled();
    expect(
      within(screen.getByRole('combobox', { name: 'Year' }))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['2021', '2022', '2023', '2024', '2025', '2026']);
  });

  it('downloads a CSV with the same numbers as the tables, without the server', async () => {
    const user = userEvent.setup({ advanceTimers: () => {} });
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:usage-1';
    });
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });

    await renderView();
    await user.click(await screen.findByRole('radio', { name: 'Last 12 months' }));
    await waitFor(() => expect(rowsOf(/^Nudges by entity$/)).toHaveLength(12));
    const calls = invoke.mock.calls.length;
    await user.click(screen.getByRole('button', { name: 'Download CSV' }));

    expect(invoke.mock.calls.length).toBe(calls);
    expect(clicked[0].download).toBe('converse-usage-2025-04-to-2026-03.csv');
    expect(clicked[0].href).toBe('blob:usage-1');
    const text = (await blobs[0].text()).replace(/^\uFEFF/, '');
    const [header, ...lines] = text
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header).toEqual([
      'month',
      'nudges_lead',
      'nudges_task',
      'nudges_activity',
      'nudges_total',
      'sms_inbound',
      'sms_outbound',
      'sms_ctm_inbound',
      'sms_ctm_outbound',
      'sms_ringcentral_inbound',
      'sms_ringcentral_outbound',
      'whatsapp_inbound',
      'whatsapp_outbound',
    ]);
    expect(lines).toHaveLength(12);
    expect(lines[11]).toEqual([
      '2026-03',
      '1234',
      '13',
      '14',
      '1261',
      '123',
      '124',
      '121',
      '124',
      '2',
      '0',
      '17',
      '18',
    ]);
    // Every table number appears in the CSV row of its month.
    const tableRows = rowsOf(/^Nudges by entity$/);
    tableRows.forEach((cells, i) =>
      expect(cells.slice(1).map((c) => c!.replace(/,/g, ''))).toEqual(lines[i].slice(1, 5)),
    );
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalledWith('blob:usage-1'));
  });

  it('shows a loading state, then a translated error with a retry that recovers', async () => {
    const user = userEvent.setup({ advanceTimers: () => {} });
    let fail = true;
    let release!: () => void;
    invoke.mockImplementation(
      (_n: string, args: UsageReportQuery) =>
        new Promise((resolve, reject) => {
          release = () =>
            fail ? reject(Object.assign(new Error('Admins only.'), { code: 'forbidden' })) : resolve(fakeReport(args));
        }),
    );
    await renderView();
    expect(screen.getByRole('status')).toHaveTextContent('Loading usage…');
    expect(screen.getByRole('button', { name: 'Download CSV' })).toBeDisabled();
    await act(async () => release());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('You are not allowed to see these reports.');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await act(async () => release());
    await screen.findByRole('table', { name: 'Nudges by entity' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is keyboard reachable and closes with the Close button or Escape', async () => {
    const user = userEvent.setup({ advanceTimers: () => {} });
    const onClose = await renderView();
    await screen.findByRole('table', { name: 'Nudges by entity' });
    expect(screen.getByRole('heading', { level: 1, name: 'Usage Reports' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('combobox', { name: 'Month' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('combobox', { name: 'Year' })).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('radio', { name: 'This month' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('radio', { name: 'Last 12 months' })).toBeChecked();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Download CSV' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('speaks Hindi when the interface does', async () => {
    await i18n.changeLanguage('hi');
    await renderView();
    expect(await screen.findByRole('heading', { level: 1, name: 'उपयोग रिपोर्ट' })).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'एंटिटी के अनुसार नज' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'CSV डाउनलोड करें' })).toBeInTheDocument();
    // The month filter speaks Hindi too (the browser's own month input stayed English).
    expect(screen.getByRole('combobox', { name: 'महीना' })).toHaveDisplayValue('मार्च');
    expect(screen.getByRole('option', { name: 'दिसंबर' })).toBeInTheDocument();
  });
});

describe('reports strings', () => {
  it('has every English string in Hindi too, none empty', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(reportsResources.hi).sort()).toEqual(keys(reportsResources.en).sort());
    const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v) : [v]));
    expect(values(reportsResources.hi).every((v) => v.trim().length > 0)).toBe(true);
  });
});
