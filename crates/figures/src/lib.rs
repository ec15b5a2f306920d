//! Publication figures of simulation results, drawn by our own code: the
//! plotted data ([`Figure`]) and its look ([`Style`]) become an SVG in
//! printed units ([`svg::render`]), which converts to a vector PDF with the
//! bundled font embedded and to a PNG at a chosen DPI ([`export`]). "Export
//! as script" writes the plotted data as CSV and a matplotlib script that
//! redraws the figure from it ([`script`]).

pub mod axes;
pub mod export;
pub mod model;
pub mod script;
pub mod style;
pub mod svg;

pub use model::{Figure, Point, Series};
pub use style::{parse_size, FontFamily, LegendPosition, Scale, Style};
pub use svg::Rendered;

/// Why a figure cannot be made: bad options (the user's to fix) or a
/// failure of a back end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureError {
    Invalid(String),
    Render(String),
}

impl std::fmt::Display for FigureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FigureError::Invalid(m) | FigureError::Render(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FigureError {}

/// The file kinds a figure is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Svg,
    Png,
    /// The plotted data alone.
    Csv,
    /// A matplotlib script and its CSV beside it.
    Python,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format, FigureError> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Format::Pdf,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "csv" => Format::Csv,
            "py" | "python" => Format::Python,
            _ => {
                return Err(FigureError::Invalid(format!(
                    "unknown format {text:?}: expected pdf, svg, png, csv or py"
                )))
            }
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Csv => "csv",
            Format::Python => "py",
        }
    }
}

/// One file of an export: its name's extension and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

/// A figure exported: the files (the script's CSV after the script) and the notes.
#[derive(Debug, Clone)]
pub struct Export {
    pub files: Vec<OutputFile>,
    pub notes: Vec<String>,
}

/// Makes the files of `format`. `stem` is the file name without extension
/// that the script's CSV and default output take (`<stem>.csv`, `<stem>.pdf`).
pub fn export(
    fig: &Figure,
    style: &Style,
    format: Format,
    dpi: f64,
    stem: &str,
) -> Result<Export, FigureError> {
    let rendered = svg::render(fig, style)?;
    let one = |extension, bytes| vec![OutputFile { extension, bytes }];
    let files = match format {
        Format::Svg => one("svg", rendered.svg.clone().into_bytes()),
        Format::Pdf => one("pdf", export::to_pdf(&rendered.svg)?),
        Format::Png => one("png", export::to_png(&rendered.svg, dpi)?),
        Format::Csv => one("csv", script::to_csv(fig)?.into_bytes()),
        Format::Python => vec![
            OutputFile {
                extension: "py",
                bytes: script::to_python(
                    fig,
                    style,
                    &rendered,
                    &format!("{stem}.csv"),
                    &format!("{stem}.pdf"),
                )
                .into_bytes(),
            },
            OutputFile {
                extension: "csv",
                bytes: script::to_csv(fig)?.into_bytes(),
            },
        ],
    };
    Ok(Export {
        files,
        notes: rendered.notes,
    })
}
