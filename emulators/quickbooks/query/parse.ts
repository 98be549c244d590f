/**
 * The QBO query language: `SELECT * | COUNT(*) FROM Entity [WHERE p op v [AND …]]
 * [ORDERBY p [ASC|DESC], …] [STARTPOSITION n] [MAXRESULTS m]`. No projections, OR, JOIN or GROUP BY.
 * Strings are single-quoted with backslash escapes. Anything else is a 4000 "Error parsing query".
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */
import { faults } from '../errors';

export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';
export type Literal = string | number | boolean;

export interface Condition {
  property: string;
  operator: Operator;
  values: Literal[];
}

export interface Query {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: { property: string; descending: boolean }[];
  startPosition?: number;
  maxResults?: number;
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'symbol'; text: string; at: number }
  | { kind: 'end'; text: ''; at: number };

function lexError(query: string, at: number): never {
  throw faults.queryParse(`Lexical error at line 1, column ${at + 1}.  Encountered: "${query[at] ?? '<EOF>'}" after : ""`);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= query.length) lexError(query, i);
        const d = query.charAt(j);
        if (d === '\\') {
          if (j + 1 >= query.length) lexError(query, j);
          text += query.charAt(j + 1);
          j += 2;
        } else if (d === "'") {
          j += 1;
          break;
        } else {
          text += d;
          j += 1;
        }
      }
      tokens.push({ kind: 'string', text, at: i });
      i = j;
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(query.slice(i));
      if (!m) lexError(query, i);
      tokens.push({ kind: 'number', text: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
      const text = m?.[0] ?? c;
      tokens.push({ kind: 'word', text, at: i });
      i += text.length;
    } else if (query.startsWith('<=', i) || query.startsWith('>=', i)) {
      tokens.push({ kind: 'symbol', text: query.slice(i, i + 2), at: i });
      i += 2;
    } else if ('=<>(),*'.includes(c)) {
      tokens.push({ kind: 'symbol', text: c, at: i });
      i += 1;
    } else {
      lexError(query, i);
    }
  }
  tokens.push({ kind: 'end', text: '', at: query.length });
  return tokens;
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.#i] ?? { kind: 'end', text: '', at: 0 };
  }

  next(): Token {
    const t = this.peek();
    this.#i += 1;
    return t;
  }

  fail(expected: string): never {
    const t = this.peek();
    const shown = t.kind === 'end' ? '<EOF>' : `" ${t.kind === 'string' ? '<STRING>' : t.kind === 'number' ? '<NUMBER>' : '<ID>'} "${t.text} ""`;
    throw faults.queryParse(`Encountered ${shown} at line 1, column ${t.at + 1}.\nWas expecting: ${expected}`);
  }

  isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  word(word: string): void {
    if (!this.isWord(word)) this.fail(`"${word.toUpperCase()}"`);
    this.next();
  }

  symbol(s: string): void {
    const t = this.peek();
    if (t.kind !== 'symbol' || t.text !== s) this.fail(`"${s}"`);
    this.next();
  }

  identifier(): string {
    const t = this.peek();
    if (t.kind !== 'word') this.fail('<ID>');
    this.next();
    return t.text;
  }

  integer(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail('<INTEGER>');
    this.next();
    return Number(t.text);
  }

  literal(): Literal {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return t.text;
    }
    if (t.kind === 'number') {
      this.next();
      return Number(t.text);
    }
    if (t.kind === 'word' && (t.text.toLowerCase() === 'true' || t.text.toLowerCase() === 'false')) {
      this.next();
      return t.text.toLowerCase() === 'true';
    }
    return this.fail('<STRING> | <NUMBER> | <BOOLEAN>');
  }
}

export function parseQuery(text: string): Query {
  const p = new Parser(tokenize(text));
  p.word('select');
  let count = false;
  if (p.isWord('count')) {
    p.next();
    p.symbol('(');
    p.symbol('*');
    p.symbol(')');
    count = true;
  } else {
    // Only `*` is supported: QBO has no projections (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
    p.symbol('*');
  }
  p.word('from');
  const entity = p.identifier();
  const where: Condition[] = [];
  if (p.isWord('where')) {
    p.next();
    for (;;) {
      const property = p.identifier();
      const t = p.peek();
      if (t.kind === 'symbol' && ['=', '<', '>', '<=', '>='].includes(t.text)) {
        p.next();
        where.push({ property, operator: t.text as Operator, values: [p.literal()] });
      } else if (p.isWord('in')) {
        p.next();
        p.symbol('(');
        const values = [p.literal()];
        while (p.peek().kind === 'symbol' && p.peek().text === ',') {
          p.next();
          values.push(p.literal());
        }
        p.symbol(')');
        where.push({ property, operator: 'IN', values });
      } else if (p.isWord('like')) {
        p.next();
        const v = p.literal();
        if (typeof v !== 'string') p.fail('<STRING>');
        where.push({ property, operator: 'LIKE', values: [v] });
      } else {
        p.fail('"=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE"');
      }
      if (!p.isWord('and')) break;
      p.next();
    }
  }
  const orderBy: Query['orderBy'] = [];
  if (p.isWord('orderby')) {
    p.next();
    for (;;) {
      const property = p.identifier();
      let descending = false;
      if (p.isWord('asc')) p.next();
      else if (p.isWord('desc')) {
        p.next();
        descending = true;
      }
      orderBy.push({ property, descending });
      if (!(p.peek().kind === 'symbol' && p.peek().text === ',')) break;
      p.next();
    }
  }
  const query: Query = { count, entity, where, orderBy };
  if (p.isWord('startposition')) {
    p.next();
    query.startPosition = p.integer();
  }
  if (p.isWord('maxresults')) {
    p.next();
    query.maxResults = p.integer();
  }
  if (p.peek().kind !== 'end') p.fail('<EOF>');
  return query;
}
