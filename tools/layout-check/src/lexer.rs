//! Reduces Rust source text to the few tokens the layout rules read: identifiers, `::` and
//! single punctuation characters, each with its line number.
//!
//! Comments, string and character literals and lifetimes are consumed here, so a path
//! written inside a doc comment or an SQL string can never be mistaken for code.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    Ident(String),
    PathSep,
    Punct(char),
    /// A string, character or number literal. It stays in the stream as a placeholder so
    /// that `commit("x")` is not read as `commit()`.
    Literal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub line: usize,
}

impl Token {
    pub fn is_ident(&self, name: &str) -> bool {
        matches!(&self.kind, TokenKind::Ident(ident) if ident == name)
    }

    pub fn is_punct(&self, wanted: char) -> bool {
        self.kind == TokenKind::Punct(wanted)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Ident(ident) => Some(ident),
            _ => None,
        }
    }
}

pub fn tokenize(source: &str) -> Vec<Token> {
    Lexer {
        chars: source.chars().collect(),
        pos: 0,
        line: 1,
        tokens: Vec::new(),
    }
    .run()
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    tokens: Vec<Token>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer {
    fn run(mut self) -> Vec<Token> {
        while let Some(c) = self.peek(0) {
            let line = self.line;
            match c {
                '/' if self.peek(1) == Some('/') => self.skip_line_comment(),
                '/' if self.peek(1) == Some('*') => self.skip_block_comment(),
                '"' => {
                    self.bump();
                    self.skip_quoted('"');
                    self.push(TokenKind::Literal, line);
                }
                '\'' => self.char_or_lifetime(line),
                ':' if self.peek(1) == Some(':') => {
                    self.pos += 2;
                    self.push(TokenKind::PathSep, line);
                }
                c if c.is_ascii_digit() => {
                    self.skip_word();
                    self.push(TokenKind::Literal, line);
                }
                c if is_word_char(c) => self.word(line),
                c if c.is_whitespace() => {
                    self.bump();
                }
                c => {
                    self.bump();
                    self.push(TokenKind::Punct(c), line);
                }
            }
        }
        self.tokens
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: TokenKind, line: usize) {
        self.tokens.push(Token { kind, line });
    }

    fn skip_word(&mut self) -> String {
        let start = self.pos;
        while self.peek(0).is_some_and(is_word_char) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn skip_line_comment(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.pos += 1;
        }
    }

    /// Rust block comments nest, so `/* a /* b */ c */` is one comment.
    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.bump() {
            if c == '/' && self.peek(0) == Some('*') {
                self.pos += 1;
                depth += 1;
            } else if c == '*' && self.peek(0) == Some('/') {
                self.pos += 1;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
    }

    /// Consumes up to and including the closing quote; the opening one is already gone.
    fn skip_quoted(&mut self, closing: char) {
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if c == closing {
                return;
            }
        }
    }

    /// A quote starts either a character literal (`'x'`, `'\n'`) or a lifetime or label
    /// (`'a`, `'static`); only the character after next tells them apart.
    fn char_or_lifetime(&mut self, line: usize) {
        self.bump();
        match (self.peek(0), self.peek(1)) {
            (Some('\\'), _) => {
                self.skip_quoted('\'');
                self.push(TokenKind::Literal, line);
            }
            (Some(_), Some('\'')) => {
                self.bump();
                self.bump();
                self.push(TokenKind::Literal, line);
            }
            _ => {
                self.skip_word();
            }
        }
    }

    /// An identifier, unless it is the prefix of a byte, C or raw string (`b"…"`, `r#"…"#`)
    /// or of a raw identifier (`r#type`).
    fn word(&mut self, line: usize) {
        let word = self.skip_word();
        match (word.as_str(), self.peek(0)) {
            ("b" | "c", Some('"')) => {
                self.bump();
                self.skip_quoted('"');
                self.push(TokenKind::Literal, line);
            }
            ("b", Some('\'')) => {
                self.bump();
                self.skip_quoted('\'');
                self.push(TokenKind::Literal, line);
            }
            ("r" | "br" | "cr", Some('"' | '#')) => self.raw_string_or_ident(word, line),
            _ => self.push(TokenKind::Ident(word), line),
        }
    }

    fn raw_string_or_ident(&mut self, prefix: String, line: usize) {
        let mut hashes = 0;
        while self.peek(hashes) == Some('#') {
            hashes += 1;
        }
        if self.peek(hashes) == Some('"') {
            self.pos += hashes + 1;
            while let Some(c) = self.bump() {
                if c == '"' && (0..hashes).all(|ahead| self.peek(ahead) == Some('#')) {
                    self.pos += hashes;
                    break;
                }
            }
            self.push(TokenKind::Literal, line);
        } else if prefix == "r" && hashes == 1 && self.peek(1).is_some_and(is_word_char) {
            self.pos += 1;
            let ident = self.skip_word();
            self.push(TokenKind::Ident(ident), line);
        } else {
            self.push(TokenKind::Ident(prefix), line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(source: &str) -> Vec<String> {
        tokenize(source)
            .into_iter()
            .filter_map(|token| token.ident().map(str::to_owned))
            .collect()
    }

    #[test]
    fn comments_and_strings_leave_no_identifiers() {
        let source = r####"
            // crate::a
            /// crate::b
            //! crate::c
            /* crate::d /* nested crate::e */ still comment crate::f */
            "crate::g \" crate::h";
            r"crate::i";
            r#"crate::j " still"#;
            br##"crate::k "# still"##;
            b"crate::l";
            keep
        "####;
        assert_eq!(idents(source), ["keep"]);
    }

    #[test]
    fn lifetimes_and_char_literals_do_not_swallow_code() {
        let source =
            "fn f<'a>(x: &'a str) -> char { let q = '\\''; let c = 'x'; let b = b'\"'; tail }";
        let found = idents(source);
        assert!(found.contains(&"tail".to_owned()), "{found:?}");
        assert!(!found.contains(&"a".to_owned()), "{found:?}");
    }

    #[test]
    fn raw_identifiers_are_identifiers() {
        assert_eq!(idents("r#type r#match"), ["type", "match"]);
    }

    #[test]
    fn lines_are_counted_through_multiline_literals_and_comments() {
        let tokens = tokenize("/* one\ntwo */\n\"three\nfour\"\nfive");
        let five = tokens.iter().find(|token| token.is_ident("five"));
        assert_eq!(five.map(|token| token.line), Some(5));
    }
}
