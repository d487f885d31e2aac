#pragma once

#include "check/check_runner.h"
#include "check/contract.h"
#include "check_command_options.h"

class QTextStream;

/// Runs \a cases (a contract's, or an OpenAPI description's) on the real wire, judges each and
/// prints one line per case (✓, or ✗ with the reasons and the fix), then "N passed, N failed";
/// `--format json` prints the same as one object. Writes JUnit XML to `--junit` when asked.
/// Returns 0 when every case passed, 1 otherwise (2 when the JUnit file cannot be written).
int runCheckCases(const QList<corslab::check::ContractCase> &cases, const QString &suiteName,
                  const CheckCommandOptions &options, QTextStream &out, QTextStream &err);

/// The exit code of requests checked one by one: 3 when any got no answer (network failure), 1
/// when any was blocked, 0 when the page could read every one.
int checkExitCode(const QList<corslab::check::CheckResult> &results);
