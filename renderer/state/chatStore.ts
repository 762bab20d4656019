// Conversations, their messages and unread counts, and which conversation is on screen.
import { create } from 'zustand';
import { conversationIdOf, type Channel, type LeadView, type MessageView } from '../../shared/domain';
import type { ConversationSummary, IpcEventPayload } from '../../shared/ipc';
import { invoke } from '../converse';
import { prependOlder, upsertMessages } from './threadRows';

export const PAGE_SIZE = 100;
/** Threads kept in memory besides the open one; older ones reload from the local store when reopened. */
const KEPT_THREADS = 6;
/** How far back "Find a message" pages to reach a message (at PAGE_SIZE a page). */
const MAX_JUMP_PAGES = 200;

export interface Thread {
  messages: MessageView[];
  /** Cursor for the previous page; null once the oldest message is loaded. */
  before: string | null;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

export interface ActiveConversation {
  leadId: string;
  channel: Channel;
  /** The lead number chosen with "Select Number"; null: the primary one. */
  phoneHandle: string | null;
}

interface ChatState {
  conversations: Record<string, ConversationSummary>;
  leads: Record<string, LeadView>;
  threads: Record<string, Thread>;
  unread: { total: number; byConversation: Record<string, number> };
  active: ActiveConversation | null;
  /** Unsent composer text by conversation id (forgotten on sign-out). */
  drafts: Record<string, string>;
  /** A message found by "Find a message" that its thread should scroll to and mark. */
  jump: { conversationId: string; messageId: string } | null;
  /** Open a message's conversation with the message in view; false when it is not there any more. */
  showMessage(leadId: string, channel: Channel, messageId: string): Promise<boolean>;
  clearJump(): void;
  setDraft(conversationId: string, text: string): void;
  loadConversations(): Promise<void>;
  refreshConversations(ids: string[]): Promise<void>;
  rememberLead(lead: LeadView): void;
  loadLead(leadId: string): Promise<LeadView | null>;
  open(leadId: string, channel: Channel, phoneHandle?: string | null): Promise<void>;
  close(): void;
  setChannel(channel: Channel): void;
  setPhone(handle: string): void;
  loadLatest(conversationId: string): Promise<void>;
  loadOlder(conversationId: string): Promise<void>;
  applyMessages(e: IpcEventPayload<'messages.changed'>): void;
  setUnread(u: IpcEventPayload<'unread.changed'>): void;
  reset(): void;
}

const emptyThread = (): Thread => ({ messages: [], before: null, loaded: false, loadingOlder: false, error: null });

export const activeConversationId = (a: ActiveConversation | null): string | null =>
  a ? conversationIdOf(a.leadId, a.channel) : null;

// Most recently opened conversations first: a day of work must not keep every thread in memory.
let recent: string[] = [];

export const useChat = create<ChatState>((set, get) => {
  const patchThread = (id: string, patch: Partial<Thread>) =>
    set((s) => ({ threads: { ...s.threads, [id]: { ...(s.threads[id] ?? emptyThread()), ...patch } } }));

  return {
    conversations: {},
    leads: {},
    threads: {},
    unread: { total: 0, byConversation: {} },
    active: null,
    drafts: {},
    jump: null,

    showMessage: async (leadId, channel, messageId) => {
      const id = conversationIdOf(leadId, channel);
      set({ jump: null });
      await get().open(leadId, channel);
      // The thread holds its newest page: older ones are read from the local store until the message is in.
      for (let i = 0; i < MAX_JUMP_PAGES; i++) {
        const t = get().threads[id];
        if (!t?.loaded || get().active === null || activeConversationId(get().active) !== id) return false;
        if (t.messages.some((m) => m.id === messageId)) {
          set({ jump: { conversationId: id, messageId } });
          return true;
        }
        if (t.before === null) return false;
        const page = await invoke('messages.page', { conversationId: id, before: t.before, limit: PAGE_SIZE });
        const now = get().threads[id] ?? emptyThread();
        patchThread(id, { messages: prependOlder(page.messages, now.messages), before: page.before });
      }
      return false;
    },

    clearJump: () => set({ jump: null }),

    setDraft: (id, text) =>
      set((s) => {
        const drafts = { ...s.drafts };
        if (text) drafts[id] = text;
        else delete drafts[id];
        return { drafts };
      }),

    loadConversations: async () => {
      const list = await invoke('conversations.list', { limit: 200 });
      const conversations: Record<string, ConversationSummary> = {};
      const byConversation: Record<string, number> = {};
      for (const c of list) {
        conversations[c.id] = c;
        if (c.unreadCount > 0) byConversation[c.id] = c.unreadCount;
      }
      const total = Object.values(byConversation).reduce((a, b) => a + b, 0);
      set({ conversations, unread: { total, byConversation } });
    },

    refreshConversations: async (ids) => {
      const found = await Promise.all(
        ids.map((id) => invoke('conversations.get', { conversationId: id }).catch(() => null)),
      );
      set((s) => {
        const conversations = { ...s.conversations };
        for (const c of found) if (c) conversations[c.id] = c;
        return { conversations };
      });
    },

    rememberLead: (lead) => set((s) => ({ leads: { ...s.leads, [lead.id]: lead } })),

    loadLead: async (leadId) => {
      const lead = await invoke('leads.get', { leadId });
      if (lead) get().rememberLead(lead);
      return lead;
    },

    open: async (leadId, channel, phoneHandle = null) => {
      const id = conversationIdOf(leadId, channel);
      recent = [id, ...recent.filter((x) => x !== id)];
      const evicted = recent.slice(KEPT_THREADS);
      recent = recent.slice(0, KEPT_THREADS);
      set((s) => {
        if (evicted.length === 0) return { active: { leadId, channel, phoneHandle } };
        const threads = { ...s.threads };
        for (const x of evicted) delete threads[x];
        return { active: { leadId, channel, phoneHandle }, threads };
      });
      const tasks: Promise<unknown>[] = [get().refreshConversations([id])];
      if (!get().leads[leadId]) tasks.push(get().loadLead(leadId));
      if (!get().threads[id]?.loaded) tasks.push(get().loadLatest(id));
      await Promise.all(tasks);
    },

    close: () => set({ active: null }),

    setChannel: (channel) => {
      const a = get().active;
      if (!a || a.channel === channel) return;
      void get().open(a.leadId, channel, a.phoneHandle);
    },

    setPhone: (handle) => set((s) => (s.active ? { active: { ...s.active, phoneHandle: handle } } : {})),

    loadLatest: async (conversationId) => {
      try {
        const page = await invoke('messages.page', { conversationId, before: null, limit: PAGE_SIZE });
        const current = get().threads[conversationId]?.messages ?? [];
        patchThread(conversationId, {
          messages: upsertMessages(page.messages, current),
          before: page.before,
          loaded: true,
          error: null,
        });
      } catch (e) {
        patchThread(conversationId, { loaded: true, error: e instanceof Error ? e.message : String(e) });
      }
    },

    loadOlder: async (conversationId) => {
      const t = get().threads[conversationId];
      if (!t || !t.loaded || t.loadingOlder || t.before === null) return;
      patchThread(conversationId, { loadingOlder: true });
      try {
        const page = await invoke('messages.page', { conversationId, before: t.before, limit: PAGE_SIZE });
        const now = get().threads[conversationId] ?? emptyThread();
        patchThread(conversationId, {
          messages: prependOlder(page.messages, now.messages),
          before: page.before,
          loadingOlder: false,
        });
      } catch (e) {
        patchThread(conversationId, { loadingOlder: false, error: e instanceof Error ? e.message : String(e) });
      }
    },

    applyMessages: ({ conversationId, messages }) => {
      const t = get().threads[conversationId];
      // A conversation never opened loads its latest page when it is opened; nothing to keep now.
      if (!t?.loaded) return;
      patchThread(conversationId, { messages: upsertMessages(t.messages, messages) });
    },

    setUnread: (unread) => set({ unread }),

    reset: () => {
      recent = [];
      set({
        conversations: {},
        leads: {},
        threads: {},
        unread: { total: 0, byConversation: {} },
        active: null,
        drafts: {},
        jump: null,
      });
    },
  };
});
