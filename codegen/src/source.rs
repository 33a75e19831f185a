//! A spec file's text plus an index from YAML paths to positions, so that a
//! problem found after deserialization can still name `file:line:column`.
//! `serde_yaml::Value` keeps no positions, so one event-level parse with
//! `yaml-rust2` feeds both the index (here) and the value
//! ([`crate::yaml_value`]).

use std::cell::Cell;
use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::{Diagnostic, Position, Severity};
use crate::yaml_value::{Builder, MAX_DEPTH, YamlError, too_deep};

/// One step into a YAML document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root, e.g. `types.okr_batch.fields.id`.
pub type YamlPath = Vec<Segment>;

/// Builds a path from `"types"`, `"okr_batch"`, … (keys only).
pub fn key_path<I, S>(keys: I) -> YamlPath
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    keys.into_iter().map(|k| Segment::Key(k.into())).collect()
}

#[derive(Clone, Copy, Debug, Default)]
struct Spot {
    key: Option<Position>,
    value: Position,
}

/// A loaded spec file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user, relative to the workspace (`spec/okr/v1.yaml`).
    pub display_path: String,
    /// The file's text.
    pub text: String,
    index: Index,
    duplicates: Vec<DuplicateKey>,
    /// Byte offset where each line starts and ends (without its break), so
    /// that a diagnostic's line is found without rescanning the file: with
    /// thousands of diagnostics a scan per diagnostic was quadratic.
    lines: Vec<(usize, usize)>,
    /// [`Self::root_position`], computed once for the same reason.
    root: Position,
    /// Bytes of text read to answer line queries (see [`Self::bytes_read`]).
    read: Cell<usize>,
}

/// A mapping key written twice; YAML parsers silently keep the last one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The path of the repeated key.
    pub path: YamlPath,
    /// Where it first appears.
    pub first: Position,
    /// Where it appears again.
    pub again: Position,
}

/// What one parse of a spec file gives besides its index.
#[derive(Debug)]
pub enum Parsed {
    /// The document's value (null when the file holds no document).
    Value(serde_yaml::Value),
    /// The text is not YAML (or not one document, or nests too deep): the
    /// index is empty and this is the only problem to report.
    Syntax(YamlError),
    /// The YAML is well formed but has no `serde_yaml::Value` (a key
    /// repeated by value, an integer beyond 64 bits, an alias bomb…). The
    /// index is complete, so its duplicate keys can be reported first.
    Refused(YamlError),
}

impl SourceFile {
    /// Indexes `text`, without keeping its value (see [`Self::parse`]). A
    /// YAML syntax error leaves the index empty.
    pub fn new(display_path: impl Into<String>, text: impl Into<String>) -> Self {
        Self::parse(display_path, text).0
    }

    /// Parses `text` once: its position index and its `serde_yaml::Value`,
    /// the same value `serde_yaml::from_str` gives, built from the same
    /// events.
    pub fn parse(display_path: impl Into<String>, text: impl Into<String>) -> (Self, Parsed) {
        let text = text.into();
        let mut indexer = Indexer::default();
        let mut builder = Builder::default();
        let parsed = match read_events(&text, &mut indexer, &mut builder) {
            Ok(()) => match builder.finish() {
                Ok(value) => Parsed::Value(value),
                Err(error) => Parsed::Refused(error),
            },
            Err(error) => {
                indexer = Indexer::default();
                Parsed::Syntax(error)
            }
        };
        // Where the document's content starts: its first top-level key (the
        // parser marks a block mapping's start after that key), else the
        // root value, else the start of the file.
        let root = indexer
            .first_top_level
            .or(indexer.index.spots.first().map(|spot| spot.value))
            .unwrap_or(Position { line: 1, column: 1 });
        let lines = line_spans(&text);
        let file = SourceFile {
            display_path: display_path.into(),
            text,
            index: indexer.index,
            duplicates: indexer.duplicates,
            lines,
            root,
            read: Cell::new(0),
        };
        (file, parsed)
    }

    /// How many bytes of the text line lookups have read so far. Each
    /// lookup reads only its own line, so reporting diagnostics costs at most
    /// the lines shown, never a rescan of the file per diagnostic; tests use
    /// this to prove the cost is linear without timing anything.
    #[doc(hidden)]
    pub fn bytes_read(&self) -> usize {
        self.read.get()
    }

    /// Keys written twice in one mapping.
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// Position of the value at `path`, or of its closest indexed ancestor.
    pub fn value_position(&self, path: &[Segment]) -> Position {
        self.lookup(path, false)
    }

    /// Position of the key that introduces `path` (falls back to the value).
    pub fn key_position(&self, path: &[Segment]) -> Position {
        self.lookup(path, true)
    }

    fn lookup(&self, path: &[Segment], want_key: bool) -> Position {
        // The deepest indexed node along `path` (node 0 is the root).
        let mut node = 0;
        let mut found = None;
        for segment in path {
            match self.index.children.get(&(node, segment.clone())) {
                Some(&child) => {
                    node = child;
                    found = Some(child);
                }
                None => break,
            }
        }
        match found.and_then(|node| self.index.spots.get(node)) {
            None => self.root,
            Some(spot) => match (want_key, spot.key) {
                (true, Some(key)) => key,
                _ => spot.value,
            },
        }
    }

    /// The text of a 1-based line.
    /// Lines end where the YAML parsers end them: at `\n`, `\r\n` or a lone
    /// `\r` (so a stray carriage return does not shift every later line).
    pub fn line_text(&self, line: usize) -> Option<String> {
        self.line_str(line).map(str::to_owned)
    }

    /// [`Self::line_text`] without the copy.
    pub fn line_str(&self, line: usize) -> Option<&str> {
        let (start, end) = *self.lines.get(line.checked_sub(1)?)?;
        self.read.set(self.read.get() + (end - start));
        self.text.get(start..end)
    }

    /// A diagnostic at a position in this file.
    pub fn diagnostic_at(
        &self,
        severity: Severity,
        position: Position,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let (source_line, source_caret) = match self.line_str(position.line) {
            Some(line) => {
                let (window, caret) = crate::diagnostic::window(line, position.column);
                (Some(window), caret)
            }
            None => (None, 0),
        };
        Diagnostic {
            severity,
            file: self.display_path.clone(),
            position,
            source_line,
            source_caret,
            message: crate::diagnostic::clip(message.into()),
            help: help.map(crate::diagnostic::clip),
        }
    }
}

/// `(start, end)` byte offsets of every line as [`yaml_lines`] splits them.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let base = text.as_ptr() as usize;
    yaml_lines(text)
        .map(|line| {
            let start = line.as_ptr() as usize - base;
            (start, start + line.len())
        })
        .collect()
}

/// The lines of `text` as YAML counts them (`\n`, `\r\n`, lone `\r`); an
/// empty text has one empty line.
pub fn yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(end) => {
                let skip = if current[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[end + skip..]);
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Feeds the events of the file's one document to the index and the value
/// builder. Stops at the first syntax error, at a second document (serde_yaml
/// refuses those too), or at the first collection nested deeper than
/// [`MAX_DEPTH`]: hostile nesting costs nothing past that point. The parser
/// is driven here, event by event, rather than through its recursive `load`.
///
/// A byte order mark at the start is not content (libyaml drops it too;
/// yaml-rust2 would make it part of the first key), but it stays in the
/// text, so positions on the first line count it.
fn read_events(text: &str, indexer: &mut Indexer, builder: &mut Builder) -> Result<(), YamlError> {
    let (body, shift) = match text.strip_prefix('\u{feff}') {
        Some(body) => (body, 1),
        None => (text, 0),
    };
    let locate = |mark: Marker| {
        let mut at = position(mark);
        if at.line == 1 {
            at.column += shift;
        }
        at
    };
    let mut parser = Parser::new_from_str(body);
    let mut documents = 0;
    // Where each open sequence and mapping starts.
    let mut open: Vec<Position> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|error| {
            let at = locate(*error.marker());
            let help = if error.info().contains("quoted scalar") {
                // libyaml let these lines start anywhere; YAML 1.2 does not.
                Some(
                    "the lines a quoted value continues on must be indented further than its key"
                        .to_owned(),
                )
            } else {
                unclosed_flow(text, &open, at)
            };
            let error = YamlError::new(at, error.info());
            match help {
                Some(help) => error.with_help(&help),
                None => error,
            }
        })?;
        let at = locate(mark);
        match event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(second_document(at));
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            event => {
                match event {
                    Event::SequenceStart(..) | Event::MappingStart(..) => {
                        if open.len() == MAX_DEPTH {
                            return Err(too_deep(at));
                        }
                        open.push(at);
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        open.pop();
                    }
                    _ => {}
                }
                indexer.event(&event, at);
                builder.event(event, at);
            }
        }
    }
}

/// A help for a syntax error met inside a flow `[…]` or `{…}` that opened
/// on an earlier line: a missing `]` or `}`, which the scanner only notices
/// later (at the next key) and describes in its own terms ("illegal
/// placement of ':' indicator"), or a continuation line indented no further
/// than the key (libyaml allowed that; YAML 1.2 does not).
fn unclosed_flow(text: &str, open: &[Position], error_at: Position) -> Option<String> {
    let start = *open.last()?;
    if start.line >= error_at.line {
        return None;
    }
    let line = yaml_lines(text).nth(start.line - 1)?;
    let (close, name) = match line.chars().nth(start.column - 1)? {
        '[' => (']', "list"),
        '{' => ('}', "mapping"),
        _ => return None,
    };
    let opening = if close == ']' { '[' } else { '{' };
    Some(format!(
        "the {name} `{opening}` at line {}, column {} is still open here: close it with `{close}`, or indent the lines inside it further than its key",
        start.line, start.column
    ))
}

fn second_document(at: Position) -> YamlError {
    YamlError::new(at, "a second YAML document starts here; a spec file holds one").with_help(
        "remove this `---` line (and any `...` line) and what follows it, or move that part to a file of its own",
    )
}

/// Where each node of the document starts, as a tree: node 0 is the root,
/// and a node's children are found by its id and their segment. Indexing a
/// node so stores one segment, where keying a map by whole paths cloned the
/// path for every node (most of the index's cost).
#[derive(Debug, Default)]
struct Index {
    children: HashMap<(usize, Segment), usize>,
    spots: Vec<Spot>,
}

/// Walks parser events, tracking the current path, and records where each
/// key and value starts.
#[derive(Default)]
struct Indexer {
    index: Index,
    duplicates: Vec<DuplicateKey>,
    stack: Vec<Frame>,
    /// The current path, to name a duplicate key.
    path: YamlPath,
    /// The earliest position of a top-level key or item.
    first_top_level: Option<Position>,
}

/// An open collection and its node id.
enum Frame {
    /// In a mapping; `pending_key` is set between a key and its value.
    Mapping {
        node: usize,
        pending_key: Option<(String, Position)>,
    },
    Sequence {
        node: usize,
        next: usize,
    },
}

fn position(mark: Marker) -> Position {
    // yaml-rust2 counts columns from 0 and lines from 1.
    Position {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

impl Indexer {
    /// Called for every node start (scalar, mapping, sequence, alias).
    /// Returns the node's id, or `None` if it is a mapping key (keys have
    /// no node of their own).
    fn enter_node(&mut self, scalar: Option<&str>, at: Position) -> Option<usize> {
        let (parent, segment, key_at) = match self.stack.last_mut() {
            Some(Frame::Mapping { node, pending_key }) => match pending_key.take() {
                None => {
                    // This node is a key. Non-scalar keys are not used by the
                    // spec format; index them under an empty name.
                    *pending_key = Some((scalar.unwrap_or_default().to_owned(), at));
                    return None;
                }
                Some((key, key_at)) => (*node, Segment::Key(key), Some(key_at)),
            },
            Some(Frame::Sequence { node, next }) => {
                *next += 1;
                (*node, Segment::Index(*next - 1), None)
            }
            None => {
                self.index.spots = vec![Spot {
                    key: None,
                    value: at,
                }];
                return Some(0);
            }
        };
        let id = self.index.spots.len();
        self.index.spots.push(Spot {
            key: key_at,
            value: at,
        });
        if parent == 0 {
            let start = key_at.unwrap_or(at);
            self.first_top_level = Some(self.first_top_level.map_or(start, |p| p.min(start)));
        }
        match self.index.children.entry((parent, segment.clone())) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(id);
                self.path.push(segment);
            }
            std::collections::hash_map::Entry::Occupied(entry) => {
                // Lookups keep finding the first definition; the repeat
                // stays out of the tree, so its children do not count as
                // duplicates too.
                let first = self.index.spots[*entry.get()];
                self.path.push(segment);
                self.duplicates.push(DuplicateKey {
                    path: self.path.clone(),
                    first: first.key.unwrap_or(first.value),
                    again: key_at.unwrap_or(at),
                });
            }
        }
        Some(id)
    }

    /// A node for a collection used as a mapping key: in no lookup's way
    /// (no parent points to it), so its entries are not confused with the
    /// mapping's own.
    fn key_collection(&mut self, at: Position) -> usize {
        self.index.spots.push(Spot {
            key: None,
            value: at,
        });
        self.index.spots.len() - 1
    }

    /// Leaves a node's path after the node ends.
    fn leave_node(&mut self) {
        if !self.stack.is_empty() {
            self.path.pop();
        }
    }
}

impl Indexer {
    fn event(&mut self, event: &Event, at: Position) {
        match event {
            // A scalar or alias is a whole node: leave it at once unless it
            // was a mapping key (keys have no path of their own).
            Event::Scalar(value, ..) if self.enter_node(Some(value), at).is_some() => {
                self.leave_node()
            }
            Event::Alias(_) if self.enter_node(None, at).is_some() => self.leave_node(),
            Event::MappingStart(..) => {
                let node = self
                    .enter_node(None, at)
                    .unwrap_or_else(|| self.key_collection(at));
                self.stack.push(Frame::Mapping {
                    node,
                    pending_key: None,
                });
            }
            Event::SequenceStart(..) => {
                let node = self
                    .enter_node(None, at)
                    .unwrap_or_else(|| self.key_collection(at));
                self.stack.push(Frame::Sequence { node, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.leave_node();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_nested_keys_and_values() {
        let text = "types:\n  okr_batch:\n    fields:\n      id: {type: string}\nlist: [a, b]\n";
        let file = SourceFile::new("spec/x.yaml", text);
        let id = key_path(["types", "okr_batch", "fields", "id"]);
        assert_eq!(file.key_position(&id), Position { line: 4, column: 7 });
        assert_eq!(
            file.value_position(&id),
            Position {
                line: 4,
                column: 11
            }
        );
        let mut ty = id.clone();
        ty.push(Segment::Key("type".into()));
        assert_eq!(
            file.value_position(&ty),
            Position {
                line: 4,
                column: 18
            }
        );
        let b = vec![Segment::Key("list".into()), Segment::Index(1)];
        assert_eq!(
            file.value_position(&b),
            Position {
                line: 5,
                column: 11
            }
        );
        // Unknown paths fall back to the nearest known ancestor.
        let missing = key_path(["types", "okr_batch", "nope"]);
        assert_eq!(file.key_position(&missing), Position { line: 2, column: 3 });
    }

    #[test]
    fn duplicate_keys_are_found_once_each_with_their_real_path() {
        let text = "a:\n  x: 1\na:\n  x: 2\n  y: 3\n  y: 4\n";
        let file = SourceFile::new("spec/x.yaml", text);
        let found: Vec<(YamlPath, usize, usize)> = file
            .duplicate_keys()
            .iter()
            .map(|d| (d.path.clone(), d.first.line, d.again.line))
            .collect();
        // The repeated `a` is reported; its `x` is not a second duplicate of
        // the first `a`'s `x`, but its own repeated `y` is.
        assert_eq!(
            found,
            [(key_path(["a"]), 1, 3), (key_path(["a", "y"]), 5, 6)]
        );
        // Lookups keep finding the first definition.
        let x = file.value_position(&key_path(["a", "x"]));
        assert_eq!((x.line, x.column), (2, 6));
    }

    #[test]
    fn a_collection_key_does_not_mix_with_the_mapping_s_own_keys() {
        let file = SourceFile::new("spec/x.yaml", "? {a: 1}\n: x\na: 2\n");
        assert!(
            file.duplicate_keys().is_empty(),
            "{:?}",
            file.duplicate_keys()
        );
        let a = file.value_position(&key_path(["a"]));
        assert_eq!((a.line, a.column), (3, 4));
    }
}
