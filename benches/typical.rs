//! The typical generated page of realistic shape, shared by the benchmarks.
#![allow(dead_code)]

/// Deterministic xorshift generator, so every run measures the same pages.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "audit", "edge", "worker", "latency", "render", "content", "page", "section", "button", "image", "layout", "search",
    "network", "request", "cache", "header", "script", "style", "font", "table", "form", "input", "value", "link",
];

fn words(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| WORDS[r.below(WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
}

fn block(r: &mut Rng, out: &mut String, depth: usize, id: &mut usize) {
    *id += 1;
    let n = *id;
    match r.below(9) {
        0 | 1 | 2 => {
            out.push_str(&format!("<p class=\"text t{}\">{} <a href=\"/page/{n}\">{}</a> {}.</p>\n", n % 7, words(r, 25), words(r, 3), words(r, 15)));
        }
        3 => {
            if r.below(2) == 0 {
                out.push_str(&format!("<img src=\"/img/{n}.jpg\" alt=\"{}\" width=\"640\" height=\"480\">\n", words(r, 4)));
            } else {
                out.push_str(&format!("<img src=\"/img/{n}.png\" class=\"thumb\">\n"));
            }
        }
        4 => {
            out.push_str(&format!(
                "<form action=\"/submit/{n}\" method=\"post\"><label for=\"f{n}\">{}</label><input id=\"f{n}\" name=\"q{n}\" type=\"text\"><input type=\"email\" placeholder=\"email\"><select name=\"s{n}\"><option>one</option><option>two</option></select><button type=\"submit\">Send</button></form>\n",
                words(r, 2)
            ));
        }
        5 => {
            out.push_str(&format!("<table><caption>{}</caption><thead><tr><th scope=\"col\">A</th><th scope=\"col\">B</th><th>C</th></tr></thead><tbody>", words(r, 3)));
            for i in 0..(3 + r.below(6)) {
                out.push_str(&format!("<tr><td>{i}</td><td>{}</td><td><a href=\"#r{i}\">more</a></td></tr>", words(r, 2)));
            }
            out.push_str("</tbody></table>\n");
        }
        6 => {
            out.push_str(&format!("<ul class=\"list\">{}</ul>\n", (0..5).map(|i| format!("<li><a href=\"/l/{n}/{i}\">{}</a></li>", words(r, 2))).collect::<String>()));
        }
        7 if depth < 6 => {
            out.push_str(&format!("<section id=\"s{n}\" aria-labelledby=\"h{n}\"><h{} id=\"h{n}\">{}</h{}>\n", depth.min(4) + 2, words(r, 4), depth.min(4) + 2));
            for _ in 0..(2 + r.below(4)) {
                block(r, out, depth + 1, id);
            }
            out.push_str("</section>\n");
        }
        _ => {
            if r.below(3) == 0 {
                out.push_str(&format!("<script>window.__d{n} = {{k: \"{}\"}}; document.querySelector('#s{n}');</script>\n", words(r, 6)));
            } else {
                out.push_str(&format!("<div class=\"card\"><style>.c{n} {{ color: #333; margin: {}px; }}</style><span class=\"c{n}\">{}</span><button onclick=\"go({n})\">Go</button></div>\n", n % 20, words(r, 8)));
            }
        }
    }
}

pub fn generate(target: usize) -> String {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ target as u64);
    let mut out = String::with_capacity(target + 4096);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Benchmark page</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"description\" content=\"Generated page for the analysis benchmark\">\n\
         <link rel=\"stylesheet\" href=\"/css/site.css\"><script src=\"/js/vendor.js\"></script><script src=\"/js/app.js\" defer></script>\n\
         <style>@font-face { font-family: Brand; src: url(/f/brand.woff2); } body { font-family: Brand, sans-serif; }</style>\n\
         <link rel=\"canonical\" href=\"https://example.com/bench\"></head>\n<body><header><nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav></header><main>\n",
    );
    let mut id = 0usize;
    while out.len() < target.saturating_sub(200) {
        out.push_str(&format!("<section id=\"top{id}\"><h2>{}</h2>\n", words(&mut r, 3)));
        for _ in 0..6 {
            block(&mut r, &mut out, 1, &mut id);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main><footer><p>© Example</p></footer></body></html>\n");
    out
}
