//! The scanner itself, in plain Rust: text in, a flat tree of nodes (or a refusal) out.
//!
//! It is a line-for-line translation of `newsrecord/_read/scan.py` (the pure-Python
//! scanner), which stays the reference: the same lines are accepted, with the same
//! values, styles and spans, and everything else is declined (`None`), so that the caller
//! hands the text to ruamel.yaml. Where the Python code uses a regular expression, the
//! comment above the Rust code quotes it; the matching is done by hand.
//!
//! It reads Python's own code units (see [`Unit`]), so that its offsets are the offsets
//! Python's strings use, and its values are slices of the text wherever they can be.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A code unit of the text: Python keeps a string as an array of 1, 2 or 4 byte units,
/// one per code point, so that unit offsets are Python's string offsets.
pub trait Unit: Copy + Eq + Hash + Into<u32> {
    /// The offset of the first `a` in `units`.
    #[inline]
    fn find(units: &[Self], a: u8) -> Option<usize> {
        units.iter().position(|&unit| is(unit, a))
    }

    /// The offset of the first `a` or `b` in `units`.
    #[inline]
    fn find2(units: &[Self], a: u8, b: u8) -> Option<usize> {
        units.iter().position(|&unit| is(unit, a) || is(unit, b))
    }
}

/// One byte per code point (Latin-1, most records): searched with SIMD.
impl Unit for u8 {
    #[inline]
    fn find(units: &[Self], a: u8) -> Option<usize> {
        memchr::memchr(a, units)
    }

    #[inline]
    fn find2(units: &[Self], a: u8, b: u8) -> Option<usize> {
        memchr::memchr2(a, b, units)
    }
}

impl Unit for u16 {}
impl Unit for u32 {}

/// The kind of a node, with what only that kind carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A scalar: its decoded value and its style.
    Scalar(Value, Style),
    /// A block mapping of `count` pairs: that many (key, value) subtrees follow it.
    Mapping(usize),
    /// A block sequence of `count` items: that many subtrees follow it.
    Sequence(usize),
    /// A one-line flow sequence of `count` scalars, `[a, "b"]`: that many scalars follow.
    FlowSequence(usize),
}

/// A scalar's value: most are the text between two offsets, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `text[start..end]`.
    Slice(usize, usize),
    /// A value with escapes or doubled quotes decoded.
    Owned(String),
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
}

/// One node, in pre-order: a collection is followed by its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Offset of the first character.
    pub start: usize,
    /// Offset just past the node; `None` for a collection that runs to the end of the
    /// front matter (the Python side reports the caller's `end` there, as given).
    pub end: Option<usize>,
}

/// The limits the scanner respects; past them it declines and the full parser decides.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: i64,
    pub max_nodes: i64,
}

/// One content line: indentation, offset of its first character, offset of its end.
#[derive(Debug, Clone, Copy)]
struct Line {
    indent: usize,
    first: usize,
    stop: usize,
}

/// The text goes beyond the subset: the full parser takes it.
struct Declined;

type Scan<T> = Result<T, Declined>;

#[inline(always)]
fn is<U: Unit>(unit: U, ascii: u8) -> bool {
    unit.into() == u32::from(ascii)
}

/// Scan `text[start..end]` (offsets in units, `start <= end <= text.len()`) into a flat
/// pre-order tree with offsets into `text`.
///
/// Returns `None` exactly when the Python scanner returns None.
pub fn scan<U: Unit>(text: &[U], start: usize, end: usize, limits: Limits) -> Option<Vec<Node>> {
    if has_unusual(&text[start..end]) {
        return None;
    }
    let lines = content_lines(text, start, end);
    // A line makes at most three nodes (a list item's mapping, a key, a value): near the
    // limit, the full parser counts them exactly and says so.
    if (lines.len() as i128) * 3 + 1 > i128::from(limits.max_nodes) {
        return None;
    }
    let line_count = lines.len();
    let mut scanner = Scanner {
        text,
        lines,
        index: 0,
        max_depth: limits.max_depth,
        nodes: Vec::new(),
        flow_items: 0,
    };
    scanner.document().ok()?;
    // Items of one-line flow lists are nodes beyond the three a line makes at most.
    if (line_count as i128) * 3 + 1 + scanner.flow_items as i128 > i128::from(limits.max_nodes) {
        return None;
    }
    Some(scanner.nodes)
}

/// Whether a unit is one that needs no closer look: printable ASCII or a line feed.
#[inline(always)]
fn plain_unit<U: Unit>(unit: U) -> bool {
    let unit = unit.into();
    unit.wrapping_sub(0x20) < 0x5f || unit == 0x0a
}

// `[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]` and
// `\r(?!\n)`: characters YAML does not allow unescaped, the tab, the line breaks of YAML
// 1.1 besides CR and LF, surrogates, and a CR that is not part of a CRLF.
fn has_unusual<U: Unit>(region: &[U]) -> bool {
    const CHUNK: usize = 32;
    let n = region.len();
    let mut chunk_start = 0;
    while chunk_start < n {
        let chunk_end = (chunk_start + CHUNK).min(n);
        // Most of a front matter is printable ASCII: check it a chunk at a time (the fold
        // does not stop early, so that the compiler can vectorize it).
        if region[chunk_start..chunk_end]
            .iter()
            .fold(true, |all, &unit| all & plain_unit(unit))
        {
            chunk_start = chunk_end;
            continue;
        }
        for i in chunk_start..chunk_end {
            let unusual = match region[i].into() {
                0x0a | 0x20..=0x7e => false,
                0x0d => i + 1 >= n || !is(region[i + 1], b'\n'),
                0x00..=0x1f | 0x7f..=0x9f => true,
                0x2028 | 0x2029 | 0xd800..=0xdfff | 0xfeff | 0xfffe | 0xffff => true,
                _ => false,
            };
            if unusual {
                return true;
            }
        }
        chunk_start = chunk_end;
    }
    false
}

// `^( *)([^ #\r\n][^\r\n]*)` with MULTILINE, searched from `start` to `end`: `^` matches at
// the start of the text and after a line feed. Blank lines and comment lines are left
// out. The region holds no lone CR (checked before), so a line ends at its CR or LF.
fn content_lines<U: Unit>(text: &[U], start: usize, end: usize) -> Vec<Line> {
    let mut lines = Vec::with_capacity((end - start) / 24 + 1);
    let mut position = start;
    if start > 0 && !is(text[start - 1], b'\n') {
        match find(text, b'\n', start, end) {
            Some(newline) => position = newline + 1,
            None => return lines,
        }
    }
    while position < end {
        let mut first = position;
        while first < end && is(text[first], b' ') {
            first += 1;
        }
        let newline = find(text, b'\n', first, end);
        let line_end = newline.unwrap_or(end);
        if first < end && !matches!(text[first].into(), 0x23 | 0x0d | 0x0a) {
            let stop = if is(text[line_end - 1], b'\r') {
                line_end - 1
            } else {
                line_end
            };
            lines.push(Line {
                indent: first - position,
                first,
                stop,
            });
        }
        match newline {
            Some(newline) => position = newline + 1,
            None => break,
        }
    }
    lines
}

/// The offset of the first `needle` in `text[from..to]`.
#[inline]
fn find<U: Unit>(text: &[U], needle: u8, from: usize, to: usize) -> Option<usize> {
    U::find(&text[from..to], needle).map(|i| i + from)
}

/// A cheap hasher for the keys of one mapping (FxHash's step).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

/// The keys of one mapping so far: a short list, and a hash set once it grows.
struct Seen<'a, U: Unit> {
    few: Vec<&'a [U]>,
    many: HashSet<&'a [U], BuildHasherDefault<KeyHasher>>,
}

impl<'a, U: Unit> Seen<'a, U> {
    const FEW: usize = 24;

    fn new() -> Self {
        Self {
            few: Vec::new(),
            many: HashSet::default(),
        }
    }

    /// Add `key`; false if it was there already.
    fn insert(&mut self, key: &'a [U]) -> bool {
        if self.few.len() < Self::FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().copied());
        }
        self.many.insert(key)
    }
}

/// `[A-Za-z0-9_]` (the first character of a plain flow item) or `[A-Za-z0-9_.+/-]`.
#[inline(always)]
fn is_flow_word<U: Unit>(unit: U, first: bool) -> bool {
    let unit = unit.into();
    if unit >= 128 {
        return false;
    }
    let byte = unit as u8;
    byte.is_ascii_alphanumeric() || byte == b'_' || (!first && b".+/-".contains(&byte))
}

/// The first offset from `position` that is not a space (or `stop`).
fn skip_spaces<U: Unit>(text: &[U], mut position: usize, stop: usize) -> usize {
    while position < stop && is(text[position], b' ') {
        position += 1;
    }
    position
}

/// The longest key the scanner reads, as `newsrecord._read.scan.MAX_KEY`.
const MAX_KEY: usize = 1000;

/// The classes of ASCII characters in keys: a bit per class.
const KEY_START: u8 = 1;
const KEY_REST: u8 = 2;
const KEY_CLASSES: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let byte = c as u8;
        if byte.is_ascii_alphabetic() || byte == b'_' {
            table[c] = KEY_START | KEY_REST;
        } else if byte.is_ascii_digit() || byte == b'-' {
            table[c] = KEY_REST;
        }
        c += 1;
    }
    table
};

/// `[A-Za-z_]` (for `KEY_START`) or `[A-Za-z0-9_-]` (for `KEY_REST`).
#[inline(always)]
fn is_key_character<U: Unit>(unit: U, class: u8) -> bool {
    let unit = unit.into();
    unit < 128 && KEY_CLASSES[unit as usize] & class != 0
}

/// Plain keys that YAML reads as something other than a string.
const NOT_STRING_KEYS: [&[u8]; 9] = [
    b"true", b"True", b"TRUE", b"false", b"False", b"FALSE", b"null", b"Null", b"NULL",
];

fn not_string_key<U: Unit>(name: &[U]) -> bool {
    NOT_STRING_KEYS
        .iter()
        .any(|word| word.len() == name.len() && word.iter().zip(name).all(|(&a, &b)| is(b, a)))
}

struct Scanner<'a, U: Unit> {
    text: &'a [U],
    lines: Vec<Line>,
    index: usize,
    max_depth: i64,
    nodes: Vec<Node>,
    /// Items of one-line flow lists read so far.
    flow_items: usize,
}

/// A key matched at the start of a line's content.
struct Key {
    /// Just past the key's name (where the colon is).
    end: usize,
    /// Where the value starts: after the colon and its spaces.
    value_at: usize,
}

impl<'a, U: Unit> Scanner<'a, U> {
    fn document(&mut self) -> Scan<()> {
        let Some(&first) = self.lines.first() else {
            return Err(Declined);
        };
        if first.indent != 0 || self.key(first.first, first.stop).is_none() {
            return Err(Declined);
        }
        self.mapping(0, first.first, 1)?;
        if self.index != self.lines.len() {
            return Err(Declined);
        }
        // The root runs to the end of the front matter, which the caller reports as given.
        self.nodes[0].end = None;
        Ok(())
    }

    // `([A-Za-z_][A-Za-z0-9_-]{0,MAX_KEY-1}):(?: +|$)`, matched at `at`, ending by `stop`.
    fn key(&self, at: usize, stop: usize) -> Option<Key> {
        let text = self.text;
        if at >= stop || !is_key_character(text[at], KEY_START) {
            return None;
        }
        let mut i = at + 1;
        while i < stop && is_key_character(text[i], KEY_REST) {
            i += 1;
        }
        // YAML refuses an implicit key over 1,024 characters: longer ones (with room to
        // spare, as the pure scanner's MAX_KEY) are the full parser's, which says so.
        if i - at > MAX_KEY || i >= stop || !is(text[i], b':') {
            return None;
        }
        let colon = i;
        let mut value_at = colon + 1;
        if value_at < stop {
            if !is(text[value_at], b' ') {
                return None;
            }
            while value_at < stop && is(text[value_at], b' ') {
                value_at += 1;
            }
        }
        Some(Key {
            end: colon,
            value_at,
        })
    }

    fn next_token(&self) -> Option<usize> {
        self.lines.get(self.index).map(|line| line.first)
    }

    fn push(&mut self, kind: Kind, start: usize, end: Option<usize>) -> usize {
        self.nodes.push(Node { kind, start, end });
        self.nodes.len() - 1
    }

    // --- block collections ------------------------------------------------------------

    /// Read the entries of a block mapping whose keys stand at column `indent`; the first
    /// key starts at `first` (after a dash, for a list item).
    fn mapping(&mut self, indent: usize, first: usize, depth: i64) -> Scan<()> {
        if depth > self.max_depth {
            return Err(Declined);
        }
        let node = self.push(Kind::Mapping(0), first, Some(first));
        let text = self.text;
        let mut seen = Seen::new();
        let mut count = 0;
        let mut at = first;
        loop {
            let stop = self.lines[self.index].stop;
            let key = self.key(at, stop).ok_or(Declined)?;
            let name = &text[at..key.end];
            if not_string_key(name) || !seen.insert(name) {
                return Err(Declined);
            }
            self.push(
                Kind::Scalar(Value::Slice(at, key.end), Style::Plain),
                at,
                Some(key.end),
            );
            if key.value_at < stop {
                if is(text[key.value_at], b'[') {
                    self.flow_sequence(key.value_at, stop, depth + 1)?;
                } else {
                    self.inline_value(key.value_at, stop)?;
                }
                self.index += 1;
            } else {
                self.index += 1;
                self.nested(indent, key.end + 1, depth)?;
            }
            count += 1;
            let Some(&line) = self.lines.get(self.index) else {
                break;
            };
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is(text[line.first], b'-') {
                // A continuation line, bad indentation, or a list where keys should be.
                return Err(Declined);
            }
            at = line.first;
        }
        self.nodes[node].kind = Kind::Mapping(count);
        self.nodes[node].end = self.next_token();
        Ok(())
    }

    /// The value of a key whose line ends after the colon: a block, or null.
    fn nested(&mut self, indent: usize, colon_end: usize, depth: i64) -> Scan<()> {
        if let Some(&line) = self.lines.get(self.index) {
            let text = self.text;
            let is_item = is(text[line.first], b'-')
                && (line.first + 1 == line.stop || is(text[line.first + 1], b' '));
            if line.indent > indent {
                if is_item {
                    return self.sequence(line.indent, depth + 1);
                }
                return self.mapping(line.indent, line.first, depth + 1);
            }
            if line.indent == indent && is_item {
                return self.sequence(line.indent, depth + 1); // dashes flush with the key
            }
        }
        self.push(
            Kind::Scalar(Value::Slice(colon_end, colon_end), Style::Plain),
            colon_end,
            Some(colon_end),
        );
        Ok(())
    }

    fn sequence(&mut self, indent: usize, depth: i64) -> Scan<()> {
        if depth > self.max_depth {
            return Err(Declined);
        }
        let start = self.lines[self.index].first;
        let node = self.push(Kind::Sequence(0), start, Some(start));
        let text = self.text;
        let mut count = 0;
        loop {
            let line = self.lines[self.index];
            // `- +`: a lone "-" (a null item) or "-x": the full parser decides.
            let offset = line.first;
            if !(is(text[offset], b'-') && offset + 1 < line.stop && is(text[offset + 1], b' ')) {
                return Err(Declined);
            }
            let mut at = offset + 1;
            while at < line.stop && is(text[at], b' ') {
                at += 1;
            }
            if at >= line.stop || is(text[at], b'-') {
                return Err(Declined); // a null item, or a list in a list
            }
            if self.key(at, line.stop).is_some() {
                self.mapping(line.indent + (at - offset), at, depth + 1)?;
            } else {
                self.inline_value(at, line.stop)?;
                self.index += 1;
            }
            count += 1;
            let Some(&next) = self.lines.get(self.index) else {
                break;
            };
            if next.indent < indent {
                break;
            }
            if next.indent > indent {
                return Err(Declined);
            }
            if !is(text[next.first], b'-') {
                break; // a key of the mapping that holds these flush dashes
            }
        }
        self.nodes[node].kind = Kind::Sequence(count);
        self.nodes[node].end = self.next_token();
        Ok(())
    }

    // --- scalars on one line ------------------------------------------------------------

    /// A double-quoted scalar starting at `at`, on this line: its value and its end.
    fn double_quoted(&self, at: usize, stop: usize) -> Scan<(Value, usize)> {
        let text = self.text;
        // `"([^"\\]*(?:\\.[^"\\]*)*)"`: a backslash always takes the character after it.
        let mut i = at + 1;
        let mut escaped = false;
        loop {
            // No closing quote on this line: it goes on over the next line.
            let found = i + U::find2(&text[i..stop], b'"', b'\\').ok_or(Declined)?;
            if is(text[found], b'"') {
                i = found;
                break;
            }
            if found + 1 >= stop {
                return Err(Declined);
            }
            escaped = true;
            i = found + 2;
        }
        let value = if escaped {
            Value::Owned(unescape(&text[at + 1..i])?)
        } else {
            Value::Slice(at + 1, i)
        };
        Ok((value, i + 1))
    }

    /// A single-quoted scalar starting at `at`, on this line: its value and its end.
    fn single_quoted(&self, at: usize, stop: usize) -> Scan<(Value, usize)> {
        let text = self.text;
        // `'([^']*(?:''[^']*)*)'`: a doubled quote is a quote.
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            let quote = find(text, b'\'', i, stop).ok_or(Declined)?;
            if quote + 1 < stop && is(text[quote + 1], b'\'') {
                doubled = true;
                i = quote + 2;
            } else {
                i = quote;
                break;
            }
        }
        let value = if doubled {
            Value::Owned(undouble(&text[at + 1..i]))
        } else {
            Value::Slice(at + 1, i)
        };
        Ok((value, i + 1))
    }

    /// A flow list of scalars on one line, `[a, "b", 'c']`, from the `[` at `at`. Only
    /// quoted items and plain words are taken; nested collections, a comma with no item
    /// after it, or a list that goes on over the next line, are the full parser's.
    fn flow_sequence(&mut self, at: usize, stop: usize, depth: i64) -> Scan<()> {
        if depth > self.max_depth {
            return Err(Declined);
        }
        let text = self.text;
        let node = self.push(Kind::FlowSequence(0), at, Some(at));
        let mut count = 0;
        let mut position = skip_spaces(text, at + 1, stop);
        if position < stop && is(text[position], b']') {
            position += 1;
        } else {
            loop {
                let end = self.flow_item(position, stop)?;
                count += 1;
                position = skip_spaces(text, end, stop);
                if position >= stop {
                    return Err(Declined);
                }
                if is(text[position], b']') {
                    position += 1;
                    break;
                }
                if !is(text[position], b',') {
                    return Err(Declined);
                }
                position = skip_spaces(text, position + 1, stop);
            }
        }
        self.nodes[node].kind = Kind::FlowSequence(count);
        self.nodes[node].end = Some(position);
        if position != stop {
            self.only_comment_after(position, stop)?;
        }
        self.flow_items += count;
        Ok(())
    }

    /// One item of a flow list: pushed, its end returned.
    fn flow_item(&mut self, at: usize, stop: usize) -> Scan<usize> {
        let text = self.text;
        if at >= stop {
            return Err(Declined);
        }
        let (value, style, end) = if is(text[at], b'"') {
            let (value, end) = self.double_quoted(at, stop)?;
            (value, Style::Double, end)
        } else if is(text[at], b'\'') {
            let (value, end) = self.single_quoted(at, stop)?;
            (value, Style::Single, end)
        } else {
            // `[A-Za-z0-9_][A-Za-z0-9_.+/-]*(?: [A-Za-z0-9_.+/-]+)*`
            if !is_flow_word(text[at], true) {
                return Err(Declined);
            }
            let mut end = at + 1;
            while end < stop && is_flow_word(text[end], false) {
                end += 1;
            }
            while end + 1 < stop && is(text[end], b' ') && is_flow_word(text[end + 1], false) {
                end += 2;
                while end < stop && is_flow_word(text[end], false) {
                    end += 1;
                }
            }
            (Value::Slice(at, end), Style::Plain, end)
        };
        self.push(Kind::Scalar(value, style), at, Some(end));
        Ok(end)
    }

    /// A scalar from `at` to the end of its line (a comment may follow).
    fn inline_value(&mut self, at: usize, stop: usize) -> Scan<()> {
        let text = self.text;
        let first = text[at].into();
        if first == u32::from(b'"') || first == u32::from(b'\'') {
            let (value, end, style) = if first == u32::from(b'"') {
                let (value, end) = self.double_quoted(at, stop)?;
                (value, end, Style::Double)
            } else {
                let (value, end) = self.single_quoted(at, stop)?;
                (value, end, Style::Single)
            };
            if end != stop {
                self.only_comment_after(end, stop)?;
            }
            self.push(Kind::Scalar(value, style), at, Some(end));
            return Ok(());
        }
        // "-5" is a plain scalar; "- 5" would be a list.
        let signed = first == u32::from(b'-')
            && at + 1 < stop
            && !matches!(text[at + 1].into(), 0x20 | 0x23);
        if first < 0x80 && b"-?:,[]{}#&*!|>%@`".contains(&(first as u8)) && !signed {
            return Err(Declined);
        }
        // One pass for `text.find(" #", at, stop)` (where a comment starts) and for
        // `": " in value or value.endswith(":")` (the value would be a mapping): a colon
        // before the comment that a space or the line's end follows is exactly that.
        let mut comment = stop;
        let mut i = at;
        while let Some(found) = U::find2(&text[i..stop], b' ', b':') {
            let j = i + found;
            if is(text[j], b' ') {
                if j + 1 < stop && is(text[j + 1], b'#') {
                    comment = j;
                    break;
                }
            } else if j + 1 == stop || is(text[j + 1], b' ') {
                return Err(Declined);
            }
            i = j + 1;
        }
        let mut value_end = comment;
        while is(text[value_end - 1], b' ') {
            value_end -= 1;
        }
        self.push(
            Kind::Scalar(Value::Slice(at, value_end), Style::Plain),
            at,
            Some(value_end),
        );
        Ok(())
    }

    fn only_comment_after(&self, position: usize, stop: usize) -> Scan<()> {
        let rest = &self.text[position..stop];
        let spaces = rest.iter().take_while(|&&unit| is(unit, b' ')).count();
        if spaces == rest.len() || (is(rest[spaces], b'#') && spaces > 0) {
            Ok(())
        } else {
            Err(Declined)
        }
    }
}

/// A code unit as a character. The text holds no surrogates (they are declined before),
/// so every unit is a character.
fn character<U: Unit>(unit: U) -> char {
    char::from_u32(unit.into()).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The body of a single-quoted scalar with each doubled quote made one.
fn undouble<U: Unit>(body: &[U]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        out.push(character(body[i]));
        // A quote in the body is always doubled: keep one, skip the other.
        i += if is(body[i], b'\'') { 2 } else { 1 };
    }
    out
}

/// Decode the escapes of a double-quoted scalar's body.
fn unescape<U: Unit>(body: &[U]) -> Scan<String> {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let unit = body[i];
        if !is(unit, b'\\') {
            out.push(character(unit));
            i += 1;
            continue;
        }
        // The quoted-string scan guarantees a character after every backslash.
        let code = body[i + 1].into();
        let simple = match u8::try_from(code).unwrap_or(0xff) {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(simple) = simple {
            out.push(simple);
            i += 2;
            continue;
        }
        let width = match u8::try_from(code).unwrap_or(0xff) {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => return Err(Declined),
        };
        let digits = body.get(i + 2..i + 2 + width).ok_or(Declined)?;
        let mut point: u32 = 0;
        for &digit in digits {
            let value = char::from_u32(digit.into())
                .and_then(|digit| digit.to_digit(16))
                .ok_or(Declined)?;
            point = point * 16 + value;
        }
        // `char::from_u32` refuses surrogates and points past U+10FFFF, as Python does.
        out.push(char::from_u32(point).ok_or(Declined)?);
        i += 2 + width;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_depth: 64,
        max_nodes: 20_000,
    };

    /// The nodes of `front` (a whole text), scanned as code points, as a readable string;
    /// also checks that the 1-, 2- and 4-byte readings agree where they apply.
    fn tree(front: &str) -> Option<String> {
        let points: Vec<u32> = front.chars().map(u32::from).collect();
        let wide = scan(&points, 0, points.len(), LIMITS);
        if points.iter().all(|&point| point <= 0xffff) {
            let units: Vec<u16> = points.iter().map(|&point| point as u16).collect();
            assert_eq!(scan(&units, 0, units.len(), LIMITS), wide);
        }
        if points.iter().all(|&point| point <= 0xff) {
            let units: Vec<u8> = points.iter().map(|&point| point as u8).collect();
            assert_eq!(scan(&units, 0, units.len(), LIMITS), wide);
        }
        let nodes = wide?;
        let mut out = Vec::new();
        for node in &nodes {
            let end = node.end.map_or("END".to_string(), |end| end.to_string());
            out.push(match &node.kind {
                Kind::Scalar(value, style) => {
                    let value = match value {
                        Value::Slice(start, end) => points[*start..*end]
                            .iter()
                            .map(|&point| char::from_u32(point).unwrap())
                            .collect(),
                        Value::Owned(value) => value.clone(),
                    };
                    format!("{style:?}({value:?})@{}-{end}", node.start)
                }
                Kind::Mapping(count) => format!("Map{count}@{}-{end}", node.start),
                Kind::Sequence(count) => format!("Seq{count}@{}-{end}", node.start),
                Kind::FlowSequence(count) => format!("Flow{count}@{}-{end}", node.start),
            });
        }
        Some(out.join(" "))
    }

    #[test]
    fn reads_a_mapping_with_a_list_and_a_nested_mapping() {
        assert_eq!(
            tree("a: 1\nb:\n  c: x  # c\n\nd:\n- 1\n- k: 'v'\n").as_deref(),
            Some(
                "Map3@0-END Plain(\"a\")@0-1 Plain(\"1\")@3-4 Plain(\"b\")@5-6 Map1@10-21 \
                 Plain(\"c\")@10-11 Plain(\"x\")@13-14 Plain(\"d\")@21-22 Seq2@24-END \
                 Plain(\"1\")@26-27 Map1@30-END Plain(\"k\")@30-31 Single(\"v\")@33-36"
            )
        );
    }

    #[test]
    fn offsets_count_code_points() {
        assert_eq!(
            tree("t: \"é\\u00e9\"\nu: 😀 x\n").as_deref(),
            Some(
                "Map2@0-END Plain(\"t\")@0-1 Double(\"éé\")@3-12 Plain(\"u\")@13-14 \
                 Plain(\"😀 x\")@16-19"
            )
        );
    }

    #[test]
    fn decodes_quotes_and_escapes() {
        assert_eq!(
            tree("a: 'it''s'\nb: \"\\t\\x41\\U0001F600\\N\"\nc:\n").as_deref(),
            Some(
                "Map3@0-END Plain(\"a\")@0-1 Single(\"it's\")@3-10 Plain(\"b\")@11-12 \
                 Double(\"\\tA😀\\u{85}\")@14-34 Plain(\"c\")@35-36 Plain(\"\")@37-37"
            )
        );
    }

    #[test]
    fn reads_one_line_flow_lists_of_scalars() {
        assert_eq!(
            tree("k: [\"C#\", 'b', c d]  # c\nl: []\n").as_deref(),
            Some(
                "Map2@0-END Plain(\"k\")@0-1 Flow3@3-19 Double(\"C#\")@4-8 Single(\"b\")@10-13 \
                 Plain(\"c d\")@15-18 Plain(\"l\")@25-26 Flow0@28-30"
            )
        );
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for front in [
            "",
            "# only a comment\n",
            "k: x\n  continued\n",
            "k: |\n  block\n",
            "true: x\n",
            "k: v\nk: w\n",
            "k: \"unclosed\n  more\"\n",
            "k: &a x\nl: *a\n",
            "k: !!str x\n",
            "- a\n",
            "k:\n- a\n-\n",
            "k: - a\n",
            "k: a: b\n",
            "k: a:\n",
            "k: [1, [2]]\n",
            "k: [a, ]\n",
            "k: [a,\n  b]\n",
            "- [a]\n",
            "k: \"\\q\"\n",
            "k: \"\\ud800\"\n",
            "k: 'x' y\n",
            "k:\tx\n",
            "k: x\ry: z\n",
            "k: x\u{2028}\n",
            "k: x\u{85}\n",
            "k: \u{feff}x\n",
            " k: x\n",
        ] {
            assert_eq!(tree(front), None, "{front:?}");
        }
    }

    #[test]
    fn reads_crlf_and_comments() {
        assert_eq!(
            tree("a: b # c\r\nd:\r\n  - e\r\n").as_deref(),
            Some(
                "Map2@0-END Plain(\"a\")@0-1 Plain(\"b\")@3-4 Plain(\"d\")@10-11 Seq1@16-END \
                 Plain(\"e\")@18-19"
            )
        );
    }

    #[test]
    fn respects_the_limits_and_the_region() {
        let text: Vec<u8> = b"---\na:\n  b:\n    c: 1\n---\nbody".to_vec();
        let end = 21;
        let shallow = Limits {
            max_depth: 2,
            max_nodes: 20_000,
        };
        assert!(scan(&text, 4, end, shallow).is_none());
        assert!(scan(&text, 4, end, LIMITS).is_some());
        let few = Limits {
            max_depth: 64,
            max_nodes: 9,
        };
        assert!(scan(&text, 4, end, few).is_none());
        // Starting inside a line: the rest of that line is no line of its own.
        let nodes = scan(&text, 5, end, LIMITS);
        assert!(nodes.is_none());
    }

    #[test]
    fn many_keys_use_the_hash_set() {
        let mut front: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(tree(&front).is_some());
        front.push_str("k50: again\n");
        assert!(tree(&front).is_none());
    }
}
