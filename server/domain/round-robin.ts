// Round-robin assignment: who gets a lead nobody chose an owner for (an unknown number that
// wrote in, a CRM "assigned" event without an owner). Active admins take turns; the turn is
// kept in the database so restarts and concurrent arrivals keep the rotation fair.
import type { Store } from '../storage/store';

export async function roundRobinOwner(store: Pick<Store, 'listUsers' | 'takeRoundRobinTurn'>): Promise<string | null> {
  const admins = (await store.listUsers()).filter((u) => u.role === 'admin' && u.active).map((u) => u.id);
  return store.takeRoundRobinTurn(admins);
}
