//! Times the scanner alone on a folder of record files, each read in the width Python
//! would use: `cargo run --release --no-default-features --example scanbench -- FOLDER [ROUNDS]`.
use newsrecord_native::scan::{scan, Limits};
use std::path::Path;
use std::time::Instant;

enum Units {
    One(Vec<u8>),
    Two(Vec<u16>),
    Four(Vec<u32>),
}

fn walk(path: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|x| x == "md")
            && path.file_name().unwrap() != "README.md"
        {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn main() {
    let folder = std::env::args().nth(1).expect("a folder of record files");
    let rounds: usize = std::env::args().nth(2).map_or(10, |s| s.parse().unwrap());
    let mut texts = Vec::new();
    walk(Path::new(&folder), &mut texts);
    let limits = Limits {
        max_depth: 64,
        max_nodes: 20_000,
    };
    let mut files = Vec::new();
    for text in &texts {
        let points: Vec<u32> = text.chars().map(u32::from).collect();
        // The front matter: from after the opening line to the closing one.
        let Some(close) = text.get(4..).and_then(|rest| rest.find("\n---")) else {
            continue;
        };
        let end = text[..4 + close + 1].chars().count();
        let widest = points.iter().copied().max().unwrap_or(0);
        let units = if widest <= 0xff {
            Units::One(points.iter().map(|&p| p as u8).collect())
        } else if widest <= 0xffff {
            Units::Two(points.iter().map(|&p| p as u16).collect())
        } else {
            Units::Four(points)
        };
        files.push((units, 4, end));
    }
    let mut best = f64::MAX;
    let mut nodes = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        nodes = 0;
        for (units, start, end) in &files {
            let result = match units {
                Units::One(u) => scan(u, *start, *end, limits),
                Units::Two(u) => scan(u, *start, *end, limits),
                Units::Four(u) => scan(u, *start, *end, limits),
            };
            nodes += result.map_or(0, |n| n.len());
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{} files, {} nodes: best {:.2} us/file",
        files.len(),
        nodes,
        best / files.len() as f64 * 1e6
    );
}
