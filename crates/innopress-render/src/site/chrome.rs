//! The parts every page shares: the links in `<head>`, the header with the navigation and
//! the footer. They depend on a few values only (the way back to the root, the section, the
//! date of the figures), so each distinct set is rendered once and pasted into every page
//! that has it; on a site of 10,000 articles they were most of the template work.

use super::super::model::{ChromeKey, Model, RenderError};
use super::super::view::Chrome;
use std::sync::Arc;
use tera::Context;

impl Model<'_> {
    /// Renders a page: `template` with `chrome` (`head`, `header`, `footer`) in its context.
    pub(super) fn render_page(
        &self,
        template: &str,
        path: &str,
        mut ctx: Context,
    ) -> Result<String, RenderError> {
        let text = |k: &str| ctx.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let key: ChromeKey = (
            text("root").unwrap_or_default(),
            text("section").unwrap_or_default(),
            text("figures_as_of_long"),
        );
        let chrome = self.chrome_for(key, path)?;
        ctx.insert("chrome", &*chrome);
        self.render(template, path, &ctx)
    }

    fn chrome_for(&self, key: ChromeKey, path: &str) -> Result<Arc<Chrome>, RenderError> {
        // a poisoned lock only means another page's job panicked; the map is still whole
        let mut cache = self.chrome.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.get(&key) {
            return Ok(Arc::clone(c));
        }
        let (root, section, as_of) = &key;
        let mut ctx = self.base_context(path, section, "");
        ctx.insert("root", root);
        if let Some(long) = as_of {
            ctx.insert("figures_as_of_long", long);
        }
        let part = |name: &str| -> Result<String, RenderError> {
            let mut html = self.render(name, path, &ctx)?;
            html.truncate(html.trim_end().len());
            Ok(html)
        };
        let chrome = Arc::new(Chrome {
            head: part("head.html")?,
            header: part("header.html")?,
            footer: part("footer.html")?,
        });
        cache.insert(key, Arc::clone(&chrome));
        Ok(chrome)
    }
}
