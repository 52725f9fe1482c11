//! Activation letters (CP-2, API-2): one printable PDF with a page per client, carrying the
//! organisation's name, the client's postal address, the activation code, the portal's address
//! and the steps to follow, in Dutch.
//!
//! The PDF is tagged (PDF/UA style): the catalogue says the language is Dutch and shows the
//! document title; every paragraph is a structure element (`H1`, `P`) with its own marked
//! content, so a screen reader reads the letter in order. Text uses the standard Helvetica and
//! Courier fonts with WinAnsi encoding, which covers Dutch (ë, é, …).
//!
//! The organisation's branding: its logo at the top of every page (a `Figure` with alternative
//! text) and its name in its primary colour, which the branding page already holds to 4.5:1
//! against white.

use pdf_writer::types::StructRole;
use pdf_writer::writers::StructTreeRoot;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::accounts::profile;
use crate::infra::images::{self, DecodeGate, Fit};
use crate::organisation::branding::LOGO_LIMITS;

/// What every letter of one print run shares.
#[derive(Debug, Clone)]
pub struct LetterHead {
    /// The organisation's name as its portal shows it.
    pub organisation: String,
    /// `https://<tenant host>`.
    pub portal_url: String,
    /// The organisation's primary colour as red, green, blue; the heading is printed in it.
    pub heading_rgb: [u8; 3],
    pub logo: Option<LetterLogo>,
}

/// The organisation's logo, ready to be placed: a JPEG on white, at most
/// [`LOGO_MAX_PIXELS_WIDE`] × [`LOGO_MAX_PIXELS_HIGH`].
#[derive(Debug, Clone)]
pub struct LetterLogo {
    width: u32,
    height: u32,
    jpeg: Vec<u8>,
}

/// Enough pixels for a sharp print at the logo's size on paper (about 300 dpi).
const LOGO_MAX_PIXELS_WIDE: u32 = 720;
const LOGO_MAX_PIXELS_HIGH: u32 = 250;
/// The logo's box on the page, in points.
const LOGO_MAX_WIDTH: f32 = 170.0;
const LOGO_MAX_HEIGHT: f32 = 60.0;

impl LetterLogo {
    /// The stored logo (PNG, JPEG or WebP) made printable, decoded when `gate` has room;
    /// `None` when it cannot be read, so a broken logo never stops the letters. Logos stored
    /// before their header was checked at upload meet the same limits here.
    pub async fn from_upload(gate: &DecodeGate, bytes: bytes::Bytes) -> Option<Self> {
        match gate.run(move || Self::from_upload_now(&bytes)).await {
            Ok(logo) => logo,
            Err(error) => {
                tracing::error!(%error, "decoding the logo failed");
                None
            }
        }
    }

    fn from_upload_now(bytes: &[u8]) -> Option<Self> {
        let format = profile::sniff(bytes)?;
        let fit = Fit::Within {
            width: LOGO_MAX_PIXELS_WIDE,
            height: LOGO_MAX_PIXELS_HIGH,
        };
        let image = images::decode_to_fit(bytes, format.image_format(), LOGO_LIMITS, fit).ok()?;
        let jpeg = images::jpeg_on_white(&image, 90).ok()?;
        Some(Self {
            width: image.width(),
            height: image.height(),
            jpeg,
        })
    }

    /// Width and height on the page: as large as fits the box, keeping the proportions.
    fn size_on_page(&self) -> (f32, f32) {
        let (w, h) = (self.width.max(1) as f32, self.height.max(1) as f32);
        let scale = (LOGO_MAX_WIDTH / w).min(LOGO_MAX_HEIGHT / h);
        (w * scale, h * scale)
    }
}

/// One client's letter.
#[derive(Debug, Clone)]
pub struct Letter {
    pub client_name: String,
    pub client_number: String,
    pub address_lines: Vec<String>,
    /// As printed: `K7QM-4RTX-9HPE-2WBN`.
    pub code: String,
    /// `dd-mm-jjjj`: the last day the code works.
    pub valid_until: String,
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 70.0;

#[derive(Clone, Copy)]
enum Style {
    Heading,
    Body,
    Code,
}

impl Style {
    fn font(self) -> (&'static [u8], f32) {
        match self {
            Style::Heading => (b"F2", 18.0),
            Style::Body => (b"F1", 11.0),
            Style::Code => (b"F3", 20.0),
        }
    }

    fn role(self) -> StructRole {
        match self {
            Style::Heading => StructRole::H1,
            Style::Body | Style::Code => StructRole::P,
        }
    }
}

/// One structure element of a page and the marked content it stands for.
struct Element {
    id: Ref,
    role: StructRole,
    mcid: i32,
    /// What a screen reader says: the paragraph's text, or a figure's alternative text.
    text: String,
    /// A figure's place on the page.
    bbox: Option<Rect>,
}

/// One paragraph: its style, its lines (already wrapped) and the space above it.
struct Block {
    style: Style,
    lines: Vec<String>,
    space_before: f32,
}

/// Breaks `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn para(text: &str) -> Block {
    Block {
        style: Style::Body,
        lines: wrap(text, 82),
        space_before: 10.0,
    }
}

/// The blocks of one letter, top to bottom.
fn blocks(head: &LetterHead, letter: &Letter) -> Vec<Block> {
    let org = &head.organisation;
    let mut address = vec![letter.client_name.clone()];
    address.extend(letter.address_lines.iter().cloned());
    vec![
        Block {
            style: Style::Heading,
            lines: wrap(org, 45),
            space_before: 0.0,
        },
        Block {
            style: Style::Body,
            lines: address,
            space_before: 30.0,
        },
        Block {
            style: Style::Body,
            lines: vec![format!("Cliëntnummer: {}", letter.client_number)],
            space_before: 30.0,
        },
        para("Betreft: je activatiecode voor het cliëntportaal"),
        para(&format!("Beste {},", letter.client_name)),
        para(&format!(
            "{org} heeft een online cliëntportaal. Daar zie je je eigen zorgpagina. Met de \
             activatiecode in deze brief koppel je je zorgpagina aan je gegevens bij {org}."
        )),
        para("Je activatiecode:"),
        Block {
            style: Style::Code,
            lines: vec![letter.code.clone()],
            space_before: 12.0,
        },
        para(&format!(
            "De code werkt één keer en is geldig tot en met {}.",
            letter.valid_until
        )),
        para("Zo gebruik je de code:"),
        para(&format!("1. Ga naar {}.", head.portal_url)),
        para("2. Maak een account aan, of log in als je al een account hebt."),
        para("3. Kies \"Heb je een activatiecode?\" en daarna \"Activatiecode gebruiken\"."),
        para("4. Vul de activatiecode en je geboortedatum (dd-mm-jjjj) in."),
        para("5. Controleer de gegevens en kies \"Ik ga akkoord\"."),
        para(&format!(
            "Heb je geen brief ontvangen of is de code verlopen? Vraag dan een nieuwe brief aan \
             via het portaal of bij {org}."
        )),
    ]
}

/// Text as bytes in WinAnsiEncoding (Latin-1 plus typographic quotes and dashes); anything
/// else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{20ac}' => 0x80,
            c if (c as u32) < 0x80 || (0xa0..=0xff).contains(&(c as u32)) => {
                u8::try_from(c as u32).unwrap_or(b'?')
            }
            _ => b'?',
        })
        .collect()
}

/// Builds the PDF: a page per letter, in the given order.
pub fn build(head: &LetterHead, letters: &[Letter]) -> Vec<u8> {
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let info_id = alloc();
    let tree_id = alloc();
    let pages_id = alloc();
    let doc_elem_id = alloc();
    let fonts = [
        (alloc(), b"F1".as_slice(), b"Helvetica".as_slice()),
        (alloc(), b"F2", b"Helvetica-Bold"),
        (alloc(), b"F3", b"Courier-Bold"),
    ];
    let title = format!("Activatiebrieven {}", head.organisation);
    // One image object, drawn on every page.
    let logo_id = head.logo.as_ref().map(|_| alloc());

    let mut pdf = Pdf::new();
    let mut page_ids = Vec::new();
    let mut all_elements = Vec::new();
    // Per page: the structure elements of its marked contents, in MCID order.
    let mut parent_arrays = Vec::new();

    for (page_index, letter) in letters.iter().enumerate() {
        let page_id = alloc();
        let content_id = alloc();
        let mut content = Content::new();
        let mut y = PAGE_HEIGHT - MARGIN;
        let mut elements = Vec::new();
        let mut next_mcid = 0;
        if let Some(logo) = &head.logo {
            let (width, height) = logo.size_on_page();
            y -= height;
            let mcid = next_mcid;
            next_mcid += 1;
            content
                .begin_marked_content_with_properties(Name(b"Figure"))
                .properties()
                .identify(mcid);
            content.save_state();
            content.transform([width, 0.0, 0.0, height, MARGIN, y]);
            content.x_object(Name(b"Logo"));
            content.restore_state();
            content.end_marked_content();
            let elem_id = alloc();
            elements.push(Element {
                id: elem_id,
                role: StructRole::Figure,
                mcid,
                text: format!("Logo van {}", head.organisation),
                bbox: Some(Rect::new(MARGIN, y, MARGIN + width, y + height)),
            });
            y -= 16.0;
        }
        for block in &blocks(head, letter) {
            let (font, size) = block.style.font();
            let leading = size * 1.35;
            y -= block.space_before;
            let mcid = next_mcid;
            next_mcid += 1;
            content
                .begin_marked_content_with_properties(Name(b"P"))
                .properties()
                .identify(mcid);
            let [r, g, b] = match block.style {
                Style::Heading => head.heading_rgb.map(|c| f32::from(c) / 255.0),
                Style::Body | Style::Code => [0.0; 3],
            };
            content.set_fill_rgb(r, g, b);
            content.begin_text();
            content.set_font(Name(font), size);
            for line in &block.lines {
                y -= leading;
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, MARGIN, y]);
                content.show(Str(&win_ansi(line)));
            }
            content.end_text();
            content.end_marked_content();
            elements.push(Element {
                id: alloc(),
                role: block.style.role(),
                mcid,
                text: block.lines.join(" "),
                bbox: None,
            });
        }
        pdf.stream(content_id, &content.finish());
        let mut page = pdf.page(page_id);
        page.parent(pages_id)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(content_id)
            .struct_parents(i32::try_from(page_index).unwrap_or(i32::MAX));
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        for (id, name, _) in &fonts {
            font_dict.pair(Name(name), *id);
        }
        font_dict.finish();
        if let Some(image_id) = logo_id {
            resources.x_objects().pair(Name(b"Logo"), image_id);
        }
        resources.finish();
        page.finish();
        let array_id = alloc();
        parent_arrays.push((array_id, elements.iter().map(|e| e.id).collect::<Vec<_>>()));
        for element in elements {
            let mut elem = pdf.struct_element(element.id);
            elem.kind(element.role).parent(doc_elem_id).page(page_id);
            if let Some(bbox) = element.bbox {
                // A figure is read by its alternative text; the box says where it sits.
                elem.alt(TextStr(&element.text));
                elem.attributes().push().layout().bbox(bbox);
            } else {
                elem.actual_text(TextStr(&element.text));
            }
            elem.marked_content_child()
                .marked_content_id(element.mcid)
                .page(page_id);
            elem.finish();
            all_elements.push(element.id);
        }
        page_ids.push(page_id);
    }

    if let (Some(logo), Some(id)) = (&head.logo, logo_id) {
        let mut image = pdf.image_xobject(id, &logo.jpeg);
        image.filter(Filter::DctDecode);
        image.width(i32::try_from(logo.width).unwrap_or(i32::MAX));
        image.height(i32::try_from(logo.height).unwrap_or(i32::MAX));
        image.color_space().device_rgb();
        image.bits_per_component(8);
        image.finish();
    }
    for (id, _, base) in &fonts {
        pdf.type1_font(*id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (array_id, elems) in &parent_arrays {
        pdf.indirect(*array_id).array().items(elems.iter().copied());
    }
    pdf.pages(pages_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));

    pdf.struct_element(doc_elem_id)
        .kind(StructRole::Document)
        .parent(tree_id)
        .title(TextStr(&title))
        .children()
        .items(all_elements.iter().copied());

    let mut tree = pdf.indirect(tree_id).start::<StructTreeRoot>();
    tree.children().item(doc_elem_id);
    {
        let mut parent_tree = tree.parent_tree();
        let mut nums = parent_tree.nums();
        for (index, (array_id, _)) in parent_arrays.iter().enumerate() {
            nums.insert(i32::try_from(index).unwrap_or(i32::MAX), *array_id);
        }
    }
    tree.parent_tree_next_key(i32::try_from(parent_arrays.len()).unwrap_or(i32::MAX));
    tree.finish();

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(pages_id);
    catalog.lang(TextStr("nl-NL"));
    catalog.mark_info().marked(true);
    catalog.viewer_preferences().display_doc_title(true);
    catalog.insert(Name(b"StructTreeRoot")).primitive(tree_id);
    catalog.finish();

    pdf.document_info(info_id)
        .title(TextStr(&title))
        .author(TextStr(&head.organisation));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(code: &str) -> Letter {
        Letter {
            client_name: "Anna de Vries".into(),
            client_number: "C-1001".into(),
            address_lines: vec!["Dorpsstraat 1".into(), "1234 AB Ergens".into()],
            code: code.into(),
            valid_until: "31-12-2026".into(),
        }
    }

    fn head(logo: Option<LetterLogo>) -> LetterHead {
        LetterHead {
            organisation: "Zorggroep Eik".into(),
            portal_url: "https://eik.example".into(),
            heading_rgb: [0x1d, 0x4e, 0x89],
            logo,
        }
    }

    #[test]
    fn the_logo_is_a_figure_with_alternative_text_on_every_page() {
        // A wide, partly transparent PNG, as logos often are.
        let logo = image::RgbaImage::from_fn(1200, 300, |x, _| {
            image::Rgba([0x1d, 0x4e, 0x89, if x < 600 { 255 } else { 0 }])
        });
        let mut png = Vec::new();
        image::DynamicImage::ImageRgba8(logo)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let logo = LetterLogo::from_upload_now(&png).expect("a readable logo");
        assert_eq!(
            (logo.width, logo.height),
            (720, 180),
            "scaled to fit, proportions kept"
        );
        let (w, h) = logo.size_on_page();
        assert!(
            (w - 170.0).abs() < 0.01 && (h - 42.5).abs() < 0.01,
            "{w}×{h}"
        );

        let pdf = build(
            &head(Some(logo)),
            &[letter("K7QM-4RTX-9HPE-2WBN"), letter("ABCD-EFGH-JKMN-PQRS")],
        );
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(
            text.matches("/Subtype /Image").count(),
            1,
            "one image object"
        );
        assert!(text.contains("/Filter /DCTDecode"));
        assert_eq!(text.matches("/Logo Do").count(), 2, "drawn on both pages");
        assert_eq!(text.matches("/S /Figure").count(), 2);
        assert_eq!(text.matches("/Alt (Logo van Zorggroep Eik)").count(), 2);
        // The heading in the organisation's colour, the rest in black.
        assert!(
            text.contains("0.11372549 0.30588236 0.5372549 rg"),
            "{text}"
        );
        assert!(text.contains("0 0 0 rg"));
    }

    #[test]
    fn a_logo_over_the_limits_is_left_out_without_decoding() {
        // Stored before logos were checked at upload: its header claims too many bytes.
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 4_000, 4_000);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Sixteen);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0; 4_000 * 8];
        for _ in 0..4_000 {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
        writer.finish().unwrap();
        assert!(LetterLogo::from_upload_now(&out).is_none());
    }

    #[test]
    fn an_unreadable_logo_is_left_out() {
        assert!(LetterLogo::from_upload_now(b"not an image").is_none());
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        png.extend_from_slice(&[0; 64]);
        assert!(LetterLogo::from_upload_now(&png).is_none());
    }

    #[test]
    fn a_page_per_letter_with_the_code_in_a_tagged_dutch_document() {
        let head = head(None);
        let pdf = build(
            &head,
            &[letter("K7QM-4RTX-9HPE-2WBN"), letter("ABCD-EFGH-JKMN-PQRS")],
        );
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-"));
        assert_eq!(
            text.matches("/Type /Page").count() - text.matches("/Type /Pages").count(),
            2
        );
        assert!(text.contains("(K7QM-4RTX-9HPE-2WBN) Tj"));
        assert!(text.contains("(ABCD-EFGH-JKMN-PQRS) Tj"));
        assert!(text.contains("/Lang (nl-NL)"));
        assert!(text.contains("/StructTreeRoot"));
        assert!(text.contains("/Marked true"));
    }

    #[test]
    fn dutch_letters_are_encoded_in_win_ansi() {
        assert_eq!(win_ansi("cliënt"), b"cli\xebnt");
        assert_eq!(win_ansi("één"), b"\xe9\xe9n");
        assert_eq!(win_ansi("→"), b"?");
    }

    #[test]
    fn long_text_wraps_at_spaces() {
        let lines = wrap("aaa bbb ccc ddd", 7);
        assert_eq!(lines, vec!["aaa bbb", "ccc ddd"]);
    }
}
