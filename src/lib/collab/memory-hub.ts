/**
 * An in-memory stand-in for a Realtime broadcast channel and the update log, for the provider's
 * unit tests and the convergence bench: messages are delivered asynchronously to every other
 * member, optionally dropped at random, and members can be taken offline (they neither send nor
 * receive, like a lost socket) and brought back (they rejoin, which triggers the state-vector
 * exchange).
 */
import * as Y from 'yjs';
import { compact } from '../../../supabase/functions/_shared/collab/doc.ts';
import type { ConnectionStatus, Storage, Transport, TransportFactory } from './provider.ts';

interface Member {
  onMessage: (event: string, payload: Record<string, unknown>) => void;
  onStatus: (status: ConnectionStatus) => void;
  online: boolean;
  closed: boolean;
}

export class MemoryHub {
  #members = new Set<Member>();
  /** Share of messages lost in transit, 0..1. */
  dropRate = 0;
  random: () => number = Math.random;
  sent = 0;
  dropped = 0;
  /** The stored log (what the database would hold). */
  log: Uint8Array[] = [];
  materialisations = 0;

  transport(): { factory: TransportFactory; setOnline: (online: boolean) => void } {
    let member: Member | null = null;
    const factory: TransportFactory = (onMessage, onStatus) => {
      const m: Member = { onMessage, onStatus, online: true, closed: false };
      member = m;
      this.#members.add(m);
      queueMicrotask(() => !m.closed && m.onStatus('connected'));
      const t: Transport = {
        send: (event, payload) => {
          if (!m.online || m.closed) return;
          const copy = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
          for (const other of this.#members) {
            if (other === m || !other.online || other.closed) continue;
            this.sent++;
            if (this.random() < this.dropRate) {
              this.dropped++;
              continue;
            }
            setTimeout(() => other.online && !other.closed && other.onMessage(event, copy), 0);
          }
        },
        close: () => {
          m.closed = true;
          this.#members.delete(m);
        },
      };
      return t;
    };
    return {
      factory,
      setOnline: (online) => {
        const m = member;
        if (!m || m.online === online) return;
        m.online = online;
        m.onStatus(online ? 'connected' : 'disconnected');
      },
    };
  }

  storage(isOnline: () => boolean = () => true): Storage {
    return {
      append: async (updates) => {
        await Promise.resolve();
        if (!isOnline()) return { ok: false, error: 'offline' };
        this.log.push(...updates);
        return { ok: true };
      },
      materialise: async () => {
        this.materialisations++;
      },
    };
  }

  /** The document the stored log describes. */
  storedDoc(): Y.Doc {
    const d = new Y.Doc();
    Y.applyUpdate(d, compact(null, this.log));
    return d;
  }
}
