//! Characters that must never reach a terminal or a generated file raw: the
//! one list both the diagnostic renderer and the doc examples escape, so a
//! character added for one protects the other.

/// Controls (C0, DEL, C1), bidi controls, zero-width characters and the
/// line/paragraph separators: text that can move the cursor, reorder what
/// a reader sees, or hide itself.
pub(crate) fn is_hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}
