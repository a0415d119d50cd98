//! The HTML autofill detail-token grammar (HTML § "Autofilling form
//! controls: the autocomplete attribute"): an optional `section-*` token, an
//! optional `shipping`/`billing`, an optional contact qualifier (`home`,
//! `work`, `mobile`, `fax`, `pager`) that only precedes contact fields, one
//! field name, and an optional trailing `webauthn`. Tokens are ASCII
//! case-insensitive and separated by ASCII whitespace.

/// Field names that take no contact qualifier.
pub const FIELDS: &[&str] = &[
    "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
    "username", "new-password", "current-password", "one-time-code", "organization-title", "organization",
    "street-address", "address-line1", "address-line2", "address-line3", "address-level4", "address-level3",
    "address-level2", "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
    "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc", "cc-type",
    "transaction-currency", "transaction-amount", "language", "bday", "bday-day", "bday-month", "bday-year", "sex",
    "url", "photo",
];

/// Contact field names, which may follow a contact qualifier.
pub const CONTACT_FIELDS: &[&str] = &[
    "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local", "tel-local-prefix", "tel-local-suffix",
    "tel-extension", "email", "impp",
];

pub const CONTACT_QUALIFIERS: &[&str] = &["home", "work", "mobile", "fax", "pager"];
pub const ADDRESS_SCOPES: &[&str] = &["shipping", "billing"];

/// Single-token values authors use to switch autofill off (browsers ignore
/// unknown values and keep autofill on, so this is a common idiom). They do
/// not claim an input purpose, so they do not misidentify one.
pub const OFF_IDIOMS: &[&str] = &["none", "false", "true", "disabled", "enabled", "undefined", "null", "xon", "xoff"];

/// Field names proposed to or discussed for the standard but not in it:
/// not valid, but harmless, so a human should decide.
pub const PROPOSED_FIELDS: &[&str] = &["text", "pronouns", "gender", "message", "content"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    /// Well formed but naming a field outside the standard list.
    Unknown,
}

/// Validates an `autocomplete` attribute value.
pub fn check(value: &str) -> Verdict {
    let lower = value.to_ascii_lowercase();
    let mut toks: Vec<&str> = lower.split_ascii_whitespace().collect();
    match toks.as_slice() {
        [] | ["on"] | ["off"] => return Verdict::Valid,
        [one] if OFF_IDIOMS.contains(one) => return Verdict::Valid,
        _ => {}
    }
    if toks.last() == Some(&"webauthn") {
        toks.pop();
    }
    let mut rest = toks.as_slice();
    if let [first, tail @ ..] = rest {
        if first.len() > "section-".len() && first.starts_with("section-") {
            rest = tail;
        }
    }
    if let [first, tail @ ..] = rest {
        if ADDRESS_SCOPES.contains(first) {
            rest = tail;
        }
    }
    let mut qualified = false;
    if let [first, tail @ ..] = rest {
        if CONTACT_QUALIFIERS.contains(first) {
            rest = tail;
            qualified = true;
        }
    }
    let [field] = rest else { return Verdict::Invalid };
    if CONTACT_FIELDS.contains(field) || (!qualified && FIELDS.contains(field)) {
        Verdict::Valid
    } else if PROPOSED_FIELDS.contains(field) {
        Verdict::Unknown
    } else {
        Verdict::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    #[test]
    fn grammar() {
        for ok in [
            "username", "Street-Address", "Work EMail", "section-a shipping work email", "billing cc-number",
            "  name  ", "OFF", "on", "email webauthn", "section-x billing work tel webauthn", "none",
        ] {
            assert_eq!(check(ok), Verdict::Valid, "{ok}");
        }
        for bad in ["badterm", "work photo", "work shipping email", "work,email", "webauthn email", "webauthn", "section- email", "email name"] {
            assert_eq!(check(bad), Verdict::Invalid, "{bad}");
        }
        assert_eq!(check("pronouns"), Verdict::Unknown);
    }
}
