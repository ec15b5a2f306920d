//! The figure pipeline end to end on blocking data shaped like real runs
//! (zero blocking at low loads, confidence intervals reaching below zero, a
//! load without a result): the SVG's structure, a PDF that a PDF library
//! opens with vector paths and an embedded font, a PNG whose pixels match
//! size × DPI, and the matplotlib script run for real.

use std::path::{Path, PathBuf};
use std::process::Command;

use fusion_desk_figures::{
    export, parse_size, script, svg, Figure, Format, LegendPosition, Point, Scale, Series, Style,
};

fn p(x: f64, y: Option<f64>, half: Option<f64>) -> Point {
    Point {
        x,
        y,
        ci_low: y.zip(half).map(|(m, h)| m - h),
        ci_high: y.zip(half).map(|(m, h)| m + h),
    }
}

/// Two runs' blocking against load: k=2 blocks nothing at 100 E (its CI
/// then spans ±0.0004), k=3 has no result at 500 E.
fn blocking_figure() -> Figure {
    Figure {
        title: "USNet sweep: blocking probability against load".into(),
        x_label: "Offered load (Erlang)".into(),
        y_label: "Blocking probability".into(),
        x_categories: vec![],
        series: vec![
            Series {
                label: "k_paths=2".into(),
                points: vec![
                    p(100.0, Some(0.0), Some(0.0004)),
                    p(300.0, Some(0.0021), Some(0.0009)),
                    p(500.0, Some(0.034), Some(0.004)),
                ],
            },
            Series {
                label: "k_paths=3".into(),
                points: vec![
                    p(100.0, Some(0.0), None),
                    p(300.0, Some(0.0008), Some(0.0011)),
                    p(500.0, None, None),
                ],
            },
        ],
    }
}

fn style(y_scale: Scale) -> Style {
    let (width_pt, height_pt) = parse_size("8.5x6cm").unwrap();
    Style {
        width_pt,
        height_pt,
        y_scale,
        ..Style::default()
    }
}

#[test]
fn the_svg_has_a_frame_ticks_labels_and_one_group_per_series() {
    let fig = blocking_figure();
    let r = svg::render(&fig, &style(Scale::Linear)).unwrap();
    let doc = &r.svg;
    assert!(
        doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240.945pt\" height=\"170.079pt\"")
    );
    assert_eq!(doc.matches("class=\"series\"").count(), 2);
    assert!(doc.contains("data-label=\"k_paths=2\"") && doc.contains("data-label=\"k_paths=3\""));
    // k=2: one unbroken line of 3 points; k=3: its 500 E gap leaves 2.
    let lines: Vec<&str> = doc
        .lines()
        .filter(|l| l.contains("class=\"series-line\""))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].matches('L').count(), 2);
    assert_eq!(lines[1].matches('L').count(), 1);
    // Series differ in dash and marker, not only colour.
    assert!(!lines[0].contains("stroke-dasharray") && lines[1].contains("stroke-dasharray"));
    assert!(doc.contains("<circle") && doc.contains("<rect x="));
    // Error bars where there is an interval: 3 for k=2, 1 for k=3.
    assert_eq!(doc.matches("class=\"error-bar\"").count(), 4);
    assert!(doc.contains(">Offered load (Erlang)</text>"));
    assert!(doc.contains(">Blocking probability</text>"));
    assert!(doc.contains("id=\"legend\""));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn a_log_axis_clamps_zero_blocking_and_negative_interval_ends_and_says_so() {
    let fig = blocking_figure();
    let r = svg::render(&fig, &style(Scale::Log)).unwrap();
    // Two zero means and two interval ends below 0 go on the "0" line a
    // decade below the smallest positive value shown (the upper end of the
    // zero point's interval, 4e-4): no zero is drawn as a small positive value.
    let floor = r.y_floor.unwrap();
    assert!((floor - 0.00004).abs() < 1e-12, "{floor}");
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].starts_with("4 value(s) ≤ 0"), "{}", r.notes[0]);
    assert!(
        r.notes[0].contains("the axis' \"0\" line (4.00e-5"),
        "{}",
        r.notes[0]
    );
    assert!(r.svg.contains("<desc>"));
    assert!(r.svg.contains(">0</text>"), "the zero line is ticked 0");
    assert!(r.svg.contains(">10⁻³</text>") && r.svg.contains(">10⁻²</text>"));
    // Three loads: each is labelled on the x axis.
    for load in [">100</text>", ">300</text>", ">500</text>"] {
        assert!(r.svg.contains(load), "{load}");
    }
    // Every drawn coordinate is finite: no log of zero leaked into the SVG.
    assert!(!r.svg.contains("NaN") && !r.svg.contains("inf"));
}

#[test]
fn an_all_zero_series_on_a_log_axis_falls_back_to_linear_with_a_note() {
    let fig = Figure {
        series: vec![Series {
            label: "idle".into(),
            points: vec![p(100.0, Some(0.0), None), p(200.0, Some(0.0), None)],
        }],
        ..blocking_figure()
    };
    let r = svg::render(&fig, &style(Scale::Log)).unwrap();
    assert_eq!(r.y_scale, Scale::Linear);
    assert!(r.notes[0].contains("no positive y value"), "{:?}", r.notes);
}

#[test]
fn a_categorical_axis_labels_each_value() {
    let fig = Figure {
        x_label: "route_method".into(),
        x_categories: vec!["k_shortest_path".into(), "least_congested".into()],
        series: vec![Series {
            label: String::new(),
            points: vec![p(0.0, Some(0.02), None), p(1.0, Some(0.015), None)],
        }],
        ..blocking_figure()
    };
    let r = svg::render(&fig, &Style::default()).unwrap();
    assert!(r.svg.contains(">k_shortest_path</text>") && r.svg.contains(">least_congested</text>"));
    assert!(
        !r.svg.contains("id=\"legend\""),
        "an unlabelled single series needs no legend"
    );
}

#[test]
fn labels_are_escaped_and_bad_options_refused() {
    let mut fig = blocking_figure();
    fig.series[0].label = "<script>&\"x\"".into();
    let r = svg::render(&fig, &Style::default()).unwrap();
    assert!(r.svg.contains("&lt;script&gt;&amp;&quot;x&quot;"));
    assert!(!r.svg.contains("<script>"));
    let tiny = Style {
        width_pt: 1.0,
        ..Style::default()
    };
    assert!(svg::render(&fig, &tiny).is_err());
    assert!(export::png_size(240.0, 170.0, 10_000.0).is_err());
    assert!(
        export::png_size(2800.0, 2800.0, 2400.0).is_err(),
        "too many pixels"
    );
}

/// What lopdf reads in a PDF: its page count, the embedded fonts' names,
/// whether a font program is embedded, the drawing operators of the page
/// and of every form it draws, and whether any raster image is in the file.
struct PdfFacts {
    pages: usize,
    fonts: Vec<String>,
    embedded: bool,
    operators: Vec<String>,
    images: usize,
}

fn pdf_facts(bytes: &[u8]) -> PdfFacts {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF opens");
    let pages = doc.get_pages();
    let mut operators = Vec::new();
    for page_id in pages.values() {
        let content = doc.get_page_content(*page_id);
        let ops = lopdf::content::Content::decode(&content).expect("content decodes");
        operators.extend(ops.operations.iter().map(|o| o.operator.clone()));
    }
    let mut fonts = Vec::new();
    let (mut embedded, mut images) = (false, 0);
    for obj in doc.objects.values() {
        let dict = match obj {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => {
                match s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() {
                    Some(b"Image") => images += 1,
                    Some(b"Form") => {
                        let content = s.decompressed_content().unwrap_or_else(|_| s.content.clone());
                        if let Ok(ops) = lopdf::content::Content::decode(&content) {
                            operators.extend(ops.operations.iter().map(|o| o.operator.clone()));
                        }
                    }
                    _ => {}
                }
                &s.dict
            }
            _ => continue,
        };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice()) {
            embedded |= dict.has(b"FontFile2") || dict.has(b"FontFile3");
            if let Ok(name) = dict.get(b"FontName").and_then(|n| n.as_name()) {
                fonts.push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    PdfFacts {
        pages: pages.len(),
        fonts,
        embedded,
        operators,
        images,
    }
}

#[test]
fn the_pdf_opens_with_vector_paths_and_the_font_embedded() {
    let out = export(&blocking_figure(), &style(Scale::Log), Format::Pdf, 300.0, "fig").unwrap();
    let pdf = &out.files[0].bytes;
    assert!(pdf.starts_with(b"%PDF-"));
    let facts = pdf_facts(pdf);
    assert_eq!(facts.pages, 1);
    assert!(
        facts.fonts.iter().any(|f| f.contains("DejaVuSans")),
        "{:?}",
        facts.fonts
    );
    assert!(facts.embedded, "the font program is in the file");
    // Lines and markers are path operators (moveto, lineto, stroke), the
    // text is text (BT … Tj/TJ … ET), and no image stands in for either.
    let has = |op: &str| facts.operators.iter().any(|o| o == op);
    assert!(has("m") && has("l") && has("S"), "{:?}", facts.operators);
    assert!(has("BT") && (has("Tj") || has("TJ")), "{:?}", facts.operators);
    assert_eq!(facts.images, 0, "no raster image in the file");
}

fn png_dimensions(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn a_png_has_size_times_dpi_pixels() {
    for (size, dpi, expected) in [
        ("8.5x6cm", 300.0, (1004, 709)),
        ("3.5x2.5in", 150.0, (525, 375)),
        ("85x60mm", 72.0, (241, 170)),
    ] {
        let (width_pt, height_pt) = parse_size(size).unwrap();
        let s = Style {
            width_pt,
            height_pt,
            ..Style::default()
        };
        let out = export(&blocking_figure(), &s, Format::Png, dpi, "fig").unwrap();
        assert_eq!(
            png_dimensions(&out.files[0].bytes),
            expected,
            "{size} at {dpi} DPI"
        );
    }
}

#[test]
fn the_png_shows_the_series_colours() {
    // Rendered at 150 DPI, the orange of the second series is on the page.
    let out = export(
        &blocking_figure(),
        &style(Scale::Linear),
        Format::Png,
        150.0,
        "fig",
    )
    .unwrap();
    let png = &out.files[0].bytes;
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).unwrap();
    let orange = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() > 200 && (130..180).contains(&p.green()) && p.blue() < 40)
        .count();
    assert!(orange > 20, "{orange} orange pixels");
}

fn target_dir() -> PathBuf {
    // <target>/debug/deps/golden-<hash> → <target>
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_owned()
}

/// A venv under the target dir with matplotlib (installed once); None when
/// PyPI cannot be reached, with the reason printed.
fn python_with_matplotlib() -> Option<PathBuf> {
    let venv = target_dir().join("figures-venv");
    let python = venv.join("bin/python3");
    let has = |py: &Path| {
        Command::new(py)
            .args(["-c", "import matplotlib"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if python.is_file() && has(&python) {
        return Some(python);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("python3 runs");
    assert!(made.success(), "python3 -m venv failed");
    let pip = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "matplotlib",
        ])
        .output()
        .expect("pip runs");
    if !pip.status.success() {
        let err = String::from_utf8_lossy(&pip.stderr);
        let unreachable = [
            "Could not find a version",
            "No matching distribution",
            "connection",
            "Network",
            "Temporary failure",
        ]
        .iter()
        .any(|s| err.contains(s));
        assert!(
            unreachable,
            "pip failed for another reason than the network:\n{err}"
        );
        eprintln!("SKIPPED: PyPI is unreachable, the matplotlib script was not run:\n{err}");
        return None;
    }
    assert!(has(&python), "matplotlib imports after installing");
    Some(python)
}

#[test]
fn the_python_script_redraws_the_figure_from_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let fig = blocking_figure();
    let out = export(
        &fig,
        &style(Scale::Log),
        Format::Python,
        300.0,
        "usnet_blocking-vs-erlang",
    )
    .unwrap();
    assert_eq!(out.files.len(), 2);
    assert_eq!((out.files[0].extension, out.files[1].extension), ("py", "csv"));
    let script_path = dir.path().join("usnet_blocking-vs-erlang.py");
    std::fs::write(&script_path, &out.files[0].bytes).unwrap();
    std::fs::write(
        dir.path().join("usnet_blocking-vs-erlang.csv"),
        &out.files[1].bytes,
    )
    .unwrap();
    // The CSV is exactly the plotted data: 6 points, gaps as empty cells.
    let csv = String::from_utf8(out.files[1].bytes.clone()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6);
    assert_eq!(csv.lines().next().unwrap(), script::CSV_HEADER.join(","));
    assert!(csv.contains("k_paths=2,100,0,-0.0004,0.0004\n"), "{csv}");
    assert!(csv.contains("k_paths=3,500,,,\n"), "{csv}");
    let script = String::from_utf8(out.files[0].bytes.clone()).unwrap();
    let floor: f64 = script
        .lines()
        .find_map(|l| l.strip_prefix("LOG_FLOOR = "))
        .and_then(|v| v.parse().ok())
        .expect("the script names its log floor");
    assert!(
        (floor - 0.00004).abs() < 1e-12,
        "the script clamps as the app did: {floor}"
    );

    let Some(python) = python_with_matplotlib() else {
        return;
    };
    // The default output (the PDF beside the script), and a PNG asked for.
    for target in [None, Some(dir.path().join("again.png"))] {
        let mut cmd = Command::new(&python);
        cmd.arg(&script_path).current_dir("/");
        if let Some(t) = &target {
            cmd.arg(t);
        }
        let run = cmd.output().unwrap();
        assert!(
            run.status.success(),
            "the script failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let file = target.unwrap_or_else(|| dir.path().join("usnet_blocking-vs-erlang.pdf"));
        let bytes = std::fs::read(&file).unwrap();
        if file.extension().unwrap() == "png" {
            // matplotlib's default 100 DPI: 8.5 × 6 cm is 334.6 × 236.2 pixels.
            let (w, h) = png_dimensions(&bytes);
            assert!((334..=335).contains(&w) && (236..=237).contains(&h), "{w}×{h}");
        } else {
            let facts = pdf_facts(&bytes);
            assert_eq!(facts.pages, 1);
            assert!(
                facts.embedded && facts.fonts.iter().any(|f| f.contains("DejaVuSans")),
                "{:?}",
                facts.fonts
            );
        }
    }
}

#[test]
fn legend_positions_are_honoured() {
    for (pos, name) in [
        (LegendPosition::TopLeft, "TopLeft"),
        (LegendPosition::BottomRight, "BottomRight"),
    ] {
        let s = Style {
            legend: pos,
            ..Style::default()
        };
        let r = svg::render(&blocking_figure(), &s).unwrap();
        assert!(r.svg.contains(&format!("data-position=\"{name}\"")));
    }
    let none = Style {
        legend: LegendPosition::None,
        ..Style::default()
    };
    assert!(!svg::render(&blocking_figure(), &none)
        .unwrap()
        .svg
        .contains("id=\"legend\""));
    // Rising curves leave the top-left corner free: "best" picks it.
    let best = svg::render(&blocking_figure(), &Style::default()).unwrap();
    assert!(best.svg.contains("data-position=\"TopLeft\""));
}
