// How hard sign-in guessing is made (README "Sign-in limits"). Three counts of failed attempts in
// a 15-minute window, none of which can keep the owner of an account out:
// - per account and address: after 10 failures that pair is refused (429) until the window
//   slides, even with the right password — the guesser is refused, the owner elsewhere is not;
// - per account, from other addresses: after 5 failures every attempt on the account waits
//   (1 s, doubling, at most 10 s) before its password is checked, so guessing from many
//   addresses slows down while the right password from a new address still signs in;
// - per address, on other accounts: after 100 failures every attempt from the address waits
//   the same way (an office behind one address keeps signing in while someone there sprays).
// The wait comes before the check, whatever the password: an answer that came sooner for the
// right one would tell a guesser which it was.
// The counts live in memory (one node) unless `attempts` keeps them where every node sees them
// (Redis: server/cluster/redis-attempts.ts), so a guesser gains nothing by spreading over nodes.
import { inMemoryAttempts, type AttemptLog, type AttemptLogFactory } from './rate-limit';

export interface SignInLimitOptions {
  windowMs: number;
  /** Failures of one account from one address before that pair is refused. */
  perPair: number;
  /** Failures of one account from other addresses before its attempts wait. */
  accountWaitAfter: number;
  /** Failures from one address on other accounts before its attempts wait. */
  addressWaitAfter: number;
  firstWaitMs: number;
  maxWaitMs: number;
  /** Milliseconds since the epoch (the server's clock). */
  now: () => number;
  /** How a wait is spent (tests pass one that records it and returns at once). */
  wait: (ms: number) => Promise<void>;
  /** Where the three counts are kept (default: this node's memory). */
  attempts: AttemptLogFactory;
}

export const DEFAULT_SIGN_IN_LIMITS: Omit<SignInLimitOptions, 'now'> = {
  windowMs: 15 * 60_000,
  perPair: 10,
  accountWaitAfter: 5,
  addressWaitAfter: 100,
  firstWaitMs: 1000,
  maxWaitMs: 10_000,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  attempts: inMemoryAttempts,
};

export type Admission = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

export class SignInLimits {
  private readonly o: SignInLimitOptions;
  private readonly pairs: AttemptLog;
  private readonly accounts: AttemptLog;
  private readonly addresses: AttemptLog;

  constructor(o: Partial<SignInLimitOptions> & { now: () => number }) {
    this.o = { ...DEFAULT_SIGN_IN_LIMITS, ...o };
    this.pairs = this.o.attempts('pairs', this.o.perPair, this.o.windowMs);
    // Counts past the point where the wait stops growing change nothing, so they are not kept
    // (beyond one source's own failures, which the counts leave out).
    const cap = (after: number) =>
      after + this.o.perPair + Math.ceil(Math.log2(this.o.maxWaitMs / this.o.firstWaitMs)) + 1;
    this.accounts = this.o.attempts('accounts', cap(this.o.accountWaitAfter), this.o.windowMs);
    this.addresses = this.o.attempts('addresses', cap(this.o.addressWaitAfter), this.o.windowMs);
  }

  /** Whether an attempt on `email` from `address` is heard, and how long it waits first. */
  async admit(email: string, address: string): Promise<Admission> {
    const now = this.o.now();
    const [retryAfterMs, fromElsewhere, onOtherAccounts] = await Promise.all([
      this.pairs.retryAfterMs(pairKey(email, address), now),
      this.accounts.count(email, now, address),
      this.addresses.count(address, now, email),
    ]);
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    return {
      ok: true,
      waitMs: Math.max(
        this.waitFor(fromElsewhere, this.o.accountWaitAfter),
        this.waitFor(onOtherAccounts, this.o.addressWaitAfter),
      ),
    };
  }

  wait(ms: number): Promise<void> {
    return ms > 0 ? this.o.wait(ms) : Promise.resolve();
  }

  async failed(email: string, address: string): Promise<void> {
    const now = this.o.now();
    await Promise.all([
      this.pairs.failed(pairKey(email, address), now),
      this.accounts.failed(email, now, address),
      this.addresses.failed(address, now, email),
    ]);
  }

  /** The owner's own typos from this address are forgiven; others' failures still count. */
  async succeeded(email: string, address: string): Promise<void> {
    await Promise.all([
      this.pairs.reset(pairKey(email, address)),
      this.accounts.reset(email, address),
      this.addresses.reset(address, email),
    ]);
  }

  private waitFor(failures: number, after: number): number {
    if (failures < after) return 0;
    return Math.min(this.o.maxWaitMs, this.o.firstWaitMs * 2 ** (failures - after));
  }
}

const pairKey = (email: string, address: string) => `${email}\n${address}`;
