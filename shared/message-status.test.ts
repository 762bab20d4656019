import { applyStatus, statusRank } from './message-status';
import type { MessageStatus } from './domain';

const run = (start: MessageStatus, seq: MessageStatus[]) => seq.reduce((s, x) => applyStatus(s, x).status, start);

describe('status rank rule', () => {
  it('orders pending < queued < sent < delivered < read', () => {
    const order: MessageStatus[] = ['pending', 'queued', 'sent', 'delivered', 'read'];
    expect(order.map(statusRank)).toEqual([...order.map(statusRank)].sort((a, b) => a - b));
  });
  it('only moves up; duplicates and stale statuses are ignored', () => {
    expect(applyStatus('delivered', 'sent')).toEqual({ status: 'delivered', ignored: true, recordError: false });
    expect(applyStatus('sent', 'sent')).toMatchObject({ ignored: true });
    expect(run('pending', ['read', 'delivered', 'sent'])).toBe('read');
  });
  it('read without delivered', () => {
    expect(run('queued', ['read'])).toBe('read');
  });
  it('failed from below delivered; a later delivered/read beats it; sent does not', () => {
    expect(applyStatus('sent', 'failed')).toEqual({ status: 'failed', ignored: false, recordError: true });
    expect(run('sent', ['failed', 'sent'])).toBe('failed');
    expect(run('sent', ['failed', 'delivered'])).toBe('delivered');
    expect(run('pending', ['failed', 'read'])).toBe('read');
    expect(applyStatus('failed', 'failed')).toMatchObject({ ignored: true });
  });
  it('failed after delivered keeps the status and records the error', () => {
    expect(applyStatus('delivered', 'failed')).toEqual({ status: 'delivered', ignored: false, recordError: true });
    expect(applyStatus('read', 'failed')).toEqual({ status: 'read', ignored: false, recordError: true });
  });
  it('inbound messages are never moved', () => {
    expect(applyStatus('received', 'read')).toMatchObject({ status: 'received', ignored: true });
  });
});
