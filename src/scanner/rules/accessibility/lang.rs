//! Language tag validation as axe does it: only the primary subtag is checked,
//! against the IANA registry's primary language subtags (two-letter ISO 639-1
//! codes; three-letter codes unless the language has a two-letter code, since
//! BCP 47 requires the shortest one).
const ISO639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi", "bm", "bn",
    "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en",
    "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he",
    "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "in", "io", "is", "it", "iu", "iw",
    "ja", "ji", "jv", "jw", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky",
    "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mo", "mr", "ms", "mt",
    "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "sh", "si", "sk", "sl", "sm",
    "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr",
    "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// ISO 639-2 (T and B) codes of languages that have a two-letter code.
const ISO639_2_WITH_SHORTER: &[&str] = &[
    "aar", "abk", "afr", "aka", "amh", "ara", "arg", "asm", "ava", "aym", "aze", "bak", "bel", "bul", "bis", "bam",
    "ben", "bod", "tib", "bre", "bos", "cat", "che", "cha", "cos", "cre", "ces", "cze", "chu", "chv", "cym", "wel",
    "dan", "deu", "ger", "div", "dzo", "ewe", "ell", "gre", "eng", "epo", "spa", "est", "eus", "baq", "fas", "per",
    "ful", "fin", "fij", "fao", "fra", "fre", "fry", "gle", "gla", "glg", "grn", "guj", "glv", "hau", "heb", "hin",
    "hmo", "hrv", "hat", "hun", "hye", "arm", "her", "ina", "ind", "ile", "ibo", "iii", "ipk", "ido", "isl", "ice",
    "ita", "iku", "jpn", "jav", "kat", "geo", "kon", "kik", "kua", "kaz", "kal", "khm", "kan", "kor", "kau", "kas",
    "kur", "kom", "cor", "kir", "lat", "ltz", "lug", "lim", "lin", "lao", "lit", "lub", "lav", "mlg", "mah", "mri",
    "mao", "mkd", "mac", "mal", "mon", "mar", "msa", "may", "mlt", "mya", "bur", "nau", "nob", "nde", "nep", "ndo",
    "nld", "dut", "nno", "nor", "nbl", "nav", "nya", "oci", "oji", "orm", "ori", "oss", "pan", "pli", "pol", "pus",
    "por", "que", "roh", "run", "ron", "rum", "rus", "kin", "san", "srd", "snd", "sme", "sag", "sin", "slk", "slo",
    "slv", "smo", "sna", "som", "sqi", "alb", "srp", "ssw", "sot", "sun", "swe", "swa", "tam", "tel", "tgk", "tha",
    "tir", "tuk", "tgl", "tsn", "ton", "tur", "tso", "tat", "twi", "tah", "uig", "ukr", "urd", "uzb", "ven", "vie",
    "vol", "wln", "wol", "xho", "yid", "yor", "zha", "zho", "chi", "zul",
];

/// The primary subtag, lower-cased and trimmed (axe's `getBaseLang`).
pub fn base_lang(tag: &str) -> String {
    tag.trim().split('-').next().unwrap_or("").to_ascii_lowercase()
}

/// True when the primary subtag is a registered language subtag.
pub fn is_valid_base(base: &str) -> bool {
    if !base.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    match base.len() {
        2 => ISO639_1.contains(&base),
        3 => !ISO639_2_WITH_SHORTER.contains(&base),
        _ => false,
    }
}

/// A lang attribute value is invalid when its base is non-empty and not
/// registered, or when it is non-empty but only whitespace.
pub fn is_invalid_value(value: &str) -> bool {
    let base = base_lang(value);
    (!base.is_empty() && !is_valid_base(&base)) || (!value.is_empty() && value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    #[test]
    fn tags() {
        for ok in ["en", "EN", "en-US-GB", "fr-CH", "yue", ""] {
            assert!(!is_invalid_value(ok), "{ok}");
        }
        for bad in ["eng", "dutch", "#!", "  ", "i-lux", "em-US", "english"] {
            assert!(is_invalid_value(bad), "{bad}");
        }
    }
}
