#pragma once

#include "browser_case.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

/// \brief One data-driven case of web-platform-tests' CORS tests, written as a row of our
/// harness (tests/browser/wpt_cases.json: the request, the server's answers, WPT's expected
/// outcome and the WPT file it comes from). Facts taken from WPT, in our own format; the WPT
/// cases the harness cannot express are listed in tests/browser/wpt_cases.md.
struct WptCase
{
    BrowserCase browserCase;       ///< what the harness runs: the row without the fields below
    QString wptFile;               ///< "fetch/api/cors/cors-preflight-status.any.js"
    bool exposed = false;          ///< WPT expects the response readable; else a network error
    std::optional<bool> preflight; ///< whether WPT expects a preflight, when it checks
    /// Header names script can read, when WPT checks them (lowercase, sorted; the harness's own
    /// Content-Length among them).
    std::optional<QStringList> readable;
    /// A header value of the server's answers holds a NUL: no valid HTTP response, so a network
    /// error in every browser; the engine's scenarios refuse such a value as input.
    bool answersHoldNul = false;
};

/// Reads tests/browser/wpt_cases.json. False with \a error naming the row and the field when a
/// row is malformed (unknown expectation, missing WPT file, a duplicate id).
bool loadWptCases(QList<WptCase> *out, QString *error);
