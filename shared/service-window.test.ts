import {
  serviceWindowClosesAt,
  isServiceWindowOpen,
  serviceWindowRemainingMs,
  SERVICE_WINDOW_MS,
} from './service-window';

describe('WhatsApp service window', () => {
  const lastInbound = new Date('2026-11-24T10:00:00Z');
  const closes = serviceWindowClosesAt(lastInbound)!;

  it('closes 24 hours after the newest inbound message', () => {
    expect(closes.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(serviceWindowClosesAt(lastInbound.toISOString())).toEqual(closes);
    expect(serviceWindowClosesAt(null)).toBeNull();
    expect(serviceWindowClosesAt('garbage')).toBeNull();
  });

  it('is open before, closed at and after the closing time', () => {
    expect(isServiceWindowOpen(closes, new Date(closes.getTime() - 1))).toBe(true);
    expect(isServiceWindowOpen(closes, closes)).toBe(false);
    expect(isServiceWindowOpen(closes.toISOString(), new Date(closes.getTime() + 1))).toBe(false);
    expect(isServiceWindowOpen(null)).toBe(false);
  });

  it('closes while the rep types: open when they start, closed when they send', () => {
    const startTyping = new Date(closes.getTime() - 30_000);
    const pressSend = new Date(closes.getTime() + 5_000);
    expect(isServiceWindowOpen(closes, startTyping)).toBe(true);
    expect(isServiceWindowOpen(closes, pressSend)).toBe(false);
  });

  it('counts down for the composer', () => {
    expect(serviceWindowRemainingMs(closes, lastInbound)).toBe(SERVICE_WINDOW_MS);
    expect(serviceWindowRemainingMs(closes, new Date(closes.getTime() - 90_000))).toBe(90_000);
    expect(serviceWindowRemainingMs(closes, new Date(closes.getTime() + 1))).toBe(0);
    expect(serviceWindowRemainingMs(undefined)).toBe(0);
  });
});
