// A host's logo (issue #31): what an uploaded file is, decided from its bytes only (never from a name or a
// Content-Type the client sent), and whether we keep it. Pure: bytes in, verdict out.
//
// Invariant: a stored logo is exactly one of PNG, JPEG, WebP or a static SVG, at most 256 KiB, whose structure ends
// where the format says it ends (nothing appended: no ZIP, HTML or script riding behind an image, the usual polyglot)
// and in which no markup hides (no `<script`, `<html`, `<?php` in a raster file's bytes). SVGs are parsed, and refused
// unless every element and attribute is on a drawing-only allowlist: no script, no event handlers, no foreign
// content, no reference outside the file. They are also served with a CSP that runs nothing and as an attachment,
// so even a mistake here cannot execute as our origin (src/branding/logo-routes.ts).
import { DOMParser } from '@xmldom/xmldom';

export const MAX_LOGO_BYTES = 256 * 1024;

export const LOGO_TYPES = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', svg: 'image/svg+xml' } as const;
export type LogoExt = keyof typeof LOGO_TYPES;

/** Why a file is refused: too big (413), not one of the four types (415), or one of them carrying something unsafe (400). */
export type LogoRefusal = 'too_large' | 'unsupported' | 'unsafe';
export type LogoVerdict = { ok: true; ext: LogoExt; contentType: string } | { ok: false; refusal: LogoRefusal; reason: string };

/** Where a stored logo is served: content-addressed, so it can be cached for a year and replaced by a new name. */
export const logoPath = (key: string) => `/logos/${key}`;

/** The R2 key (and URL name) of a logo: the SHA-256 of its bytes and its extension. */
export const LOGO_KEY = /^[0-9a-f]{64}\.(png|jpg|webp|svg)$/;

const refuse = (reason: string, refusal: LogoRefusal = 'unsafe'): LogoVerdict => ({ ok: false, refusal, reason });
const accept = (ext: LogoExt): LogoVerdict => ({ ok: true, ext, contentType: LOGO_TYPES[ext] });

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

// Markup a browser (or a server) might run if the bytes were ever read as a document. Compressed image data
// practically never spells these; a file that does is a polyglot and is refused.
const HIDDEN_MARKUP = /<(script|html|body|iframe|object|embed|svg|\?php|!doctype)/i;

/** PNG: signature, then chunks (length, type, data, CRC) up to IEND, which must be the last byte. */
function checkPng(b: Uint8Array): LogoVerdict {
  let at = 8;
  let first = true;
  while (at + 12 <= b.length) {
    const length = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    if (first && type !== 'IHDR') return refuse('A PNG must start with its IHDR chunk');
    first = false;
    at += 12 + length;
    if (at > b.length) return refuse('A PNG chunk runs past the end of the file');
    if (type === 'IEND') return at === b.length ? accept('png') : refuse('Data follows the end of the PNG image');
  }
  return refuse('The PNG image has no end (IEND)');
}

/** JPEG: SOI, segments up to the scan, and the file ends at EOI (FF D9). */
function checkJpeg(b: Uint8Array): LogoVerdict {
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return refuse('Data follows the end of the JPEG image');
  return accept('jpg');
}

/** WebP: a RIFF container whose declared size is exactly the file. */
function checkWebp(b: Uint8Array): LogoVerdict {
  if (u32le(b, 4) + 8 !== b.length) return refuse('The WebP container size does not match the file');
  return accept('webp');
}

// Drawing-only SVG: shapes, text, paint servers, clipping, grouping, metadata. No script, foreignObject, animation
// (it can set href), image (it loads something), a, iframe, or anything unknown.
const SVG_ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'metadata', 'style',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'filter',
  'feGaussianBlur', 'feOffset', 'feBlend', 'feColorMatrix', 'feComposite', 'feFlood', 'feMerge', 'feMergeNode', 'feDropShadow',
]);
const SVG_NS = 'http://www.w3.org/2000/svg';
const ALLOWED_NAMESPACES = new Set([SVG_NS, 'http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/xmlns/', 'http://www.w3.org/XML/1998/namespace', null, '']);
// Inside a url(...) only a reference to the file itself (#id); no @import, no old IE expression().
const BAD_CSS = /@import|expression\s*\(|url\s*\(\s*['"]?\s*(?!#)/i;

interface XmlNode {
  nodeType: number;
  nodeName: string;
  localName?: string | null;
  namespaceURI?: string | null;
  nodeValue?: string | null;
  childNodes?: ArrayLike<XmlNode>;
  attributes?: ArrayLike<{ name: string; localName?: string | null; namespaceURI?: string | null; value: string }>;
}

/** Deeper than any drawing needs; the walk below is recursive, and a file nested 30,000 deep would overflow it. */
const MAX_SVG_DEPTH = 64;

function checkSvgNode(node: XmlNode, depth = 0): string | null {
  if (depth > MAX_SVG_DEPTH) return `An SVG logo may nest elements at most ${MAX_SVG_DEPTH} deep`;
  if (node.nodeType === 7) return 'An SVG logo may not contain processing instructions';
  if (node.nodeType === 3 || node.nodeType === 4) return BAD_CSS.test(node.nodeValue ?? '') ? 'An SVG logo may not load anything' : null;
  if (node.nodeType !== 1) return null;
  const name = node.localName ?? node.nodeName;
  if (node.namespaceURI !== SVG_NS || !SVG_ELEMENTS.has(name)) return `An SVG logo may not contain <${node.nodeName}>`;
  for (const attr of Array.from(node.attributes ?? [])) {
    const local = (attr.localName ?? attr.name).toLowerCase();
    if (!ALLOWED_NAMESPACES.has(attr.namespaceURI ?? null)) return `An SVG logo may not use the attribute ${attr.name}`;
    if (local.startsWith('on')) return 'An SVG logo may not contain event handlers';
    if ((local === 'href' || local === 'src') && !attr.value.trim().startsWith('#')) return 'An SVG logo may only link inside itself';
    if (/javascript:|data:/i.test(attr.value) || BAD_CSS.test(attr.value)) return 'An SVG logo may not load or run anything';
  }
  for (const child of Array.from(node.childNodes ?? [])) {
    const problem = checkSvgNode(child, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function checkSvg(b: Uint8Array): LogoVerdict {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    return refuse('An SVG logo must be UTF-8 text', 'unsupported');
  }
  // Entities are how XML pulls in other files or multiplies itself; a logo needs neither.
  if (/<!DOCTYPE\s+svg|<!ENTITY/i.test(text)) return refuse('An SVG logo may not have a DOCTYPE');
  if (/<!DOCTYPE/i.test(text)) return refuse('A logo must be a PNG, JPEG, WebP or SVG image', 'unsupported');
  let problem: string | null = null;
  const onError = (msg: string) => void (problem ??= `Not a well-formed SVG: ${msg.split('\n')[0]}`);
  let doc: { documentElement: XmlNode | null; childNodes: ArrayLike<XmlNode> } | undefined;
  try {
    doc = new DOMParser({ onError: (level: string, msg: string) => (level === 'warning' ? undefined : onError(msg)) }).parseFromString(text, 'image/svg+xml') as never;
  } catch (error) {
    onError(error instanceof Error ? error.message : String(error));
  }
  if (problem) return refuse(problem, 'unsupported');
  const root = doc?.documentElement;
  if (!root || root.localName !== 'svg' || root.namespaceURI !== SVG_NS) return refuse('An SVG logo must have <svg xmlns="http://www.w3.org/2000/svg"> as its root', 'unsupported');
  for (const node of Array.from(doc!.childNodes)) if (node.nodeType === 7 && node.nodeName !== 'xml') return refuse('An SVG logo may not contain processing instructions');
  const found = checkSvgNode(root);
  return found ? refuse(found) : accept('svg');
}

/** Whether `bytes` may become a logo, and as what: the type is read from the bytes alone. */
export function checkLogo(bytes: Uint8Array): LogoVerdict {
  if (bytes.length === 0) return refuse('The logo is empty', 'unsupported');
  if (bytes.length > MAX_LOGO_BYTES) return refuse(`A logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`, 'too_large');
  let raster: LogoVerdict | null = null;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) raster = checkPng(bytes);
  else if (startsWith(bytes, [0xff, 0xd8, 0xff])) raster = checkJpeg(bytes);
  else if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') raster = checkWebp(bytes);
  if (raster) {
    if (!raster.ok) return raster;
    return HIDDEN_MARKUP.test(new TextDecoder('latin1').decode(bytes)) ? refuse('The image carries markup or script: not accepted as a logo') : raster;
  }
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return checkSvg(bytes);
  return refuse('A logo must be a PNG, JPEG, WebP or SVG image', 'unsupported');
}
