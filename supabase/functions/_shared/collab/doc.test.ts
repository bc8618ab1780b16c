import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { doc as pmDoc, p, text, token } from '../email/test-factories.ts';
import {
  applyUpdatesSafely,
  compact,
  docToRows,
  fromBase64,
  insertStage,
  newStageRow,
  orderBetween,
  rowsToDoc,
  stagesMap,
  toBase64,
  type StageRowData,
} from './doc.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

function row(id: string, over: Partial<StageRowData> = {}): StageRowData {
  return { ...newStageRow(id), subject: 'Hello {{candidate.first_name}}', ...over };
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('document ↔ stage rows', () => {
  it('stage rows survive a round trip through the document unchanged', () => {
    const rows: StageRowData[] = [
      row(A, {
        body: pmDoc(
          p(text('Hi '), token('candidate.first_name'), text(', see ', { type: 'bold' })),
          p(text('our site', { type: 'link', attrs: { href: 'https://example.com/' } })),
        ),
        send_window: { days: [1, 2, 3], start: '09:00', end: '17:00' },
      }),
      row(B, { type: 'linkedin_connection', delay_days: 3, delay_hours: 4, subject: '', thread_mode: 'new_thread' }),
    ];
    const d = new Y.Doc();
    rowsToDoc(d, { title: 'Backend outreach', stages: rows });
    const out = docToRows(d);
    expect(out.title).toBe('Backend outreach');
    expect(out.stages).toEqual([rows[0], { ...rows[1], body: { type: 'doc', content: [{ type: 'paragraph' }] } }]);
  });

  it('orders stages by their order key, so moving one stage changes one value', () => {
    const d = new Y.Doc();
    d.transact(() => {
      insertStage(d, row(A), 1);
      insertStage(d, row(B), 2);
      insertStage(d, row(C), 3);
    });
    stagesMap(d).get(C)?.set('order', orderBetween(undefined, 1));
    expect(docToRows(d).stages.map((s) => s.id)).toEqual([C, A, B]);
  });

  it('drops script, unknown markup, unsafe links and malformed tokens from a forged body', () => {
    const d = new Y.Doc();
    d.transact(() => insertStage(d, row(A), 1));
    const body = stagesMap(d).get(A)?.get('body') as Y.XmlFragment;
    d.transact(() => {
      const para = new Y.XmlElement('paragraph');
      const script = new Y.XmlElement('script');
      const evil = new Y.XmlText();
      const tok = new Y.XmlElement('token');
      const badTok = new Y.XmlElement('token');
      body.insert(0, [para]);
      para.insert(0, [evil, tok, badTok, script]);
      evil.insert(0, 'click', { link: { href: 'javascript:alert(1)' }, onclick: { x: 1 } });
      tok.setAttribute('key', 'candidate.company');
      tok.setAttribute('onmouseover', 'x');
      badTok.setAttribute('key', '<img src=x>');
      const s = new Y.XmlText();
      script.insert(0, [s]);
      s.insert(0, 'alert(1)');
    });
    const out = docToRows(d).stages[0]?.body;
    expect(out?.content?.[0]).toEqual({
      type: 'paragraph',
      content: [
        { type: 'text', text: 'click' },
        { type: 'token', attrs: { key: 'candidate.company' } },
        { type: 'text', text: 'alert(1)' },
      ],
    });
  });

  it('coerces forged stage fields to valid values', () => {
    const d = new Y.Doc();
    d.transact(() => {
      insertStage(d, row(A), 1);
      const s = stagesMap(d).get(A);
      s?.set('type', 'fax');
      s?.set('delayDays', 9999);
      s?.set('delayHours', -3);
      s?.set('senderUserId', "x' or 1=1");
      s?.set('sendWindow', { days: [9], start: '25:00', end: 'x' });
      s?.set('threadMode', 'bcc');
      // Not a uuid key: never becomes a stage row.
      stagesMap(d).set('nope', new Y.Map());
    });
    expect(docToRows(d).stages).toEqual([
      expect.objectContaining({
        id: A,
        type: 'email',
        delay_days: 365,
        delay_hours: 0,
        sender_user_id: null,
        send_window: null,
        thread_mode: 'reply',
      }),
    ]);
  });

  it('two editors typing in the same subject at once both keep their text', () => {
    const a = new Y.Doc();
    rowsToDoc(a, { title: 't', stages: [row(A, { subject: 'Hi' })] });
    const b = new Y.Doc();
    sync(a, b);
    (stagesMap(a).get(A)?.get('subject') as Y.Text).insert(2, ' Ann');
    (stagesMap(b).get(A)?.get('subject') as Y.Text).insert(0, 'Oh, ');
    sync(a, b);
    expect(docToRows(a)).toEqual(docToRows(b));
    expect(docToRows(a).stages[0]?.subject).toBe('Oh, Hi Ann');
  });
});

describe('compaction', () => {
  it('a snapshot plus its tail compacts into one update that loads the same document', () => {
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    rowsToDoc(d, { title: 'T', stages: [row(A)] });
    const snapshot = compact(null, updates.splice(0));
    for (let i = 0; i < 50; i++) (stagesMap(d).get(A)?.get('subject') as Y.Text).insert(0, String(i % 10));
    const compacted = compact(snapshot, updates);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, compacted);
    expect(docToRows(loaded)).toEqual(docToRows(d));
    // Folding the same updates again changes nothing (they are idempotent).
    expect(docToRows(((x) => (Y.applyUpdate(x, compact(compacted, updates)), x))(new Y.Doc()))).toEqual(docToRows(d));
  });

  it('skips malformed updates without corrupting the document', () => {
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    rowsToDoc(d, { title: 'T', stages: [row(A)] });
    const good = updates[0] as Uint8Array;
    const target = new Y.Doc();
    const refused = applyUpdatesSafely(target, [new Uint8Array([1, 2, 3, 200, 7]), good.slice(0, 10), good]);
    expect(refused).toEqual([0, 1]);
    expect(docToRows(target)).toEqual(docToRows(d));
  });

  it('base64 encoding round-trips binary updates', () => {
    const bytes = new Uint8Array(70000).map((_, i) => (i * 7) % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });
});

describe('attachments', () => {
  it('keep only files of their own stage, so a forged entry cannot point at another sequence', () => {
    const d = new Y.Doc();
    const own = `${'00000000-0000-4000-8000-0000000000ee'}/${A}/cv.pdf`;
    rowsToDoc(d, {
      title: 't',
      stages: [row(A, { attachments: [{ path: own, name: 'cv.pdf', size: 10, type: 'application/pdf' }] })],
    });
    const list = stagesMap(d).get(A)?.get('attachments') as Y.Array<unknown>;
    list.push([
      { path: `00000000-0000-4000-8000-0000000000ff/${B}/secret.pdf`, name: 'x', size: 1, type: 'x' },
      { path: '../../etc/passwd', name: 'y', size: 1, type: 'y' },
    ]);
    expect(docToRows(d).stages[0]?.attachments).toEqual([
      { path: own, name: 'cv.pdf', size: 10, type: 'application/pdf' },
    ]);
  });
});
