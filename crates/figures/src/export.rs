//! The figure's SVG as PDF (vector, with the bundled font embedded as a
//! subset) and as PNG at a chosen DPI. Both parse the same SVG with the same
//! font database, so screen, PDF and PNG show the same figure.

use std::sync::Arc;

use crate::FigureError;

static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static DEJAVU_SERIF: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");

/// Lowest and highest PNG resolution, and the most pixels one PNG may have
/// (a 1 m figure at 2400 DPI would need gigabytes).
pub const MIN_DPI: f64 = 30.0;
pub const MAX_DPI: f64 = 2400.0;
pub const MAX_PIXELS: u64 = 100_000_000;

/// Parsing options that know only the bundled fonts: no figure depends on
/// what is installed on the machine that draws it.
fn options() -> usvg::Options<'static> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(DEJAVU_SANS.to_vec());
    db.load_font_data(DEJAVU_SERIF.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    db.set_serif_family("DejaVu Serif");
    usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    }
}

fn tree(svg: &str) -> Result<usvg::Tree, FigureError> {
    usvg::Tree::from_str(svg, &options())
        .map_err(|e| FigureError::Render(format!("the SVG does not parse: {e}")))
}

pub fn to_pdf(svg: &str) -> Result<Vec<u8>, FigureError> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| FigureError::Render(format!("cannot convert the figure to PDF: {e}")))
}

/// The PNG's size in pixels for a figure of `width_pt` × `height_pt` at `dpi`.
pub fn png_size(width_pt: f64, height_pt: f64, dpi: f64) -> Result<(u32, u32), FigureError> {
    if !(dpi.is_finite() && (MIN_DPI..=MAX_DPI).contains(&dpi)) {
        return Err(FigureError::Invalid(format!(
            "the resolution must be between {MIN_DPI} and {MAX_DPI} DPI"
        )));
    }
    let w = (width_pt / 72.0 * dpi).round().max(1.0);
    let h = (height_pt / 72.0 * dpi).round().max(1.0);
    if w * h > MAX_PIXELS as f64 {
        return Err(FigureError::Invalid(format!(
            "{w}×{h} pixels is more than a PNG here may have ({} megapixels); lower the DPI or the size",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok((w as u32, h as u32))
}

/// Renders the SVG on white at `dpi` (the SVG is in points).
pub fn to_png(svg: &str, dpi: f64) -> Result<Vec<u8>, FigureError> {
    let tree = tree(svg)?;
    // usvg sizes the tree in CSS pixels (96 per inch); the SVG is in points.
    let size = tree.size();
    let (w_pt, h_pt) = (f64::from(size.width()) * 0.75, f64::from(size.height()) * 0.75);
    let (w, h) = png_size(w_pt, h_pt, dpi)?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| FigureError::Render("cannot allocate the image".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let sx = w as f32 / size.width();
    let sy = h as f32 / size.height();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(sx, sy),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| FigureError::Render(format!("cannot encode the PNG: {e}")))
}
