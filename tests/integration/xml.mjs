// A strict XML 1.0 well-formedness check (no DTDs), enough to prove that the
// badge SVG and the CLI's JUnit output parse as XML, returning the element
// tree. Node has no XML parser built in and the repo takes no new packages.
const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;

function decode(s, where) {
  return s.replace(/&([^;]*);/g, (m, ent) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ent];
    if (named) return named;
    if (/^#[0-9]+$/.test(ent)) return String.fromCodePoint(Number(ent.slice(1)));
    if (/^#x[0-9A-Fa-f]+$/.test(ent)) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    throw new Error(`bad entity &${ent}; in ${where}`);
  });
}

function checkChars(s) {
  // eslint-disable-next-line no-control-regex
  const bad = s.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  if (bad) throw new Error(`character U+${bad[0].charCodeAt(0).toString(16)} is not allowed in XML`);
}

/** Parses `text`; throws on anything not well-formed. Returns the root {name, attrs, children, text}. */
export function parseXml(text) {
  checkChars(text);
  let i = 0;
  const rest = () => text.slice(i);
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const stack = [];
  let root = null;
  while (i < text.length) {
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      if (!stack.length) throw new Error('CDATA outside the root');
      const end = text.indexOf(']]>', i);
      if (end < 0) throw new Error('unterminated CDATA');
      stack.at(-1).text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('</', i)) {
      const m = rest().match(/^<\/([A-Za-z_:][A-Za-z0-9_.:-]*)\s*>/);
      if (!m) throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> does not close <${open?.name}>`);
      i += m[0].length;
    } else if (text[i] === '<') {
      i++;
      const n = rest().match(NAME);
      if (!n) throw new Error(`bad tag name at ${i}`);
      const el = { name: n[0], attrs: {}, children: [], text: '' };
      i += n[0].length;
      for (;;) {
        const ws = rest().match(/^\s*/)[0];
        i += ws.length;
        if (text.startsWith('/>', i) || text[i] === '>') break;
        if (!ws) throw new Error(`missing space before attribute in <${el.name}>`);
        const a = rest().match(/^([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/);
        if (!a) throw new Error(`bad attribute in <${el.name}> at ${i}: ${rest().slice(0, 30)}`);
        if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}>`);
        el.attrs[a[1]] = decode(a[3] ?? a[4], `<${el.name} ${a[1]}>`);
        i += a[0].length;
      }
      if (stack.length) stack.at(-1).children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
      if (text.startsWith('/>', i)) i += 2;
      else {
        i += 1;
        stack.push(el);
      }
    } else {
      const end = text.indexOf('<', i);
      const chunk = text.slice(i, end < 0 ? text.length : end);
      if (!stack.length) {
        if (chunk.trim()) throw new Error('text outside the root element');
      } else {
        if (chunk.includes('>') && chunk.includes(']]>')) throw new Error(']]> in text');
        stack.at(-1).text += decode(chunk, `<${stack.at(-1).name}>`);
      }
      i = end < 0 ? text.length : end;
    }
  }
  if (stack.length) throw new Error(`<${stack.at(-1).name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under `el` (itself included) named `name`. */
export function findAll(el, name, out = []) {
  if (el.name === name) out.push(el);
  for (const c of el.children) findAll(c, name, out);
  return out;
}
