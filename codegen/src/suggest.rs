//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `wrong`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|(distance, c)| *distance <= (c.len().max(wrong.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("tpye", ["type", "description"]), Some("type"));
        assert_eq!(
            did_you_mean("okr_bach", ["okr_batch", "okr_lang"]),
            Some("okr_batch")
        );
        assert_eq!(did_you_mean("zzz", ["type", "description"]), None);
    }
}
