#pragma once

#include <QByteArray>
#include <QString>

namespace corslab::report {

struct SessionReport;

/// \brief The report as Markdown (GitHub flavour) to paste into a ticket: a summary table, then
/// each blocked pair as fenced header blocks (the preflight, then the actual request) with the
/// failing check, the browsers' error texts and the fix, then the warnings.
///
/// Capture text outside code blocks is escaped (Markdown punctuation and HTML), and fences are
/// made longer than any backtick run inside them, so no header value can break out.
QByteArray renderReportMarkdown(const SessionReport &report);

/// Blocked pairs past the cap are listed in the Markdown at most this many times.
constexpr qsizetype kMarkdownMaxListedPairs = 200;

} // namespace corslab::report
