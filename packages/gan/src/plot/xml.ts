// A small XML well-formedness checker, enough to tell that a generated SVG parses: tags nest and
// close, attributes are name="value" pairs, `<` and `&` appear only as markup or entity
// references, and there is exactly one root element. It does not validate against a schema.

/** What a well-formed document contained. */
export interface XmlSummary {
  root: string;
  elements: number;
}

/** Checks that `text` is well-formed XML; throws `xml: <problem> at line L, column C` otherwise. */
export function checkXml(text: string): XmlSummary {
  let i = 0;
  const stack: string[] = [];
  let root: string | null = null;
  let rootClosed = false;
  let elements = 0;

  const where = (at: number) => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return `line ${line}, column ${at - before.lastIndexOf('\n')}`;
  };
  const bad = (msg: string, at = i): never => {
    throw new Error(`xml: ${msg} at ${where(at)}`);
  };
  const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) bad(`expected a name, got ${JSON.stringify(text.slice(i, i + 10))}`);
    i += m![0].length;
    return m![0];
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const checkText = (s: string, at: number) => {
    const amp = /&(?![A-Za-z_][-A-Za-z0-9_.]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/.exec(s);
    if (amp) bad('"&" that does not start an entity reference', at + amp.index);
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim() !== '') {
      if (stack.length === 0) bad('text outside the root element');
      checkText(chunk, i);
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) bad('unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) bad('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) bad('CDATA outside the root element');
      const end = text.indexOf(']]>', i);
      if (end < 0) bad('unterminated CDATA section');
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      if (root !== null) bad('DOCTYPE after the root element');
      const end = text.indexOf('>', i);
      if (end < 0) bad('unterminated DOCTYPE');
      i = end + 1;
    } else if (text.startsWith('</', i)) {
      const at = i;
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') bad(`expected ">" to end </${name}`);
      i++;
      const open = stack.pop();
      if (open === undefined) bad(`closing tag </${name}> without an open element`, at);
      if (open !== name) bad(`closing tag </${name}> does not match <${open}>`, at);
      if (stack.length === 0) rootClosed = true;
    } else {
      const at = i;
      i++;
      const name = readName();
      if (rootClosed || (root !== null && stack.length === 0)) bad(`a second root element <${name}>`, at);
      if (root === null) root = name;
      elements++;
      const seen = new Set<string>();
      for (;;) {
        const hadSpace = /\s/.test(text[i] ?? '');
        skipSpace();
        if (i >= text.length) bad(`unterminated tag <${name}`, at);
        if (text.startsWith('/>', i)) {
          i += 2;
          if (stack.length === 0) rootClosed = true;
          break;
        }
        if (text[i] === '>') {
          i++;
          stack.push(name);
          break;
        }
        if (!hadSpace) bad(`expected whitespace before an attribute in <${name}>`);
        const attr = readName();
        if (seen.has(attr)) bad(`attribute ${attr} repeated in <${name}>`);
        seen.add(attr);
        skipSpace();
        if (text[i] !== '=') bad(`expected "=" after attribute ${attr} in <${name}>`);
        i++;
        skipSpace();
        const q = text[i];
        if (q !== '"' && q !== "'") bad(`attribute ${attr} of <${name}> needs a quoted value`);
        const end = text.indexOf(q!, i + 1);
        if (end < 0) bad(`unterminated value of attribute ${attr} in <${name}>`);
        const value = text.slice(i + 1, end);
        if (value.includes('<')) bad(`"<" inside the value of attribute ${attr} in <${name}>`, i + 1 + value.indexOf('<'));
        checkText(value, i + 1);
        i = end + 1;
      }
    }
  }
  if (stack.length > 0) bad(`<${stack[stack.length - 1]}> is never closed`, text.length);
  if (root === null) bad('no root element', 0);
  return { root: root!, elements };
}
