import { RenderedNodeType } from '@hubspot/ui-extensions/testing';

interface Node {
  nodeType: RenderedNodeType;
  text: string | null;
  childNodes?: Node[];
}

/** Everything a person reads inside a node: its descendants' text too (a node's own `.text` stops at child elements). */
export function textOf(node: object): string {
  const n = node as Node;
  if (n.nodeType === RenderedNodeType.Text) return n.text ?? '';
  return (n.childNodes ?? []).map(textOf).join(' ').replace(/\s+/g, ' ').trim();
}
