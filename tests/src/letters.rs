//! Reading activation letters back: the PDF's text and the code printed in it.

use common::clients::activation;

/// A letter PDF, parsed: the text of each page and how many images it draws.
pub struct LetterPdf {
    pub pages: Vec<String>,
    /// Image objects in the file (the organisation's logo is one, shared by every page).
    pub images: usize,
}

/// Parses `pdf` (it must be a valid PDF) and extracts the text of every page.
pub fn read(pdf: &[u8]) -> LetterPdf {
    let document = lopdf::Document::load_mem(pdf).expect("a valid PDF");
    let pages = document
        .get_pages()
        .keys()
        .map(|&number| {
            document
                .extract_text(&[number])
                .unwrap_or_else(|e| panic!("text of page {number}: {e}"))
        })
        .collect();
    let images = document
        .objects
        .values()
        .filter(|object| {
            object.as_stream().is_ok_and(|stream| {
                stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Image")
            })
        })
        .count();
    LetterPdf { pages, images }
}

/// The code printed in a letter's text: four groups of four from the code alphabet.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .find(|w| {
            let groups: Vec<&str> = w.split('-').collect();
            groups.len() == 4
                && groups
                    .iter()
                    .all(|g| g.len() == 4 && g.bytes().all(|b| activation::ALPHABET.contains(&b)))
        })
        .unwrap_or_else(|| panic!("no code in the letter: {text}"))
        .to_owned()
}
