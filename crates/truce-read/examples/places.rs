//! Prints the place names the gazetteer finds in each argument (or each line
//! of stdin), with their candidate entries: a debugging aid for name data.

use std::io::BufRead;

use truce_read::RefData;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rd = RefData::bundled()?;
    let mut texts: Vec<String> = std::env::args().skip(1).collect();
    if texts.is_empty() {
        texts = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
    }
    for t in &texts {
        println!("{t}");
        for (name, cands) in rd.place_names(t) {
            println!("  {name}: {}", cands.join("; "));
        }
    }
    Ok(())
}
