//! Reading the two files: a capacity return (the SCAP survey's shape: provider, kind, primary
//! need, phase, district, places) and the EHCP counts (primary need, age, district, count). Each
//! file is read whole: every bad line is named, and a file with any is refused.

use super::{EhcpCount, Need, Phase, Places, Problem, Provision};

fn rows(bytes: &[u8], columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, Vec<Problem>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(_) => return Err(vec![("file".into(), "The file is not a CSV file".into())]),
    };
    let mut index = Vec::new();
    let mut missing = Vec::new();
    for c in columns {
        match headers.iter().position(|h| h == c) {
            Some(i) => index.push(i),
            None => missing.push(*c),
        }
    }
    if !missing.is_empty() {
        return Err(vec![(
            "file".into(),
            format!(
                "The file has no {} column: its first line must name the columns {}",
                missing.join(", "),
                columns.join(", ")
            ),
        )]);
    }
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        match record {
            Ok(r) if r.iter().all(|c| c.is_empty()) => {}
            Ok(r) => out.push((
                line,
                index
                    .iter()
                    .map(|i| r.get(*i).unwrap_or_default().to_string())
                    .collect(),
            )),
            Err(_) => return Err(vec![("file".into(), format!("Line {line} cannot be read"))]),
        }
    }
    if out.is_empty() {
        return Err(vec![(
            "file".into(),
            "The file has no lines after its headings".into(),
        )]);
    }
    Ok(out)
}

fn whole(text: &str) -> Option<u32> {
    text.trim().replace(',', "").parse::<u32>().ok()
}

/// Reads a capacity return: columns `provider`, `kind`, `need`, `phase`, `district`, `places`.
pub fn parse_capacity(bytes: &[u8]) -> Result<Vec<Places>, Vec<Problem>> {
    let rows = rows(
        bytes,
        &["provider", "kind", "need", "phase", "district", "places"],
    )?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (line, r) in rows {
        let mut bad = |m: String| problems.push(("file".to_string(), format!("Line {line}: {m}")));
        let provision = Provision::parse(&r[1]);
        if provision.is_none() {
            bad(format!(
                "'{}' is not a kind of provision: use one of {}",
                r[1],
                Provision::codes()
            ));
        }
        let need = Need::parse(&r[2]);
        if need.is_none() {
            bad(format!(
                "'{}' is not a primary need: use one of {}",
                r[2],
                Need::codes()
            ));
        }
        let phase = Phase::parse(&r[3]);
        if phase.is_none() {
            bad(format!(
                "'{}' is not a phase: use one of {}",
                r[3],
                Phase::codes()
            ));
        }
        if r[0].is_empty() {
            bad("the provider is empty".into());
        }
        if r[4].is_empty() {
            bad("the district is empty".into());
        }
        let places = whole(&r[5]);
        if places.is_none() {
            bad(format!("'{}' places: give a whole number, 0 or more", r[5]));
        }
        if let (Some(provision), Some(need), Some(phase), Some(places)) =
            (provision, need, phase, places)
        {
            out.push(Places {
                provider: r[0].clone(),
                provision,
                need,
                phase,
                district: r[4].clone(),
                places,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Reads the EHCP counts: columns `need`, `age`, `district`, `count`.
pub fn parse_ehcp_counts(bytes: &[u8]) -> Result<Vec<EhcpCount>, Vec<Problem>> {
    let rows = rows(bytes, &["need", "age", "district", "count"])?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (line, r) in rows {
        let mut bad = |m: String| problems.push(("file".to_string(), format!("Line {line}: {m}")));
        let need = Need::parse(&r[0]);
        if need.is_none() {
            bad(format!(
                "'{}' is not a primary need: use one of {}",
                r[0],
                Need::codes()
            ));
        }
        let age = r[1].trim().parse::<u8>().ok().filter(|a| *a <= 25);
        if age.is_none() {
            bad(format!("'{}' is not an age from 0 to 25", r[1]));
        }
        if r[2].is_empty() {
            bad("the district is empty".into());
        }
        let count = whole(&r[3]);
        if count.is_none() {
            bad(format!(
                "'{}' children: give a whole number, 0 or more",
                r[3]
            ));
        }
        if let (Some(need), Some(age), Some(count)) = (need, age, count) {
            out.push(EhcpCount {
                need,
                age,
                district: r[2].clone(),
                count,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
