//! `fdesk plot`: a publication figure of runs or a sweep, written as PDF,
//! SVG, PNG, the plotted data as CSV, or a matplotlib script with its CSV,
//! so figures can be regenerated in a script or on a cluster's login node.

use std::path::{Path, PathBuf};

use clap::Args;
use fusion_desk_core::figure::figure_of;
use fusion_desk_core::plots::PlotRequest;
use fusion_desk_core::{Desk, DeskError};
use fusion_desk_figures::{self as figures, Format, Style};

#[derive(Args)]
pub struct PlotArgs {
    /// The runs to plot, comma-separated (or repeat the option).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID,...",
        conflicts_with = "sweep",
        required_unless_present = "sweep"
    )]
    runs: Vec<String>,
    /// Plot every run of this sweep.
    #[arg(long, value_name = "SWEEP_ID")]
    sweep: Option<String>,
    /// `erlang` (curves against load, the default) or a config key the runs
    /// vary (`k_paths`, `general_settings.k_paths`).
    #[arg(long, default_value = "erlang")]
    x: String,
    /// Against load: blocking (default) or bit_rate_blocking. Against a key:
    /// mean_blocking (default), highest_blocking, bit_rate_blocking,
    /// blocking@<erlang>, loads, iterations or duration.
    #[arg(long)]
    y: Option<String>,
    /// Against a key: one line per value of this second key.
    #[arg(long)]
    by: Option<String>,
    /// pdf, svg, png, csv (the plotted data) or py (a matplotlib script and
    /// its CSV beside it); by default the extension of --out, else pdf.
    #[arg(long)]
    format: Option<String>,
    /// WIDTHxHEIGHT with a unit: cm, mm, in or pt.
    #[arg(long, default_value = "8.5x6cm")]
    size: String,
    /// Resolution of a PNG.
    #[arg(long, default_value_t = 300.0)]
    dpi: f64,
    /// sans (DejaVu Sans) or serif (DejaVu Serif); embedded in the PDF.
    #[arg(long, default_value = "sans")]
    font: String,
    /// Font size in points.
    #[arg(long, default_value_t = 8.0)]
    font_size: f64,
    /// Line width in points.
    #[arg(long, default_value_t = 1.0)]
    line_width: f64,
    /// best, top-left, top-right, bottom-left, bottom-right or none.
    #[arg(long, default_value = "best")]
    legend: String,
    /// The y axis: linear or log (values ≤ 0 are drawn on a "0" line a
    /// decade below the smallest positive value, with a note).
    #[arg(long, default_value = "linear")]
    y_scale: String,
    #[arg(long, default_value = "linear")]
    x_scale: String,
    /// Replace the x axis' label.
    #[arg(long)]
    x_label: Option<String>,
    /// Replace the y axis' label.
    #[arg(long)]
    y_label: Option<String>,
    /// No grid lines.
    #[arg(long)]
    no_grid: bool,
    /// The file to write; by default `<run or sweep name>_<what is
    /// plotted>.<format>` in the current folder.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn invalid(e: figures::FigureError) -> DeskError {
    match e {
        figures::FigureError::Invalid(m) => DeskError::invalid_input(m),
        figures::FigureError::Render(m) => DeskError::internal(m),
    }
}

impl PlotArgs {
    fn style(&self) -> Result<Style, figures::FigureError> {
        let (width_pt, height_pt) = figures::parse_size(&self.size)?;
        let style = Style {
            width_pt,
            height_pt,
            font: figures::FontFamily::parse(&self.font)?,
            font_size_pt: self.font_size,
            line_width_pt: self.line_width,
            x_scale: figures::Scale::parse(&self.x_scale)?,
            y_scale: figures::Scale::parse(&self.y_scale)?,
            legend: figures::LegendPosition::parse(&self.legend)?,
            grid: !self.no_grid,
        };
        style.validate()?;
        Ok(style)
    }

    fn format(&self) -> Result<Format, figures::FigureError> {
        match (&self.format, &self.out) {
            (Some(f), _) => Format::parse(f),
            (None, Some(out)) => match out.extension().and_then(|e| e.to_str()) {
                Some(ext) => Format::parse(ext),
                None => Ok(Format::Pdf),
            },
            (None, None) => Ok(Format::Pdf),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, so an
/// interrupted export never leaves half a figure under the final name.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| DeskError::invalid_input(format!("{} is not a file name", path.display())))?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            DeskError::io(format!("cannot write {}", path.display()), e)
        })
}

pub async fn plot(desk: &Desk, args: &PlotArgs, json: bool) -> Result<(), DeskError> {
    let style = args.style().map_err(invalid)?;
    let format = args.format().map_err(invalid)?;
    let data = desk
        .plots()
        .plot_data(&PlotRequest {
            runs: args.runs.clone(),
            sweep: args.sweep.clone(),
            x: Some(args.x.clone()),
            y: args.y.clone(),
            by: args.by.clone(),
        })
        .await?;
    data.ensure_drawable()?;
    let mut fig = figure_of(&data);
    if let Some(l) = &args.x_label {
        fig.x_label = l.clone();
    }
    if let Some(l) = &args.y_label {
        fig.y_label = l.clone();
    }
    let main = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.{}", data.file_stem, format.extension())));
    let stem = main
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| data.file_stem.clone());
    let export = figures::export(&fig, &style, format, args.dpi, &stem).map_err(invalid)?;
    let mut written = Vec::new();
    for (i, file) in export.files.iter().enumerate() {
        // The first file goes where asked; a script's CSV beside it.
        let path = if i == 0 {
            main.clone()
        } else {
            main.with_file_name(format!("{stem}.{}", file.extension))
        };
        write_file(&path, &file.bytes)?;
        written.push(path);
    }
    let mut notes = data.notes.clone();
    notes.extend(export.notes.iter().cloned());
    if json {
        crate::output::print_json(&serde_json::json!({
            "files": written.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
            "notes": notes,
        }));
    } else {
        for p in &written {
            println!("{}", p.display());
        }
        for n in &notes {
            eprintln!("note: {n}");
        }
    }
    Ok(())
}
