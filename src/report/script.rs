//! `--report curl=PATH`: a shell script that sends every non-conforming case's request again,
//! one at a time and paced, each after the case's name and its failed checks as comments. The
//! commands are the cases' own ([`super::curl::command`], kept in the record); the credentials
//! come from the environment, as in `run`.

use super::curl::quote;
use super::record::{RunRecord, check_line};

/// The script's pace when `VSPC_RPS` is not set: requests per second, as a run against a
/// console keeps by default. A person replaying failures has time; the console may be shared.
pub const REPLAY_RPS: u32 = 20;

/// The whole script.
pub fn render(run: &RunRecord) -> String {
    let failing: Vec<_> = run.cases.iter().filter(|c| c.curl.is_some()).collect();
    let mut out = format!(
        "#!/bin/sh\n# vspc-conformance: {} non-conforming case{} against {} (API {}), each sent again.\n\
         # Credentials come from the environment: VSPC_TOKEN, VSPC_READONLY_TOKEN, and VSPC_<NAME> for a\n\
         # secret member of a body.\n\
         # One request at a time, at most VSPC_RPS a second (default {REPLAY_RPS}); curl prints each\n\
         # answer's body, then its status as `HTTP <status>`.\n\
         pause=$(awk \"BEGIN {{ print 1 / ${{VSPC_RPS:-{REPLAY_RPS}}} }}\")\n",
        failing.len(),
        if failing.len() == 1 { "" } else { "s" },
        run.target,
        run.api_version
    );
    for (i, case) in failing.iter().enumerate() {
        out.push_str(&format!(
            "\n# {} ({}:{})\n",
            case.name, case.file, case.line
        ));
        for (check, record) in case.failures() {
            out.push_str(&format!(
                "#   {}: {}\n",
                check.as_str(),
                check_line(record).replace('\n', " ")
            ));
        }
        if i > 0 {
            out.push_str("sleep \"$pause\"\n");
        }
        out.push_str(&format!("echo {}\n", quote(&format!("==> {}", case.name))));
        if let Some(command) = &case.curl {
            out.push_str(command);
            out.push('\n');
        }
    }
    out
}
