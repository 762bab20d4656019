// The conversation's messages in a virtual list: only the rows in view (and a few around them)
// exist in the DOM, so 50,000 messages open as fast as 50. Older pages load when the rep
// scrolls near the top; new messages keep the view at the bottom unless the rep scrolled up,
// in which case a "N new messages" pill offers the way down.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer, observeElementRect, type Virtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { parseConversationId } from '../../shared/domain';
import { formatDay } from '../i18n/format';
import { useChat } from '../state/chatStore';
import { threadRows } from '../state/threadRows';
import { MessageBubble } from './MessageBubble';

const NEAR_BOTTOM_PX = 48;
const LOAD_OLDER_PX = 400;

// A list laid out with no height (jsdom, a hidden window) still renders a screenful of rows.
function observeRectWithFallback(
  instance: Virtualizer<HTMLDivElement, Element>,
  cb: (rect: { width: number; height: number }) => void,
) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width || 400, height: 600 }));
}

/** A lead with several numbers: each bubble says which one (its display, masked or not). */
function useNumberOf(conversationId: string): (handle: string | null) => string | null {
  const leadId = parseConversationId(conversationId)?.leadId ?? '';
  const phones = useChat((s) => s.leads[leadId]?.phones);
  return useCallback(
    (handle: string | null) => {
      if (!phones || phones.length < 2 || !handle) return null;
      const p = phones.find((x) => x.handle === handle);
      return p ? (p.label ? `${p.display} (${p.label})` : p.display) : null;
    },
    [phones],
  );
}

export function MessageList({ conversationId, leadName }: { conversationId: string; leadName: string }) {
  const { t } = useTranslation();
  const thread = useChat((s) => s.threads[conversationId]);
  const numberOf = useNumberOf(conversationId);
  const loadOlder = useChat((s) => s.loadOlder);
  const messages = thread?.messages;
  const rows = useMemo(() => threadRows(messages ?? []), [messages]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [newCount, setNewCount] = useState(0);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 36 : 68),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 4,
    observeElementRect: observeRectWithFallback,
  });

  const scrollToBottom = useCallback(() => {
    if (rows.length === 0) return;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    atBottom.current = true;
    setNewCount(0);
  }, [rows.length, virtualizer]);

  // Opening a conversation starts at its newest message.
  const openedFor = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (openedFor.current === conversationId || rows.length === 0) return;
    openedFor.current = conversationId;
    atBottom.current = true;
    setNewCount(0);
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [conversationId, rows.length, virtualizer]);

  // Older page prepended: keep the rows the rep was reading where they were.
  const firstKey = rows[0]?.key;
  const lastKey = rows[rows.length - 1]?.key;
  const prev = useRef({ firstKey, lastKey, total: 0, count: rows.length });
  useLayoutEffect(() => {
    const p = prev.current;
    const el = scrollRef.current;
    const total = virtualizer.getTotalSize();
    if (el && p.firstKey && firstKey !== p.firstKey && lastKey === p.lastKey && rows.length > p.count) {
      el.scrollTop += total - p.total;
    }
    if (p.lastKey && lastKey !== p.lastKey) {
      // Appended: follow when at the bottom or when the rep sent it; else count it for the pill.
      const prevIndex = rows.findIndex((r) => r.key === p.lastKey);
      const added = prevIndex >= 0 ? rows.slice(prevIndex + 1).filter((r) => r.kind === 'message') : [];
      const mine = added.some((r) => r.kind === 'message' && r.message.direction === 'outbound');
      if (atBottom.current || mine) {
        virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
        atBottom.current = true;
      } else if (added.length > 0) {
        setNewCount((n) => n + added.length);
      }
    }
    prev.current = { firstKey, lastKey, total, count: rows.length };
  }, [firstKey, lastKey, rows, virtualizer]);

  // "Find a message" chose a message of this thread: bring it to the middle and mark it.
  const jump = useChat((s) => (s.jump?.conversationId === conversationId ? s.jump.messageId : null));
  const [marked, setMarked] = useState<string | null>(null);
  useLayoutEffect(() => {
    if (!jump) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === jump);
    if (index < 0) return;
    atBottom.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
    setMarked(jump);
    useChat.getState().clearJump();
  }, [jump, rows, virtualizer]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom.current && newCount > 0) setNewCount(0);
    if (el.scrollTop < LOAD_OLDER_PX && thread?.before) void loadOlder(conversationId);
  };

  // A short first page that does not fill the view cannot be scrolled up: load more at once.
  useEffect(() => {
    const el = scrollRef.current;
    if (
      el &&
      thread?.loaded &&
      thread.before &&
      !thread.loadingOlder &&
      el.scrollHeight <= el.clientHeight &&
      el.clientHeight > 0
    ) {
      void loadOlder(conversationId);
    }
  }, [thread?.loaded, thread?.before, thread?.loadingOlder, conversationId, loadOlder]);

  if (!thread || !thread.loaded)
    return (
      <div className="message-scroll placeholder" role="status">
        {t('conversation.loading')}
      </div>
    );

  const items = virtualizer.getVirtualItems();
  return (
    <div className="message-list">
      {thread.loadingOlder && (
        <div className="loading-older" role="status">
          {t('conversation.loadingOlder')}
        </div>
      )}
      {thread.error && (
        <div role="alert" className="error-banner">
          {t('conversation.loadFailed', { message: thread.error })}
        </div>
      )}
      <div
        ref={scrollRef}
        className="message-scroll"
        onScroll={onScroll}
        role="log"
        aria-label={t('conversation.messages')}
        tabIndex={0}
      >
        {rows.length === 0 && <p className="empty">{t('conversation.empty')}</p>}
        <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={
                  row.kind === 'message'
                    ? `virtual-row bubble-row ${row.message.direction === 'outbound' ? 'out' : 'in'}${row.message.id === marked ? ' jump-target' : ''}`
                    : 'virtual-row'
                }
                style={{ transform: `translateY(${item.start}px)` }}
                aria-current={row.kind === 'message' && row.message.id === marked ? 'true' : undefined}
              >
                {row.kind === 'day' ? (
                  <h3 className="day-heading">{formatDay(row.day, t)}</h3>
                ) : (
                  <MessageBubble message={row.message} leadName={leadName} number={numberOf(row.message.phoneHandle)} />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {newCount > 0 && (
        <button type="button" className="new-pill" onClick={scrollToBottom}>
          {t('conversation.newMessages', { count: newCount })}
        </button>
      )}
    </div>
  );
}
