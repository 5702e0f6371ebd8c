//! `lra quarantine`: the runner's own arguments that skip the tests judged flaky or failing,
//! written as words a shell reads back unchanged, and on stderr each selected test they cannot
//! name exactly.

use std::io::{self, Write};

use clap::ValueEnum;
use lra_core::{Quarantine, Runner, as_printed};

/// How the quarantine is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum QuarantineFormat {
    /// The arguments on one line, each quoted for a POSIX shell where it needs it.
    Args,
    /// `lra-quarantine/1`: the arguments as a list, the tests they skip, the ones they cannot.
    Json,
}

/// Parses `--runner`.
pub fn parse_runner(name: &str) -> Result<Runner, String> {
    Runner::ALL.iter().find(|(_, n)| *n == name).map(|&(r, _)| r).ok_or_else(|| {
        let names: Vec<&str> = Runner::ALL.iter().map(|(_, n)| *n).collect();
        format!("expected one of {}", names.join(", "))
    })
}

/// Writes `quarantine` to `out` and its unnamed tests to `err`.
pub fn print(
    quarantine: &Quarantine,
    format: QuarantineFormat,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<()> {
    match format {
        QuarantineFormat::Json => writeln!(out, "{}", quarantine.to_json_pretty())?,
        QuarantineFormat::Args => {
            if !quarantine.args.is_empty() {
                let words: Vec<String> = quarantine.args.iter().map(|a| shell_word(a)).collect();
                writeln!(out, "{}", words.join(" "))?;
            }
        }
    }
    for test in &quarantine.unnamed {
        writeln!(err, "lra: not quarantined: {}: {}", as_printed(&test.name), as_printed(&test.why))?;
    }
    writeln!(
        err,
        "lra: {} test(s) quarantined for {}, {} could not be named",
        quarantine.tests.len(),
        quarantine.runner.as_str(),
        quarantine.unnamed.len()
    )
}

/// `word` as a POSIX shell reads it back unchanged: bare when it holds only characters no shell
/// treats specially, else in single quotes (a `'` inside written `'\''`). The words come from
/// names that print as themselves, so no control character is ever inside.
fn shell_word(word: &str) -> String {
    let bare = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(bare) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn a_word_with_shell_syntax_is_single_quoted() {
        assert_eq!(shell_word("--gtest_filter=-A.B:C.D"), "--gtest_filter=-A.B:C.D");
        assert_eq!(shell_word("t.py::test[a b]"), "'t.py::test[a b]'");
        assert_eq!(shell_word("$(rm -rf ~)'x"), r"'$(rm -rf ~)'\''x'");
        assert_eq!(shell_word(""), "''");
    }
}
