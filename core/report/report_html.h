#pragma once

#include <QByteArray>
#include <QString>

namespace corslab::report {

struct SessionReport;

/// \brief The report as one self-contained HTML page (UTF-8) to open in any browser or attach
/// to a ticket.
///
/// Nothing in it loads anything: inline CSS, no script, no font, image or stylesheet from
/// elsewhere, and a Content-Security-Policy (default-src 'none') that would refuse them anyway.
/// Light and dark follow prefers-color-scheme. The summary comes first, then each blocked pair
/// side by side as the desktop app shows it (CORS headers highlighted, the decisive header
/// marked, missing headers named), with its checks, each browser's error text and the fix as
/// header lines to copy, then the warnings. Every value from the capture is HTML-escaped.
QByteArray renderReportHtml(const SessionReport &report);

/// The report's inline style sheet (light and dark), for other self-contained pages in its style
/// (the audit's): cards, pairs of header lines, the verdict colours.
const char *reportStyleSheet();

/// Blocked pairs past the cap are listed in the HTML at most this many times (the JSON report
/// lists them all).
constexpr qsizetype kHtmlMaxListedPairs = 2000;

} // namespace corslab::report
