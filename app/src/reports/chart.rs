//! Charts drawn on the server as SVG (no JavaScript, nothing in the WASM bundle): stacked bars,
//! a pie and lines over time, in the colours of ECharts' default theme. Every chart is an
//! `<svg role="img">` with a `<title>`; the table beside it is the full text alternative.
use std::fmt::Write;

const PALETTE: [&str; 9] =
    ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"];
const FONT: &str = "'WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif";
const W: f64 = 640.0;
const H: f64 = 340.0;
/// The plot area: left, top, right, bottom.
const PLOT: (f64, f64, f64, f64) = (56.0, 40.0, 620.0, 270.0);

/// One series: its name and a value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn open(title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" font-family="{FONT}" font-size="12"><title>{t}</title><rect width="{W}" height="{H}" fill="#fff"/><text x="{x}" y="22" text-anchor="middle" font-size="15" font-weight="bold" fill="#333">{t}</text>"##,
        t = esc(title),
        x = W / 2.0
    );
    s
}

/// A round upper bound for the axis and its step (1, 2 or 5 × 10ⁿ, five steps at most).
fn axis(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (5.0, 1.0);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = step.max(1.0);
    ((max / step).ceil() * step, step)
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The value axis with its grid lines.
fn grid(s: &mut String, top: f64) {
    let (l, t, r, b) = PLOT;
    let (_, step) = axis(top);
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let y = b - (b - t) * v / top;
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{y:.1}" x2="{r}" y2="{y:.1}" stroke="#e0e6f1"/><text x="{x:.1}" y="{ty:.1}" text-anchor="end" fill="#6e7079">{n}</text>"##,
            x = l - 6.0,
            ty = y + 4.0,
            n = number(v)
        );
        v += step;
    }
}

/// A category label under the axis, shortened to fit its slot.
fn category(s: &mut String, x: f64, slot: f64, label: &str) {
    let fits = ((slot / 12.0).floor() as usize).max(2);
    let text: String = if label.chars().count() > fits {
        label.chars().take(fits - 1).chain(std::iter::once('…')).collect()
    } else {
        label.to_string()
    };
    let _ = write!(
        s,
        r##"<text x="{x:.1}" y="{y}" text-anchor="middle" fill="#6e7079"><title>{full}</title>{t}</text>"##,
        y = PLOT.3 + 16.0,
        full = esc(label),
        t = esc(&text)
    );
}

/// The legend along the bottom.
fn legend(s: &mut String, names: &[&str]) {
    let per_row = 6usize;
    for (i, name) in names.iter().enumerate() {
        let (col, row) = ((i % per_row) as f64, (i / per_row) as f64);
        let x = 40.0 + col * 98.0;
        let y = PLOT.3 + 36.0 + row * 16.0;
        let short: String = name.chars().take(6).collect();
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{ry}" width="12" height="10" rx="2" fill="{c}"/><text x="{tx}" y="{y}" fill="#333">{n}</text>"##,
            ry = y - 9.0,
            c = PALETTE[i % PALETTE.len()],
            tx = x + 16.0,
            n = esc(&short)
        );
    }
}

fn empty(s: &mut String) {
    let _ = write!(
        s,
        r##"<text x="{x}" y="{y}" text-anchor="middle" fill="#999">—</text>"##,
        x = W / 2.0,
        y = (PLOT.1 + PLOT.3) / 2.0
    );
}

/// Bars per category, the series stacked.
pub fn stacked_bars(title: &str, categories: &[String], series: &[Series]) -> String {
    let mut s = open(title);
    let totals: Vec<f64> =
        (0..categories.len()).map(|i| series.iter().map(|x| x.values.get(i).copied().unwrap_or(0.0)).sum()).collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let (top, _) = axis(max);
    grid(&mut s, top);
    let (l, t, r, b) = PLOT;
    if categories.is_empty() || max <= 0.0 {
        empty(&mut s);
    }
    let slot = (r - l) / categories.len().max(1) as f64;
    let width = (slot * 0.6).min(48.0);
    for (i, cat) in categories.iter().enumerate() {
        let x = l + slot * i as f64 + (slot - width) / 2.0;
        let mut y = b;
        for (k, ser) in series.iter().enumerate() {
            let v = ser.values.get(i).copied().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let h = (b - t) * v / top;
            y -= h;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{h:.1}" fill="{c}"><title>{cat} · {n}: {v}</title></rect>"#,
                c = PALETTE[k % PALETTE.len()],
                cat = esc(cat),
                n = esc(&ser.name),
                v = number(v)
            );
        }
        if totals[i] > 0.0 {
            let _ = write!(
                s,
                r##"<text x="{cx:.1}" y="{ty:.1}" text-anchor="middle" fill="#333">{n}</text>"##,
                cx = x + width / 2.0,
                ty = y - 4.0,
                n = number(totals[i])
            );
        }
        category(&mut s, l + slot * (i as f64 + 0.5), slot, cat);
    }
    let names: Vec<&str> = series.iter().map(|x| x.name.as_str()).collect();
    legend(&mut s, &names);
    s.push_str("</svg>");
    s
}

/// One line per series over the categories (periods).
pub fn lines(title: &str, categories: &[String], series: &[Series]) -> String {
    let mut s = open(title);
    let max = series.iter().flat_map(|x| x.values.iter().copied()).fold(0.0, f64::max);
    let (top, _) = axis(max);
    grid(&mut s, top);
    let (l, t, r, b) = PLOT;
    let n = categories.len().max(1);
    let slot = (r - l) / n as f64;
    let x_of = |i: usize| l + slot * (i as f64 + 0.5);
    // Label every k-th period so the labels never overlap.
    let every = ((n as f64 * 56.0) / (r - l)).ceil().max(1.0) as usize;
    for (i, cat) in categories.iter().enumerate() {
        if i % every == 0 {
            category(&mut s, x_of(i), slot * every as f64, cat);
        }
    }
    if categories.is_empty() {
        empty(&mut s);
    }
    for (k, ser) in series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let points: Vec<String> = ser
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), b - (b - t) * v / top))
            .collect();
        let _ = write!(s, r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#, points.join(" "));
        for (i, v) in ser.values.iter().enumerate() {
            let _ = write!(
                s,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{c}"><title>{cat} · {n}: {v}</title></circle>"#,
                x = x_of(i),
                y = b - (b - t) * v / top,
                cat = esc(categories.get(i).map(String::as_str).unwrap_or("")),
                n = esc(&ser.name),
                v = number(*v)
            );
        }
    }
    let names: Vec<&str> = series.iter().map(|x| x.name.as_str()).collect();
    legend(&mut s, &names);
    s.push_str("</svg>");
    s
}

/// Shares of a whole, with each slice's percentage beside the legend.
pub fn pie(title: &str, slices: &[(String, f64)]) -> String {
    let mut s = open(title);
    let total: f64 = slices.iter().map(|x| x.1.max(0.0)).sum();
    let (cx, cy, radius) = (220.0, 170.0, 110.0);
    if total <= 0.0 {
        empty(&mut s);
    }
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (k, (name, v)) in slices.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let share = if total > 0.0 { v.max(0.0) / total } else { 0.0 };
        if share > 0.0 {
            let tip = format!("{}: {} ({:.1}%)", esc(name), number(*v), share * 100.0);
            if share >= 0.9999 {
                let _ =
                    write!(s, r#"<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{c}"><title>{tip}</title></circle>"#);
            } else {
                let end = angle + share * std::f64::consts::TAU;
                let (x1, y1) = (cx + radius * angle.cos(), cy + radius * angle.sin());
                let (x2, y2) = (cx + radius * end.cos(), cy + radius * end.sin());
                let large = if share > 0.5 { 1 } else { 0 };
                let _ = write!(
                    s,
                    r##"<path d="M{cx},{cy} L{x1:.1},{y1:.1} A{radius},{radius} 0 {large} 1 {x2:.1},{y2:.1} Z" fill="{c}" stroke="#fff"><title>{tip}</title></path>"##
                );
                angle = end;
            }
        }
        let y = 70.0 + k as f64 * 20.0;
        let _ = write!(
            s,
            r##"<rect x="380" y="{ry}" width="12" height="10" rx="2" fill="{c}"/><text x="398" y="{y}" fill="#333">{n}  {v} ({p:.1}%)</text>"##,
            ry = y - 9.0,
            n = esc(name),
            v = number(*v),
            p = share * 100.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Vec<Series> {
        vec![
            Series { name: "金牌".into(), values: vec![3.0, 0.0] },
            Series { name: "<普通>".into(), values: vec![2.0, 7.0] },
        ]
    }

    #[test]
    fn axes_are_round() {
        assert_eq!(axis(0.0), (5.0, 1.0));
        assert_eq!(axis(7.0), (8.0, 2.0));
        assert_eq!(axis(123.0), (150.0, 50.0));
        assert_eq!(axis(1000.0), (1000.0, 200.0));
    }

    #[test]
    fn bars_stack_and_escape() {
        let svg = stacked_bars("会员量", &["总部".into(), "广州代表处".into()], &series());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>会员量</title>") && svg.contains("role=\"img\""));
        assert!(svg.contains("&lt;普通&gt;") && !svg.contains("<普通>"));
        // Category totals on top: 5 and 7; a zero segment is not drawn.
        assert!(svg.contains(">5</text>") && svg.contains(">7</text>"));
        assert_eq!(svg.matches("<rect x=").count() - 2, 3, "three bar segments and two legend keys");
    }

    #[test]
    fn pies_and_lines_draw_every_value() {
        let svg = pie("构成", &[("A".into(), 1.0), ("B".into(), 3.0)]);
        assert!(svg.contains("A  1 (25.0%)") && svg.contains("B  3 (75.0%)"));
        assert_eq!(pie("全部", &[("A".into(), 2.0)]).matches("<circle").count(), 1);
        let svg = lines("趋势", &["2026-01".into(), "2026-02".into()], &series());
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(stacked_bars("空", &[], &[]).contains('—'));
    }
}
