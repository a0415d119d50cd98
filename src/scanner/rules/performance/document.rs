//! Rules decided from the HTML itself: render-blocking tags, DOM size,
//! unsized images, web-font display, viewport, doctype and charset.

mod paint;
mod layout;
mod head;
pub use paint::*;
pub use layout::*;
pub use head::*;
