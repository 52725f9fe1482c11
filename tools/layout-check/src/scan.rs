//! Reads one file's tokens for the module paths its code names (`crate::…`, `super::…`,
//! `self::…`, in `use` trees and inline) and for the modules it declares test-only.
//!
//! Test code may reach anywhere, so `#[cfg(test)] mod … { … }` blocks are skipped and
//! `#[cfg(test)] mod name;` files are reported for the module tree to leave out.

use crate::lexer::{Token, TokenKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathReference {
    pub line: usize,
    /// The path as written, with a `use` tree's prefix spelled out: `crate::a::{b, c}` gives
    /// `crate::a::b` and `crate::a::c`.
    pub written: String,
    /// Segments from the crate root, with `self` and `super` already applied.
    pub absolute: Vec<String>,
}

#[derive(Debug, Default)]
pub struct FileScan {
    pub references: Vec<PathReference>,
    pub test_only_children: Vec<String>,
}

/// `module` is the file's module path, needed because `super::` and `self::` are relative.
pub fn scan(tokens: &[Token], module: &[String]) -> FileScan {
    let mut scanner = Scanner {
        tokens,
        pos: 0,
        file_module: module,
        inline_modules: Vec::new(),
        brace_depth: 0,
        result: FileScan::default(),
    };
    scanner.run();
    scanner.result
}

struct Scanner<'a> {
    tokens: &'a [Token],
    pos: usize,
    file_module: &'a [String],
    /// Inline `mod name { … }` blocks we are inside, with the brace depth they opened at:
    /// `super::` inside one refers to the file's module, not to its parent.
    inline_modules: Vec<(String, usize)>,
    brace_depth: usize,
    result: FileScan,
}

const PATH_STARTS: [&str; 3] = ["crate", "self", "super"];

impl Scanner<'_> {
    fn run(&mut self) {
        while let Some(token) = self.tokens.get(self.pos) {
            if let Some(after) = self.skip_test_module() {
                self.pos = after;
                continue;
            }
            match &token.kind {
                TokenKind::Punct('{') => {
                    self.brace_depth += 1;
                    self.pos += 1;
                }
                TokenKind::Punct('}') => {
                    self.brace_depth = self.brace_depth.saturating_sub(1);
                    if self
                        .inline_modules
                        .last()
                        .is_some_and(|(_, opened_at)| *opened_at == self.brace_depth)
                    {
                        self.inline_modules.pop();
                    }
                    self.pos += 1;
                }
                TokenKind::Ident(word) if word == "mod" => {
                    if let (Some(name), true) = (
                        self.at(1).and_then(Token::ident),
                        self.at(2).is_some_and(|t| t.is_punct('{')),
                    ) {
                        self.inline_modules
                            .push((name.to_owned(), self.brace_depth));
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                    }
                }
                TokenKind::Ident(word) if self.starts_path(word) => {
                    self.pos = self.parse_use_tree(self.pos, Vec::new()).max(self.pos + 1);
                }
                _ => self.pos += 1,
            }
        }
    }

    fn at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.pos + ahead)
    }

    /// A path start is `crate`, `self` or `super` followed by `::` and not itself the tail
    /// of a longer path; `self.field` and `pub(crate)` are not paths.
    fn starts_path(&self, word: &str) -> bool {
        PATH_STARTS.contains(&word)
            && self.at(1).is_some_and(|t| t.kind == TokenKind::PathSep)
            && !(self.pos > 0 && self.tokens[self.pos - 1].kind == TokenKind::PathSep)
    }

    /// Parses `a::b::{c, d::{e, f as g}, *}` starting at `pos` and records one reference per
    /// leaf. Returns the position after the tree.
    fn parse_use_tree(&mut self, pos: usize, mut prefix: Vec<String>) -> usize {
        let mut pos = pos;
        loop {
            let Some(token) = self.tokens.get(pos) else {
                self.record(&prefix, self.last_line());
                return pos;
            };
            match &token.kind {
                TokenKind::Ident(segment) => {
                    prefix.push(segment.clone());
                    pos += 1;
                    if self
                        .tokens
                        .get(pos)
                        .is_some_and(|t| t.kind == TokenKind::PathSep)
                    {
                        pos += 1;
                        continue;
                    }
                    self.record(&prefix, token.line);
                    if self.tokens.get(pos).is_some_and(|t| t.is_ident("as")) {
                        pos += 2;
                    }
                    return pos;
                }
                TokenKind::Punct('*') => {
                    prefix.push("*".to_owned());
                    self.record(&prefix, token.line);
                    return pos + 1;
                }
                TokenKind::Punct('{') => {
                    pos += 1;
                    while let Some(inner) = self.tokens.get(pos) {
                        if inner.is_punct('}') {
                            return pos + 1;
                        }
                        if inner.is_punct(',') {
                            pos += 1;
                            continue;
                        }
                        pos = self.parse_use_tree(pos, prefix.clone()).max(pos + 1);
                    }
                    return pos;
                }
                // A turbofish or other punctuation ends the path; what came before is the
                // reference (`crate::a::f::<T>()` refers to `crate::a::f`).
                _ => {
                    self.record(&prefix, token.line);
                    return pos;
                }
            }
        }
    }

    fn last_line(&self) -> usize {
        self.tokens.last().map_or(1, |token| token.line)
    }

    fn record(&mut self, segments: &[String], line: usize) {
        if segments.is_empty() {
            return;
        }
        let current: Vec<String> = self
            .file_module
            .iter()
            .cloned()
            .chain(self.inline_modules.iter().map(|(name, _)| name.clone()))
            .collect();
        let Some(absolute) = resolve_relative(segments, &current) else {
            return;
        };
        self.result.references.push(PathReference {
            line,
            written: spell(segments),
            absolute,
        });
    }

    /// At `#[cfg(test)]` followed by (more attributes, a visibility and) `mod name`, skips
    /// the whole item and returns the position after it.
    fn skip_test_module(&mut self) -> Option<usize> {
        let tokens = self.tokens;
        let pos = self.pos;
        let is_cfg_test = tokens.get(pos)?.is_punct('#')
            && tokens.get(pos + 1)?.is_punct('[')
            && tokens.get(pos + 2)?.is_ident("cfg")
            && tokens.get(pos + 3)?.is_punct('(')
            && tokens.get(pos + 4)?.is_ident("test")
            && tokens.get(pos + 5)?.is_punct(')')
            && tokens.get(pos + 6)?.is_punct(']');
        if !is_cfg_test {
            return None;
        }
        let mut next = pos + 7;
        while tokens.get(next)?.is_punct('#') && tokens.get(next + 1)?.is_punct('[') {
            next = after_matching(tokens, next + 1, '[', ']');
        }
        if tokens.get(next)?.is_ident("pub") {
            next += 1;
            if tokens.get(next)?.is_punct('(') {
                next = after_matching(tokens, next, '(', ')');
            }
        }
        if !tokens.get(next)?.is_ident("mod") {
            return None;
        }
        let name = tokens.get(next + 1)?.ident()?.to_owned();
        let body = tokens.get(next + 2)?;
        if body.is_punct(';') {
            self.result.test_only_children.push(name);
            Some(next + 3)
        } else if body.is_punct('{') {
            Some(after_matching(tokens, next + 2, '{', '}'))
        } else {
            None
        }
    }
}

/// Index just past the bracket that closes the one at `open_pos`, or the end of input.
fn after_matching(tokens: &[Token], open_pos: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    for (pos, token) in tokens.iter().enumerate().skip(open_pos) {
        if token.is_punct(open) {
            depth += 1;
        } else if token.is_punct(close) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return pos + 1;
            }
        }
    }
    tokens.len()
}

/// Applies `crate`, `self` and `super` to get segments counted from the crate root. `None`
/// when `super` climbs above the root, which the compiler would reject anyway.
fn resolve_relative(segments: &[String], current: &[String]) -> Option<Vec<String>> {
    let mut absolute = current.to_vec();
    for (index, segment) in segments.iter().enumerate() {
        match segment.as_str() {
            "crate" if index == 0 => absolute.clear(),
            "self" | "*" => {}
            "super" => {
                absolute.pop()?;
            }
            _ => absolute.push(segment.clone()),
        }
    }
    Some(absolute)
}

/// `crate::a::{self, b}` is spelled `crate::a` and `crate::a::b`.
fn spell(segments: &[String]) -> String {
    segments
        .iter()
        .enumerate()
        .filter(|(index, segment)| *index == 0 || segment.as_str() != "self")
        .map(|(_, segment)| segment.as_str())
        .collect::<Vec<_>>()
        .join("::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn module(path: &str) -> Vec<String> {
        path.split("::")
            .filter(|segment| !segment.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn written_and_absolute(source: &str, at: &str) -> Vec<(usize, String, String)> {
        scan(&tokenize(source), &module(at))
            .references
            .into_iter()
            .map(|found| (found.line, found.written, found.absolute.join("::")))
            .collect()
    }

    #[test]
    fn grouped_and_nested_use_trees_across_lines() {
        let source = "use crate::{a, b::{c, d as e},\n    f::{self, *}};\n";
        let found = written_and_absolute(source, "x");
        let expected = [
            (1, "crate::a", "a"),
            (1, "crate::b::c", "b::c"),
            (1, "crate::b::d", "b::d"),
            (2, "crate::f", "f"),
            (2, "crate::f::*", "f"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(line, written, absolute)| (*line, written.to_string(), absolute.to_string()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn inline_paths_stop_at_the_call() {
        let found = written_and_absolute("let x = crate::a::b::f(y) + crate::g::<T>(z);", "m");
        assert_eq!(found[0].1, "crate::a::b::f");
        assert_eq!(found[1].1, "crate::g");
    }

    #[test]
    fn super_and_self_are_relative_to_the_file_module() {
        let found = written_and_absolute("use super::super::x; use self::y::z;", "a::b::c");
        assert_eq!(found[0].2, "a::x");
        assert_eq!(found[1].2, "a::b::c::y::z");
    }

    #[test]
    fn super_inside_an_inline_module_means_the_file_module() {
        let found = written_and_absolute("mod inner { use super::helper; }", "a::b");
        assert_eq!(found[0].2, "a::b::helper");
    }

    #[test]
    fn visibility_and_field_access_are_not_paths() {
        let found = written_and_absolute("pub(crate) fn f(&self) { self.x; pub(super) y }", "a");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn test_modules_are_skipped_and_reported() {
        let source = "#[cfg(test)]\nmod tests { use crate::far::away; }\n\
                      #[cfg(test)]\n#[allow(dead_code)]\npub(crate) mod fixtures;\n\
                      use crate::near;";
        let result = scan(&tokenize(source), &module("m"));
        let written: Vec<_> = result
            .references
            .iter()
            .map(|r| r.written.as_str())
            .collect();
        assert_eq!(written, ["crate::near"]);
        assert_eq!(result.test_only_children, ["fixtures"]);
    }
}
