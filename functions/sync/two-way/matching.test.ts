import type { Link } from '../../store/links';
import { pairRecords, type MatchKey } from './matching';

type H = { id: string; email?: string };
type Q = { Id: string; email?: string };

const link = (hubspotId: string, qboId: string): Link => ({
  connectionId: 'c',
  object: 'contacts',
  hubspotId,
  qboId,
  hubspotHash: undefined,
  qboHash: undefined,
  qboSyncToken: undefined,
  syncedValues: undefined,
  lastSyncedAt: undefined,
});
const byEmail: MatchKey<H, Q> = { name: 'email', hubspot: (h) => h.email, qbo: (q) => q.email };

describe('pairRecords', () => {
  test('links first, then keys case-insensitively; an ambiguous key matches nothing; the rest is one-sided', () => {
    const hubspot: H[] = [{ id: 'h1', email: 'a@x.co' }, { id: 'h2', email: 'B@x.co' }, { id: 'h3', email: 'dup@x.co' }, { id: 'h4' }];
    const qbo: Q[] = [{ Id: 'q1' }, { Id: 'q2', email: 'b@x.co' }, { Id: 'q3', email: 'dup@x.co' }, { Id: 'q4', email: 'dup@x.co' }];
    const m = pairRecords(hubspot, qbo, [link('h1', 'q1')], [byEmail]);
    expect(m.pairs.map((p) => [p.hubspot.id, p.qbo.Id, p.matchedOn ?? 'link'])).toEqual([
      ['h1', 'q1', 'link'],
      ['h2', 'q2', 'email'],
    ]);
    expect(m.onlyHubspot.map((h) => h.id)).toEqual(['h3', 'h4']);
    expect(m.onlyQbo.map((q) => q.Id)).toEqual(['q3', 'q4']);
  });

  test('a link whose HubSpot record is gone: a live record matching its entity takes it over; unmatched, the entity is not re-created', () => {
    const gone = link('h-deleted', 'q1');
    const m = pairRecords<H, Q>(
      [{ id: 'h9', email: 'a@x.co' }],
      [
        { Id: 'q1', email: 'a@x.co' },
        { Id: 'q2', email: 'z@x.co' },
      ],
      [gone, link('h-deleted-too', 'q2')],
      [byEmail],
    );
    expect(m.pairs).toEqual([
      { hubspot: { id: 'h9', email: 'a@x.co' }, qbo: { Id: 'q1', email: 'a@x.co' }, link: undefined, matchedOn: 'email', takesOver: gone },
    ]);
    expect(m.onlyQbo).toEqual([]);
    expect(m.onlyHubspot).toEqual([]);
  });

  test('linear: each record is looked at a fixed number of times, however many links there are', () => {
    const n = 5_000;
    let reads = 0;
    // Every read of a HubSpot record's id is counted: pairing by scanning the records once per link reads n² of them.
    const hubspot = Array.from({ length: n }, (_, i) => {
      const record = { email: `p${i}@x.co` } as H;
      Object.defineProperty(record, 'id', { get: () => (reads++, `h${i}`), enumerable: true });
      return record;
    });
    const qbo = Array.from({ length: n }, (_, i) => ({ Id: `q${i}`, email: `p${i}@x.co` }));
    const links = Array.from({ length: n / 2 }, (_, i) => link(`h${i}`, `q${i}`));
    const m = pairRecords(hubspot, qbo, links, [byEmail]);
    expect(m.pairs).toHaveLength(n);
    expect(reads).toBeLessThan(10 * n);
  });
});
