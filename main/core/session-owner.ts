// Who is signed in on this desktop, and what changes with them: the session (server, token, rep),
// kept in the credential store; a different rep or server wipes what the previous one synced
// (their unsent messages are parked, and come back when they sign in here again).
import type { UserView } from '../../shared/domain';
import type { IpcEventName, IpcEventPayload, Session } from '../../shared/ipc';
import type { CredentialStore } from './ports';
import type { LogLine } from './log';
import { HttpApi } from './http-api';
import { serverKey, type LocalStore } from './store/local-store';
import { USER_KEY } from './store-recovery';
import { ErrorCode } from '../../shared/error-codes';

export interface ActiveSession {
  serverUrl: string;
  token: string;
  user: UserView | null;
}

export interface SessionOwnerOptions {
  credentials: CredentialStore;
  defaultServerUrl?: string;
  log: LogLine;
  /** The current store (replaced when a damaged one is set aside). */
  store(): LocalStore;
  /** A store change no sync batch interleaves with. */
  exclusive(change: () => void): Promise<void>;
  emit<N extends IpcEventName>(event: N, payload: IpcEventPayload<N>): void;
  /** The link to the server: down before the session changes, up with the new one. */
  closeLink(): void;
  openLink(): void;
  /** What the previous session left in memory: files fetched for previews, and on sign-out nudges not shown yet. */
  forget(what: { nudges: boolean }): void;
  /** The store was wiped for another rep or server. */
  wiped(): void;
  /** The session ended: the link shows signed out. */
  ended(message: string): void;
  /** Parked unsent messages went back into the outbox. */
  outboxRestored(): void;
  /** The store was started over for the rep the server's welcome named: counts again, and a new hello. */
  startedOver(): void;
}

export class SessionOwner {
  private session: ActiveSession | null = null;

  constructor(private readonly o: SessionOwnerOptions) {}

  get current(): ActiveSession | null {
    return this.session;
  }

  /** At start: the session the credential store kept. Another server's data is wiped first. */
  resume(saved: { serverUrl: string; token: string }): void {
    const store = this.o.store();
    const owner = store.state.owner();
    if (owner.serverUrl && serverKey(owner.serverUrl) !== serverKey(saved.serverUrl)) store.wipe();
    this.session = { ...saved, user: store.state.setting<UserView>(USER_KEY) ?? null };
    this.o.openLink();
  }

  view(): Session {
    return {
      signedIn: this.session !== null,
      user: this.session?.user ?? null,
      serverUrl: this.session?.serverUrl ?? this.o.defaultServerUrl ?? null,
    };
  }

  api(): HttpApi {
    if (!this.session) throw Object.assign(new Error('Sign in to Converse first.'), { code: ErrorCode.SIGNED_OUT });
    return new HttpApi(this.session.serverUrl, this.session.token);
  }

  async begin(serverUrl: string, token: string, user: UserView): Promise<void> {
    this.o.closeLink();
    const store = this.o.store();
    const owner = store.state.owner();
    if (
      (owner.userId && owner.userId !== user.id) ||
      (owner.serverUrl && serverKey(owner.serverUrl) !== serverKey(serverUrl))
    ) {
      // Another rep's conversations must not show to this one.
      await this.o.exclusive(() => this.o.store().wipe());
      this.o.wiped();
    }
    this.o.forget({ nudges: false });
    this.o.store().state.setOwner(user.id, serverUrl);
    this.restoreParkedSends(user.id, serverUrl);
    this.o.store().state.setSetting(USER_KEY, user);
    await this.o.credentials.save({ serverUrl, token });
    this.session = { serverUrl, token, user };
    this.o.emit('session.changed', this.view());
    this.o.openLink();
  }

  async end(reason: 'signed-out' | 'expired', message: string): Promise<void> {
    this.o.closeLink();
    this.session = null;
    this.o.forget({ nudges: true });
    await this.o.credentials
      .clear()
      .catch((err) => this.o.log(`[core] could not clear credentials: ${(err as Error).message}`, 'warn'));
    this.o.ended(message);
    this.o.emit('session.changed', this.view());
    if (reason === 'expired') this.o.emit('notice', { kind: 'signed-out', message });
  }

  /**
   * The server's welcome names the rep the token belongs to. Someone else than the data here: start
   * over for them, once the writer has nothing of the previous link left, and answer false (the
   * link says hello again). A store from before owners were kept learns its owner.
   */
  welcomed(userId: string): boolean {
    const owner = this.o.store().state.owner();
    const serverUrl = this.session?.serverUrl;
    if (owner.userId && owner.userId !== userId && serverUrl) {
      void this.o
        .exclusive(() => {
          this.o.store().wipe();
          this.o.store().state.setOwner(userId, serverUrl);
          this.restoreParkedSends(userId, serverUrl);
        })
        .then(() => this.o.startedOver());
      return false;
    }
    if (!owner.userId && serverUrl) this.o.store().state.setOwner(userId, serverUrl);
    return true;
  }

  /** Unsent messages this rep left here before another rep's wipe go back into the outbox. */
  restoreParkedSends(userId: string, serverUrl: string): void {
    const n = this.o.store().restoreParked(userId, serverUrl);
    if (n === 0) return;
    this.o.log(`[outbox] ${n} unsent message(s) of this rep restored to the outbox`);
    this.o.outboxRestored();
  }
}
