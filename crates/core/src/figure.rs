//! Publication figures of runs in one call: the plot's data gathered by
//! [`crate::plots`], drawn by the figure pipeline (`fusion-desk-figures`)
//! with the options a user chose. The same SVG is the app's preview and the
//! source of every exported file, so what is seen is what is saved.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use fusion_desk_figures::{self as figures, Format, Style};

use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::plots::{PlotData, PlotRequest, Plots};

/// How a figure looks, as a user sets it (text fields are parsed with the
/// pipeline's own parsers, so the app and `fdesk plot` accept the same words).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FigureOptions {
    pub width: f64,
    pub height: f64,
    /// `cm`, `mm`, `in` or `pt`.
    pub unit: String,
    /// `sans` (DejaVu Sans) or `serif` (DejaVu Serif).
    pub font: String,
    pub font_size_pt: f64,
    pub line_width_pt: f64,
    /// `best`, `top-left`, `top-right`, `bottom-left`, `bottom-right` or `none`.
    pub legend: String,
    /// `linear` or `log`.
    pub x_scale: String,
    pub y_scale: String,
    pub grid: bool,
    /// Replaces the x axis' label when given and not blank.
    #[serde(default)]
    #[ts(optional)]
    pub x_label: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub y_label: Option<String>,
    /// The resolution of a PNG.
    pub dpi: f64,
}

impl Default for FigureOptions {
    /// One column of a two-column paper: 8.5 × 6 cm, 8 pt DejaVu Sans.
    fn default() -> Self {
        FigureOptions {
            width: 8.5,
            height: 6.0,
            unit: "cm".into(),
            font: "sans".into(),
            font_size_pt: 8.0,
            line_width_pt: 1.0,
            legend: "best".into(),
            x_scale: "linear".into(),
            y_scale: "linear".into(),
            grid: true,
            x_label: None,
            y_label: None,
            dpi: 300.0,
        }
    }
}

fn invalid(e: figures::FigureError) -> DeskError {
    match e {
        figures::FigureError::Invalid(m) => DeskError::invalid_input(m),
        figures::FigureError::Render(m) => DeskError::internal(m),
    }
}

impl FigureOptions {
    /// The pipeline's style, or a clear error naming the bad option.
    pub fn style(&self) -> Result<Style> {
        if !self.width.is_finite() || !self.height.is_finite() {
            return Err(DeskError::invalid_input("the figure's size must be a number"));
        }
        let (width_pt, height_pt) =
            figures::parse_size(&format!("{}x{}{}", self.width, self.height, self.unit.trim()))
                .map_err(invalid)?;
        let style = Style {
            width_pt,
            height_pt,
            font: figures::FontFamily::parse(&self.font).map_err(invalid)?,
            font_size_pt: self.font_size_pt,
            line_width_pt: self.line_width_pt,
            x_scale: figures::Scale::parse(&self.x_scale).map_err(invalid)?,
            y_scale: figures::Scale::parse(&self.y_scale).map_err(invalid)?,
            legend: figures::LegendPosition::parse(&self.legend).map_err(invalid)?,
            grid: self.grid,
        };
        style.validate().map_err(invalid)?;
        Ok(style)
    }
}

/// The core's plot data as the figure pipeline's model.
pub fn figure_of(data: &PlotData) -> figures::Figure {
    figures::Figure {
        title: data.title.clone(),
        x_label: data.x_label.clone(),
        y_label: data.y_label.clone(),
        x_categories: data.x_categories.clone(),
        series: data
            .series
            .iter()
            .map(|s| figures::Series {
                label: s.label.clone(),
                points: s
                    .points
                    .iter()
                    .map(|p| figures::Point {
                        x: p.x,
                        y: p.y,
                        ci_low: p.ci_low,
                        ci_high: p.ci_high,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The SVG of a figure for the screen, with what the file would be called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FigurePreview {
    /// A standalone SVG document in printed units (`pt`).
    pub svg: String,
    pub width_pt: f64,
    pub height_pt: f64,
    /// The run's or sweep's name and what is plotted, without extension.
    pub file_stem: String,
    pub series: u32,
    /// Runs left out and drawing notes (values ≤ 0 on a log axis).
    pub notes: Vec<String>,
}

/// One file of an exported figure.
#[derive(Debug, Clone)]
pub struct FigureFile {
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

/// The files of an export (a script's CSV after the script) and its notes.
#[derive(Debug, Clone)]
pub struct FigureExport {
    pub file_stem: String,
    pub files: Vec<FigureFile>,
    pub notes: Vec<String>,
}

/// Checks a format's name (`pdf`, `svg`, `png`, `csv`, `py`).
pub fn parse_format(text: &str) -> Result<Format> {
    Format::parse(text).map_err(invalid)
}

/// Figures of plots, as previews and exported files.
pub struct Figures<'a> {
    ctx: &'a Ctx,
}

impl<'a> Figures<'a> {
    pub fn new(ctx: &'a Ctx) -> Self {
        Figures { ctx }
    }
    /// The plot's data as a figure with the user's axis labels, or an error
    /// when nothing can be drawn (saying why each run was left out).
    async fn figure_for(
        &self,
        req: &PlotRequest,
        opts: &FigureOptions,
    ) -> Result<(PlotData, figures::Figure, Style)> {
        let style = opts.style()?;
        let data = Plots::new(self.ctx).plot_data(req).await?;
        data.ensure_drawable()?;
        let mut fig = figure_of(&data);
        let label = |l: &Option<String>| {
            l.as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
        };
        if let Some(l) = label(&opts.x_label) {
            fig.x_label = l;
        }
        if let Some(l) = label(&opts.y_label) {
            fig.y_label = l;
        }
        Ok((data, fig, style))
    }

    /// The figure as SVG, for a preview.
    pub async fn preview(&self, req: &PlotRequest, opts: &FigureOptions) -> Result<FigurePreview> {
        let (data, fig, style) = self.figure_for(req, opts).await?;
        let rendered = figures::svg::render(&fig, &style).map_err(invalid)?;
        let mut notes = data.notes;
        notes.extend(rendered.notes);
        Ok(FigurePreview {
            svg: rendered.svg,
            width_pt: style.width_pt,
            height_pt: style.height_pt,
            file_stem: data.file_stem,
            series: fig.series.len() as u32,
            notes,
        })
    }

    /// The figure's files in `format`, named after the run or sweep and what
    /// is plotted (`stem` replaces that name when given, e.g. the name a
    /// user chose in a save dialog, so a script reads its CSV by that name).
    pub async fn export(
        &self,
        req: &PlotRequest,
        opts: &FigureOptions,
        format: Format,
        stem: Option<&str>,
    ) -> Result<FigureExport> {
        let (data, fig, style) = self.figure_for(req, opts).await?;
        let stem = stem.unwrap_or(&data.file_stem).to_owned();
        let export = figures::export(&fig, &style, format, opts.dpi, &stem).map_err(invalid)?;
        let mut notes = data.notes;
        notes.extend(export.notes);
        Ok(FigureExport {
            file_stem: stem,
            files: export
                .files
                .into_iter()
                .map(|f| FigureFile {
                    extension: f.extension,
                    bytes: f.bytes,
                })
                .collect(),
            notes,
        })
    }
}

/// Writes this module's TypeScript bindings into `dir`.
pub fn export_bindings(dir: &std::path::Path) -> std::result::Result<(), ts_rs::ExportError> {
    FigureOptions::export_all_to(dir)?;
    FigurePreview::export_all_to(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_a_style_or_a_clear_error() {
        let style = FigureOptions::default().style().unwrap();
        assert!((style.width_pt - 240.944).abs() < 1e-3);
        let inches = FigureOptions {
            width: 3.5,
            height: 2.0,
            unit: "in".into(),
            ..FigureOptions::default()
        };
        assert_eq!(inches.style().unwrap().width_pt, 252.0);
        for (bad, says) in [
            (
                FigureOptions {
                    unit: "furlong".into(),
                    ..FigureOptions::default()
                },
                "invalid size",
            ),
            (
                FigureOptions {
                    width: f64::NAN,
                    ..FigureOptions::default()
                },
                "size",
            ),
            (
                FigureOptions {
                    width: 0.1,
                    ..FigureOptions::default()
                },
                "between 5 mm and 1 m",
            ),
            (
                FigureOptions {
                    font: "comic".into(),
                    ..FigureOptions::default()
                },
                "font family",
            ),
            (
                FigureOptions {
                    legend: "middle".into(),
                    ..FigureOptions::default()
                },
                "legend",
            ),
            (
                FigureOptions {
                    y_scale: "sqrt".into(),
                    ..FigureOptions::default()
                },
                "axis scale",
            ),
            (
                FigureOptions {
                    font_size_pt: 200.0,
                    ..FigureOptions::default()
                },
                "font size",
            ),
        ] {
            let err = bad.style().unwrap_err();
            assert!(err.message.contains(says), "{bad:?}: {}", err.message);
        }
    }
}
